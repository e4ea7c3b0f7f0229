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
  LoadProgress,
  OutputChunk,
  PythonErrorInfo,
  ImageOutput,
  FileOutput,
  FileInfo,
} from './types.js';
