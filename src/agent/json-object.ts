/**
 * The one check the agent's readers of wire data (Live messages, Interactions steps) start from.
 * The fields stay `unknown`, so each must be checked before it is used: a server's messages and a
 * model's arguments are hostile data.
 */

/** Whether `value` is a JSON object: not null, not an array. */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
