/**
 * The sandbox's infrastructure failures, each with a message that says what to change: kinds of
 * the library's one error family (see src/common/errors.ts; `SandboxError.isInstance(e)` recognises
 * them across copies and realms). Errors in the user's Python are data on the `RunResult`, never
 * thrown.
 */
import { CodeExecutionError, type CodeExecutionErrorOptions } from '../common/errors.js';

/** A failure of the sandbox itself. `code`: `'sandbox'`, or the kind's own (below). */
export class SandboxError extends CodeExecutionError {
  static override readonly kind: string = 'SandboxError';
  override name = 'SandboxError';
  constructor(message: string, options: CodeExecutionErrorOptions = { code: 'sandbox' }) {
    super(message, options);
  }
}

/**
 * Python could not start (assets missing, wrong MIME type, boot timeout). `code: 'boot-failed'`;
 * `retryable` when it ran out of time with its runtime readable (a busy machine).
 */
export class SandboxBootError extends SandboxError {
  static override readonly kind: string = 'SandboxBootError';
  override name = 'SandboxBootError';
  constructor(message: string, options?: { cause?: unknown; retryable?: boolean }) {
    super(message, { code: 'boot-failed', cause: options?.cause, retryable: options?.retryable });
  }
}

/** The sandbox was disposed; create a new one. `code: 'disposed'`. */
export class SandboxDisposedError extends SandboxError {
  static override readonly kind: string = 'SandboxDisposedError';
  override name = 'SandboxDisposedError';
  constructor() {
    super('This PythonSandbox was disposed; create a new one with PythonSandbox.create()', { code: 'disposed' });
  }
}

/**
 * The worker broke the protocol: an answer or event that does not fit, or more than the limits
 * allow. The worker is replaced; a run reports it as `SandboxCrash`, other calls throw it.
 * `code: 'protocol'`, retryable (the next call goes to a new interpreter).
 */
export class ProtocolError extends SandboxError {
  static override readonly kind: string = 'ProtocolError';
  override name = 'ProtocolError';
  constructor(message: string) {
    super(message, { code: 'protocol', retryable: true });
  }
}

/** `readFile` of a path that is not in the working directory. `code: 'file-not-found'`. */
export class SandboxFileNotFoundError extends SandboxError {
  static override readonly kind: string = 'SandboxFileNotFoundError';
  override name = 'SandboxFileNotFoundError';
  constructor(readonly path: string) {
    super(`No such file in the working directory: ${path}`, { code: 'file-not-found' });
  }
}

/** `readFile` of a file larger than the call's `maxBytes`: nothing of it was copied out of the interpreter. `code: 'file-too-large'`. */
export class SandboxFileTooLargeError extends SandboxError {
  static override readonly kind: string = 'SandboxFileTooLargeError';
  override name = 'SandboxFileTooLargeError';
  constructor(
    readonly path: string,
    /** The file's size in bytes. */
    readonly size: number,
    readonly maxBytes: number,
  ) {
    super(`${path} is ${size} bytes, over the ${maxBytes} bytes this read takes at most`, { code: 'file-too-large' });
  }
}

/** A call's worker stopped during it (`code: 'worker-stopped'`): retryable, the next call gets a new interpreter. */
export function workerStopped(call: string, died: string): SandboxError {
  return new SandboxError(`The sandbox worker stopped during ${call}() (${died}). It is replaced by the next call; variables are gone.`, {
    code: 'worker-stopped',
    retryable: true,
  });
}

/**
 * `PythonSandbox.saveState` or `restoreState` refused (`code: 'state-refused'`): bytes that are not
 * a saved state, corrupt, made by another build, or over the size bounds; or an interpreter that
 * cannot be saved (compiled package code loaded). The sandbox is unchanged and usable.
 */
export class SandboxStateError extends SandboxError {
  static override readonly kind: string = 'SandboxStateError';
  override name = 'SandboxStateError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, { code: 'state-refused', cause: options?.cause });
  }
}
