/**
 * The one error the Interactions mode adds, for everything the SDK's own errors do not say: an
 * interaction that ended in a status that is not an answer, a server that broke the protocol or
 * a bound, and the API's refusal of code execution beside function tools.
 */
import { CodeExecutionError } from '../../common/errors.js';
import { explainModelNotFound } from '../model-name.js';

/** Why an {@link InteractionError} was thrown. */
export type InteractionErrorReason =
  /** The interaction ended `failed`, `cancelled`, `budget_exceeded`, `requires_continuation`, or in a status this library does not know. */
  | 'status'
  /** The server sent something the protocol does not allow (a call without id, a result for no call, an error event, malformed events). */
  | 'protocol'
  /** The server sent more than the bounds allow (event bytes, characters, nesting, events, steps: see {@link INTERACTION_LIMITS}), or a stream sent nothing for `limits.streamIdleTimeoutMs`. */
  | 'limit'
  /**
   * The API refused a built-in tool (code execution) beside function tools and asked for
   * `tool_config.include_server_side_tool_invocations`, which the SDK's create request cannot send.
   */
  | 'tool-mix';

/**
 * An Interactions API message that could not be completed; recognise it with
 * `InteractionError.isInstance(error)`. The chat's history is as it was before the message. API
 * errors the SDK raises itself (HTTP status errors) pass through unchanged, except the tool-mix
 * 400, which becomes this error with the SDK's error as `cause`. `code` is `interaction-` and the
 * reason (`interaction-status`…); an interaction that ended `failed` is `retryable`.
 */
export class InteractionError extends CodeExecutionError {
  static override readonly kind: string = 'InteractionError';
  override readonly name = 'InteractionError';
  /** What went wrong (see {@link InteractionErrorReason}). */
  readonly reason: InteractionErrorReason;
  /** The interaction's final status, for reason `status`. */
  readonly status: string | undefined;
  /** The interaction's id, where the server gave one (empty with `store: false`). */
  readonly interactionId: string | undefined;

  constructor(reason: InteractionErrorReason, message: string, details: { status?: string; interactionId?: string; cause?: unknown } = {}) {
    super(message, { code: `interaction-${reason}`, retryable: reason === 'status' && details.status === 'failed', cause: details.cause });
    this.reason = reason;
    this.status = details.status;
    this.interactionId = details.interactionId || undefined;
  }
}

/**
 * True for an {@link InteractionError}, also from another copy of this library or realm, or from
 * a copy older than the error family (by name and fields).
 * @deprecated Use `InteractionError.isInstance(error)`; this alias goes in the next minor version.
 */
export function isInteractionError(error: unknown): error is InteractionError {
  if (InteractionError.isInstance(error)) return true;
  const e = error as { name?: unknown; reason?: unknown } | null;
  return typeof e === 'object' && e !== null && e.name === 'InteractionError' && typeof e.reason === 'string';
}

/**
 * `error`, or the {@link InteractionError} it wraps: the SDK reports an error its stream's body
 * raised (the event byte bound) as a connection error with ours as `cause`.
 */
export function ownInteractionError(error: unknown): unknown {
  for (let at = error, depth = 0; depth < 4 && typeof at === 'object' && at !== null; at = (at as { cause?: unknown }).cause, depth++)
    if (isInteractionError(at)) return at;
  return error;
}

/** The API's 400 for a built-in tool beside function tools (quoted in googleapis/js-genai#1768, python-genai#2761). */
const TOOL_MIX_REFUSAL = /include_server_side_tool_invocations/;

/**
 * The error to throw for an error from `interactions.create`: the tool-mix 400 as an
 * {@link InteractionError} that says what to do, a model the API does not serve as the SDK's
 * error with a message that says what to do ({@link explainModelNotFound}), anything else unchanged.
 */
export function explainCreateError(error: unknown, model: string): unknown {
  const status = (error as { status?: unknown } | null)?.status;
  const message = error instanceof Error ? error.message : '';
  if (status === 400 && TOOL_MIX_REFUSAL.test(message)) {
    return new InteractionError(
      'tool-mix',
      'The Interactions API refused code execution beside function tools for this model: it asks for tool_config.include_server_side_tool_invocations, which the SDK cannot send in interactions.create. Use execution: "local", drop functions in server mode, or use api: "generateContent".',
      { cause: error },
    );
  }
  return explainModelNotFound(error, model);
}

/** Text from the server, cut to a length that is safe to put in an error message. */
export function quoted(text: unknown, max = 300): string {
  const value = typeof text === 'string' ? text : (JSON.stringify(text) ?? String(text));
  return value.length > max ? `${value.slice(0, max)}…` : value;
}
