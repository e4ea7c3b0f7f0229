/**
 * The one check every reader of wire data starts from (a worker's answers, Live messages,
 * Interactions steps, an MCP server's results and schemas, a gateway's config file). The fields
 * stay `unknown`, so each must be checked before it is used: what a sandbox, a model or a server
 * sends is hostile data.
 */

/** Whether `value` is a JSON object: not null, not an array. */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
