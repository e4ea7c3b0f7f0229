/**
 * Public surface, export by export.
 */
export { PythonSandbox } from './sandbox/python-sandbox.js';
export { toParts, resultOutputText } from './sandbox/parts.js';
export { DEFAULT_LIMITS } from './sandbox/limits.js';
export { SandboxError, SandboxBootError, SandboxDisposedError } from './sandbox/errors.js';
export type {
  RunOutcome,
  RunResult,
  RunOptions,
  SandboxOptions,
  SandboxLimits,
  PyodideSource,
  SnapshotCache,
  BootPath,
  LoadProgress,
  OutputChunk,
  PythonErrorInfo,
  ImageOutput,
  FileOutput,
  FileInfo,
} from './types.js';

// The agent loop: Gemini function calling against the local sandbox, or server-side execution.
export {
  createCodeExecutionChat,
  CodeExecutionChat,
  generateWithCodeExecution,
  sandboxAsCallableTool,
  RUN_PYTHON,
  runPythonDeclaration,
  partKind,
  isApiError,
  isAbortError,
  DEFAULT_MAX_STEPS,
  ATTACHMENT_PREVIEW_BYTES,
} from './agent/index.js';
export type {
  AgentSandbox,
  Attachment,
  CodeExecutionBaseOptions,
  CodeExecutionChatOptions,
  CodeExecutionMessageParameters,
  ExecutionMode,
  GenAIClient,
  GenerateWithCodeExecutionParameters,
  LocalExecutionOptions,
  LocalFunction,
  LocalFunctionContext,
  ServerExecutionOptions,
  SandboxToolOptions,
  RunPythonDeclarationOptions,
  PartKind,
  CodeExecutionEvent,
  StepStartEvent,
  StepEvent,
  RunStartEvent,
  OutputEvent,
  RunEndEvent,
  FunctionResponseEvent,
  MaxStepsEvent,
} from './agent/index.js';
