/**
 * The one error family: every error this library throws for its own reasons (not the user's
 * Python, whose errors are data on a `RunResult`, and not the SDK's, which pass through) is a
 * {@link CodeExecutionError} with a `code` and `retryable`. Each kind has a guard,
 * `Kind.isInstance(error)`, that works where `instanceof` does not: an error from another copy of
 * the library (its web and Node builds in one app, two bundles on a page) or another realm (a
 * frame, a `node:vm` context). It reads marks keyed by a registered symbol, which every copy and
 * realm of one process shares, naming each kind the error belongs to.
 */

const KINDS = Symbol.for('pyodide-code-execution.error-kinds');

/** What {@link CodeExecutionError}'s constructor takes beside the message. */
export interface CodeExecutionErrorOptions {
  /** What went wrong, stable across versions (see each kind). */
  code: string;
  /** Whether the same call may succeed when tried again unchanged. */
  retryable?: boolean;
  /** The error that led to this one, kept as the standard `Error.cause`. */
  cause?: unknown;
}

/**
 * The base of every error this library throws for its own reasons; each kind (`SandboxError`,
 * `PackageLoadError`, …) extends it. Match on `code` and check with `isInstance`, not `instanceof`.
 *
 * @example
 * ```ts
 * try {
 *   await sandbox.run(code);
 * } catch (error) {
 *   if (CodeExecutionError.isInstance(error) && error.retryable) await sandbox.run(code);
 *   else throw error;
 * }
 * ```
 */
export class CodeExecutionError extends Error {
  /** The kind a subclass declares; marks its errors for {@link CodeExecutionError.isInstance}. */
  static readonly kind: string = 'CodeExecutionError';
  override name = 'CodeExecutionError';
  /** What went wrong, stable across versions: match on this, not on the message. */
  readonly code: string;
  /** Whether the same call may succeed when tried again unchanged (later, or on a new interpreter). */
  readonly retryable: boolean;

  constructor(message: string, { code, retryable = false, cause }: CodeExecutionErrorOptions) {
    super(message, cause === undefined ? undefined : { cause });
    this.code = code;
    this.retryable = retryable;
    const kinds: string[] = [];
    for (let type: unknown = new.target; typeof type === 'function' && type !== Error; type = Object.getPrototypeOf(type))
      if (Object.hasOwn(type, 'kind')) kinds.push((type as unknown as { kind: string }).kind);
    Object.defineProperty(this, KINDS, { value: Object.freeze(kinds) });
  }

  /**
   * True when `error` is of this kind (`SandboxError.isInstance(e)`, or any kind of the family
   * on `CodeExecutionError`), from whichever copy of the library or realm it came.
   */
  static isInstance<T extends CodeExecutionError>(this: { kind: string; prototype: T }, error: unknown): error is T {
    const kinds = typeof error === 'object' && error !== null ? (error as { [KINDS]?: unknown })[KINDS] : undefined;
    // biome-ignore lint/complexity/noThisInStatic: `this` is the kind it is called on (a subclass), which is the point.
    return Array.isArray(kinds) && kinds.includes(this.kind);
  }
}
