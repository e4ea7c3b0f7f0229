/**
 * Infrastructure failures are thrown with a `name` (which survives any boundary, unlike
 * `instanceof`) and a message that says what to change. Errors in the user's Python are data
 * on the `RunResult`, never thrown.
 */
export class SandboxError extends Error {
  override name = 'SandboxError';
}

/** Python could not start (assets missing, wrong MIME type, boot timeout). */
export class SandboxBootError extends SandboxError {
  override name = 'SandboxBootError';
}

/** The sandbox was disposed; create a new one. */
export class SandboxDisposedError extends SandboxError {
  override name = 'SandboxDisposedError';
  constructor() {
    super('This PythonSandbox was disposed; create a new one with PythonSandbox.create()');
  }
}

/**
 * The worker broke the protocol: an answer or event that does not fit, or more than the limits
 * allow. The worker is replaced; a run reports it as `SandboxCrash`, other calls throw it.
 */
export class ProtocolError extends SandboxError {
  override name = 'ProtocolError';
}

/** `readFile` of a path that is not in the working directory. */
export class SandboxFileNotFoundError extends SandboxError {
  override name = 'SandboxFileNotFoundError';
  constructor(readonly path: string) {
    super(`No such file in the working directory: ${path}`);
  }
}

/** `readFile` of a file larger than the call's `maxBytes`: nothing of it was copied out of the interpreter. */
export class SandboxFileTooLargeError extends SandboxError {
  override name = 'SandboxFileTooLargeError';
  constructor(
    readonly path: string,
    /** The file's size in bytes. */
    readonly size: number,
    readonly maxBytes: number,
  ) {
    super(`${path} is ${size} bytes, over the ${maxBytes} bytes this read takes at most`);
  }
}
