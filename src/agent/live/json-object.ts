/**
 * The one check every reader of Live wire data starts from. The fields stay `unknown`, so each
 * must be checked before it is used: the server's messages are hostile data.
 */

/** Whether `value` is a JSON object: not null, not an array. */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
