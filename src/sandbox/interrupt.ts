/**
 * The SharedArrayBuffer interrupt: writing SIGINT (2) makes Python raise KeyboardInterrupt at its
 * next bytecode check, keeping the interpreter and its globals. Needs SharedArrayBuffer: always
 * in Node, only on cross-origin-isolated pages in browsers.
 */
const SIGINT = 2;

export class InterruptBuffer {
  /** Shared with the worker, which hands it to `pyodide.setInterruptBuffer`. */
  readonly buffer: SharedArrayBuffer;
  private readonly view: Uint8Array;

  private constructor(buffer: SharedArrayBuffer) {
    this.buffer = buffer;
    this.view = new Uint8Array(buffer);
  }

  /** Returns an interrupt buffer, or `undefined` where SharedArrayBuffer is not available. */
  static create(): InterruptBuffer | undefined {
    if (typeof SharedArrayBuffer === 'undefined') return undefined;
    if (typeof globalThis.crossOriginIsolated === 'boolean' && !globalThis.crossOriginIsolated) return undefined;
    return new InterruptBuffer(new SharedArrayBuffer(1));
  }

  interrupt(): void {
    Atomics.store(this.view, 0, SIGINT);
  }

  clear(): void {
    Atomics.store(this.view, 0, 0);
  }
}
