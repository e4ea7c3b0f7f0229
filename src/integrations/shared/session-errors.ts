/**
 * The errors of a session's interpreter (src/integrations/shared/sessions.ts), kinds of the
 * library's one error family (src/common/errors.ts): each has a stable `code` and `retryable`, and
 * `Kind.isInstance(error)` recognises it across copies of the library. The MCP server and the ADK
 * code executor answer each with its message; neither is thrown at their user.
 */
import { CodeExecutionError } from '../../common/errors.js';

/** Thrown when a new session would go past `maxSessions` and every held session is running a call. `code: 'session-limit'`, retryable (later). */
export class SessionLimitError extends CodeExecutionError {
  static override readonly kind: string = 'SessionLimitError';
  override name = 'SessionLimitError';
  constructor(message: string) {
    super(message, { code: 'session-limit', retryable: true });
  }
}

/** Thrown by a call on a session that was closed (idle, deleted, or the server is stopping), or one with too many calls pending. `code: 'session-closed'`. */
export class SessionClosedError extends CodeExecutionError {
  static override readonly kind: string = 'SessionClosedError';
  override name = 'SessionClosedError';
  constructor(message: string) {
    super(message, { code: 'session-closed' });
  }
}
