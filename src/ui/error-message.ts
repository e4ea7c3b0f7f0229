/**
 * Turns whatever a send threw into words a person can act on. Never a blank screen, never a raw
 * stack: a title, a detail line, and whether retrying can help.
 */
import { isAbortError, isApiError } from '../agent/index.js';

export interface ReadableError {
  title: string;
  detail: string;
  /** False when retrying the same thing cannot work (e.g. a bad key): the fix is elsewhere. */
  retryable: boolean;
  /** Where the fix is, when it is in the settings (the key or the model name). */
  fix?: 'api-key' | 'model';
}

/** The `message` inside an API error body (`{"error":{"message":…}}`), if there is one. */
function apiMessage(error: Error): string {
  const json = error.message.slice(error.message.indexOf('{'));
  try {
    const body = JSON.parse(json) as { error?: { message?: string } };
    if (body.error?.message) return body.error.message;
  } catch {
    // Not JSON: use the message as it is.
  }
  return error.message;
}

export function describeError(error: unknown): ReadableError {
  if (isApiError(error)) {
    const message = apiMessage(error);
    const { status } = error;
    if (status === 400 && /api[ _]key/i.test(message))
      return { title: 'The API key was not accepted', detail: `${message} Check the key in Settings.`, retryable: false, fix: 'api-key' };
    if (status === 401 || status === 403)
      return { title: 'This API key may not use Gemini', detail: `${message} (HTTP ${status})`, retryable: false, fix: 'api-key' };
    if (status === 404) return { title: 'Model not found', detail: `${message} Check the model name in Settings.`, retryable: false, fix: 'model' };
    if (status === 429) return { title: 'Quota exceeded or rate limited', detail: `${message} Wait a moment, then retry.`, retryable: true };
    if (status >= 500) return { title: 'Gemini is unavailable right now', detail: `${message} (HTTP ${status}). Retry in a moment.`, retryable: true };
    return { title: `The request was rejected (HTTP ${status})`, detail: message, retryable: true };
  }
  if (isAbortError(error)) return { title: 'Stopped', detail: 'The message was stopped before the model finished.', retryable: true };
  const err = error instanceof Error ? error : new Error(String(error));
  if (err.name === 'TypeError' && /fetch|network|load failed/i.test(err.message)) {
    return {
      title: 'Could not reach Gemini',
      detail: 'The network request failed. Check your connection (or a proxy / ad blocker), then retry.',
      retryable: true,
    };
  }
  if (err.name === 'SandboxBootError') return { title: 'Python could not start', detail: err.message, retryable: true };
  return { title: 'Something went wrong', detail: `${err.name}: ${err.message}`, retryable: true };
}

/** Finish reasons that mean the model declined or was cut off for policy reasons. */
const REFUSALS = new Set(['SAFETY', 'RECITATION', 'BLOCKLIST', 'PROHIBITED_CONTENT', 'SPII', 'IMAGE_SAFETY', 'LANGUAGE', 'OTHER']);

/** Why an answer with no parts ended, where the finish reason says more than "empty". */
const EMPTY_ANSWERS: Readonly<Record<string, Omit<ReadableError, 'retryable'>>> = {
  // SDK 3.x: the service could not produce a well-formed response.
  MALFORMED_RESPONSE: {
    title: "The model's answer was malformed",
    detail: 'Gemini could not produce a well-formed response (MALFORMED_RESPONSE). Retry the message.',
  },
  MALFORMED_FUNCTION_CALL: {
    title: 'The model made a malformed call',
    detail: 'Gemini produced a function call it could not parse (MALFORMED_FUNCTION_CALL). Retry the message.',
  },
  UNEXPECTED_TOOL_CALL: {
    title: 'The model called a tool it was not given',
    detail: 'Gemini called a tool that was not enabled for this message (UNEXPECTED_TOOL_CALL). Retry, or switch the execution mode.',
  },
  MAX_TOKENS: {
    title: 'The answer hit the output limit',
    detail: 'Gemini reached its output token limit before writing anything (MAX_TOKENS). Ask for less, or retry.',
  },
};

/** A readable error when a completed response is a refusal (empty, blocked prompt or a policy finish reason). */
export function describeRefusal(input: { finishReason?: string; blockReason?: string; partCount: number }): ReadableError | undefined {
  if (input.blockReason)
    return { title: 'The prompt was blocked', detail: `Gemini declined the message (${input.blockReason}). Rephrase it and try again.`, retryable: false };
  if (input.finishReason && REFUSALS.has(input.finishReason))
    return {
      title: 'The model declined to answer',
      detail: `Generation stopped (${input.finishReason}). Rephrase the message and try again.`,
      retryable: true,
    };
  if (input.partCount > 0) return undefined;
  const known = input.finishReason !== undefined && Object.hasOwn(EMPTY_ANSWERS, input.finishReason) ? EMPTY_ANSWERS[input.finishReason] : undefined;
  return { ...(known ?? { title: 'The model returned nothing', detail: 'The response was empty. Retry, or rephrase the message.' }), retryable: true };
}
