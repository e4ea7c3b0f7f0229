/**
 * The MCP server's errors, kinds of the library's one error family (src/common/errors.ts): each has a
 * stable `code` and `retryable`, and `Kind.isInstance(error)` recognises it across copies of the
 * library. A client never sees them thrown: the server answers each with a tool error (its
 * message) or, over HTTP, a JSON-RPC error.
 */
import { CodeExecutionError } from '../../common/errors.js';

export { SessionClosedError, SessionLimitError } from '../shared/session-errors.js';

/** When a client told the server is busy (its interpreters all running, or the machine too busy to boot one) should call again: said in the message, and over HTTP in `Retry-After`. */
export const BUSY_RETRY_SECONDS = 10;

/**
 * Thrown for a call while the boundary cannot start (Deno missing, or there but not running); its
 * message is the tool error, what to install first, then the `--isolation worker` way out.
 * `code: 'boundary-unavailable'`: not retryable unchanged (Deno must be installed or fixed first;
 * the next call after that finds it).
 */
export class BoundaryUnavailableError extends CodeExecutionError {
  static override readonly kind: string = 'BoundaryUnavailableError';
  override name = 'BoundaryUnavailableError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, { code: 'boundary-unavailable', cause: options?.cause });
  }
}

/** Thrown for arguments a call cannot run with (unknown tool, missing, mistyped or over a bound); its message is the tool error the client gets. `code: 'tool-arguments'`. */
export class ToolArgumentError extends CodeExecutionError {
  static override readonly kind: string = 'ToolArgumentError';
  override name = 'ToolArgumentError';
  constructor(message: string) {
    super(message, { code: 'tool-arguments' });
  }
}
