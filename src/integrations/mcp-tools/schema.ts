/**
 * A tool's `inputSchema` as the sandbox may use it. The schema is the server's, so hostile data:
 * bounded in size and depth, and without `pattern` and `patternProperties`, whose regular
 * expressions the host would run on the model's arguments (one written to backtrack could hold the
 * page's thread for minutes). The server still checks its own input, patterns and all.
 */
import { isObject } from '../../json-object.js';

/** The most characters of JSON one tool's schema may have. */
export const MAX_SCHEMA_CHARS = 64 * 1024;

/** The deepest a schema may nest. */
const MAX_DEPTH = 32;

/** Keywords whose value is one schema. */
const ONE = new Set([
  'items',
  'additionalProperties',
  'not',
  'if',
  'then',
  'else',
  'contains',
  'propertyNames',
  'unevaluatedItems',
  'unevaluatedProperties',
  'additionalItems',
]);
/** Keywords whose value is a list of schemas. */
const LIST = new Set(['allOf', 'anyOf', 'oneOf', 'prefixItems']);
/** Keywords whose value maps names (kept as they are) to schemas. */
const MAP = new Set(['properties', '$defs', 'definitions', 'dependentSchemas']);

/** The parameters of a tool without a usable schema: any named arguments, checked by the server. */
const ANY_OBJECT = { type: 'object' };

/**
 * `schema` copied for use, or `{ type: 'object' }` where it is not an object schema, is too large
 * or nests too deep (the tool still works; the server checks its input).
 */
export function usableSchema(schema: unknown): Record<string, unknown> {
  if (!isObject(schema) || schema.type !== 'object') return ANY_OBJECT;
  let size: number;
  try {
    size = JSON.stringify(schema).length;
  } catch {
    return ANY_OBJECT;
  }
  if (size > MAX_SCHEMA_CHARS) return ANY_OBJECT;
  return (copy(schema, 0) as Record<string, unknown> | undefined) ?? ANY_OBJECT;
}

/** One schema (or `true`/`false`) without the regex keywords; `undefined` when it nests too deep. */
function copy(schema: unknown, depth: number): unknown {
  if (depth > MAX_DEPTH) return undefined;
  if (!isObject(schema)) return schema;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'pattern' || key === 'patternProperties') continue;
    // Without patternProperties (its names are patterns too), additionalProperties would refuse what it allowed.
    if (key === 'additionalProperties' && 'patternProperties' in schema) continue;
    const copied = ONE.has(key)
      ? copy(value, depth + 1)
      : LIST.has(key) && Array.isArray(value)
        ? value.map((item) => copy(item, depth + 1))
        : MAP.has(key) && isObject(value)
          ? Object.fromEntries(Object.entries(value).map(([name, item]) => [name, copy(item, depth + 1)]))
          : value;
    if (copied === undefined || (Array.isArray(copied) && copied.includes(undefined))) return undefined;
    if (MAP.has(key) && isObject(copied) && Object.values(copied).includes(undefined)) return undefined;
    out[key] = copied;
  }
  return out;
}
