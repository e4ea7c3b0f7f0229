/**
 * Recognising the errors the loop lets through. By `name` and fields, not `instanceof`: the SDK's
 * classes can come from another copy of the package (web and node builds), and names survive.
 */

/** An error from the Gemini API (the SDK's `ApiError`): `status` is the HTTP status. */
export function isApiError(error: unknown): error is Error & { status: number } {
  return error instanceof Object && (error as Error).name === 'ApiError' && typeof (error as { status?: unknown }).status === 'number';
}

/** The message was aborted through `config.abortSignal`. */
export function isAbortError(error: unknown): error is Error {
  return error instanceof Object && (error as Error).name === 'AbortError';
}
