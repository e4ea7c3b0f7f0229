/**
 * Model names: the one this library suggests, and the error for a model the API does not serve
 * (retired, or misspelled). Google retires pinned model versions within months, and an app that
 * names one keeps sending it; the error has to say what to do.
 */

/**
 * The model name suggested in examples, errors and the widget's default: an alias that Google
 * points at its current Flash model and does not retire. Pin a version where results must be
 * reproducible.
 */
export const SUGGESTED_MODEL = 'gemini-flash-latest';

/**
 * The error to throw for a failed model request: a 404 that says the model is not found gets a
 * message that leads with what to do, e.g. `Model "gemini-3.6-flahs" is not available (retired or
 * misspelled): pass another model, e.g. "gemini-flash-latest"; ai.models.list() lists them.`,
 * followed by the API's own words. The error stays the SDK's own object (its class, `name`,
 * `status` and fields), so `isApiError` and `name === 'ApiError'` checks keep working; only its
 * message is rewritten. Anything else is returned unchanged.
 *
 * @param error What the SDK threw.
 * @param model The model the request named.
 */
export function explainModelNotFound(error: unknown, model: string): unknown {
  if (!(error instanceof Error) || (error as { status?: unknown }).status !== 404) return error;
  const name = model.replace(/^models\//, '');
  // Only a 404 about this model: the API's text names it ("models/X is not found for API version …"),
  // which a wrong base URL's or a missing interaction's 404 does not.
  if (!error.message.includes(name) || !/not found/i.test(error.message)) return error;
  const original = error.message;
  error.message = `Model ${JSON.stringify(name)} is not available (retired or misspelled): pass another model, e.g. ${JSON.stringify(SUGGESTED_MODEL)}; ai.models.list() lists them. ${original}`;
  if (typeof error.stack === 'string') error.stack = error.stack.replace(original, error.message);
  return error;
}
