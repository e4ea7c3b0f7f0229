/**
 * The sandbox alone (`pyodide-code-execution/sandbox`): Python in a worker, with no agent loop and
 * no `@google/genai`, for pages that only run code, and for a plain `<script type="module">`.
 */
export { PythonSandbox } from './sandbox/python-sandbox.js';
export { DEFAULT_LIMITS } from './sandbox/limits.js';
export { fileOutputBytes } from './sandbox/files/file-output-bytes.js';
export { checkChart, type CheckedChart } from './sandbox/charts/check-chart.js';
export { withChartImages } from './sandbox/charts/run-images.js';
export { CodeExecutionError, type CodeExecutionErrorOptions } from './common/errors.js';
// MCP servers' tools as code-callable functions (the SDK only as types: a page bundles its own client),
// and the bounded fetch a page hands that client's transport.
export {
  mcpFunctions,
  type McpFunction,
  type McpFunctionsOptions,
  type McpCallOptions,
  type McpCallParams,
  type McpToolClient,
  type McpToolClientV1,
  type McpToolClientV2,
  type McpToolInfo,
} from './integrations/mcp-tools/index.js';
export { boundedMcpFetch, type BoundedMcpFetchOptions, type McpFetch } from './integrations/mcp-tools/bounded-fetch.js';
export {
  SandboxError,
  SandboxBootError,
  SandboxDisposedError,
  SandboxFileNotFoundError,
  SandboxFileTooLargeError,
  SandboxStateError,
  ProtocolError,
} from './sandbox/errors.js';
export type {
  RunOutcome,
  RunResult,
  RunOptions,
  SandboxFunction,
  ConfirmCall,
  SandboxOptions,
  DenoBoundary,
  SandboxLimits,
  PyodideSource,
  SnapshotCache,
  BootPath,
  LoadProgress,
  OutputChunk,
  PythonErrorInfo,
  ImageOutput,
  ChartOutput,
  ChartMimeType,
  FileOutput,
  FileInfo,
  ReadFileOptions,
  Checkpoint,
  CheckpointBounds,
  RestoredFrom,
} from './shared/types.js';
