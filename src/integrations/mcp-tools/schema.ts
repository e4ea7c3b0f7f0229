/**
 * A tool's `inputSchema` as the sandbox may use it: the host checks the model's arguments against
 * it before a call leaves, and shows its parameters as the Python signature. The schema is the
 * server's, so hostile data, and a JSON Schema validator's work is not bounded by the schema's
 * size: a 2 KB chain of `$ref`s under `anyOf`, `allOf` or `oneOf` makes it try every branch (2^30
 * for 30 links), and `pattern` runs the server's regular expressions. So the host keeps the top
 * level only: which parameters there are, which are required, and each one's own constraints that
 * take no subschema (its `type`, `enum`, bounds, `maxLength`…). Nested shapes, references, branches
 * and regular expressions are the server's to check, as it must anyway; checking one call then
 * costs one look at each top-level argument.
 */

import { isObject } from '../../common/json-object.js';

/** The most characters of JSON one tool's schema may have. */
export const MAX_SCHEMA_CHARS = 64 * 1024;

/** A parameter's own constraints, each checked in one step per argument (no subschema, no pattern). */
const PARAMETER_KEYWORDS = new Set([
  'type',
  'enum',
  'const',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'multipleOf',
  'minLength',
  'maxLength',
  'minItems',
  'maxItems',
  'uniqueItems',
  'minProperties',
  'maxProperties',
  'title',
  'description',
  'default',
]);

/** The parameters of a tool without a usable schema: any named arguments, checked by the server. */
const ANY_OBJECT = { type: 'object' };

/**
 * The top level of `schema` (see above), or `{ type: 'object' }` where it is not an object schema
 * or is over {@link MAX_SCHEMA_CHARS} (the tool still works; the server checks its input).
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
  const out: Record<string, unknown> = { type: 'object' };
  if (isObject(schema.properties)) {
    // A parameter whose schema is `true`, a `$ref` or only branches is kept as "any value".
    out.properties = Object.fromEntries(Object.entries(schema.properties).map(([name, property]) => [name, ownConstraints(property)]));
  }
  if (Array.isArray(schema.required)) out.required = schema.required.filter((name) => typeof name === 'string');
  // Without patternProperties (whose names are patterns), `false` would refuse what they allowed.
  if (typeof schema.additionalProperties === 'boolean' && !('patternProperties' in schema)) out.additionalProperties = schema.additionalProperties;
  for (const key of ['minProperties', 'maxProperties', 'description'])
    if (typeof schema[key] === 'number' || (key === 'description' && typeof schema[key] === 'string')) out[key] = schema[key];
  return out;
}

/** A parameter's schema cut to the keywords that take no subschema; `false` stays (that parameter is refused). */
function ownConstraints(property: unknown): unknown {
  if (typeof property === 'boolean') return property;
  if (!isObject(property)) return {};
  return Object.fromEntries(Object.entries(property).filter(([key]) => PARAMETER_KEYWORDS.has(key)));
}
