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
