/**
 * Public surface, export by export.
 */
export { PythonSandbox } from './sandbox/python-sandbox.js';
export { toParts, resultOutputText } from './sandbox/parts.js';
export { DEFAULT_LIMITS } from './sandbox/limits.js';
export { SandboxError, SandboxBootError, SandboxDisposedError, SandboxFileNotFoundError, ProtocolError } from './sandbox/errors.js';
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
// Its list lives in agent/index.ts, once.
export * from './agent/index.js';
