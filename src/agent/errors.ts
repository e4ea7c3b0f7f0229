/**
 * Recognising the errors the loop lets through. By `name` and fields, not `instanceof`: the SDK's
 * classes can come from another copy of the package (web and node builds), and names survive.
 */

/**
 * An error from the Gemini API, whichever API the chat speaks: the SDK's `ApiError`
 * (`generateContent`), or one of its Interactions client's `APIError` classes (`BadRequestError`,
 * `NotFoundError`…, named after their class and carrying the response's `headers`). `status` is
 * the HTTP status.
 */
export function isApiError(error: unknown): error is Error & { status: number } {
  if (!(error instanceof Error) || typeof (error as { status?: unknown }).status !== 'number') return false;
  return error.name === 'ApiError' || 'headers' in error;
}

/** The message was aborted through `config.abortSignal`. */
export function isAbortError(error: unknown): error is Error {
  return error instanceof Object && (error as Error).name === 'AbortError';
}
