/**
 * Checks a call's arguments against its function's JSON Schema, without `eval` or `new Function`
 * (pages with a strict CSP must work). The keywords function declarations use: `type`, `enum`,
 * `const`, `properties`, `required`, `additionalProperties`, `items`, `minimum`/`maximum`,
 * `minLength`/`maxLength`, `minItems`/`maxItems`, `anyOf`, `nullable`. Other keywords are not checked.
 * (`@cfworker/json-schema` is the full validator to put here once it is a dependency.)
 */

type Schema = Record<string, unknown>;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Schemas nest; a deeper one is a schema built to stall the page. */
const MAX_DEPTH = 32;
/** Enough problems to say what was wrong; a huge argument does not make a huge message. */
const MAX_PROBLEMS = 5;

/** What does not fit, each as `path: problem`; empty when `value` fits `schema`. */
export function schemaProblems(schema: unknown, value: unknown): string[] {
  const problems: string[] = [];
  check(schema, value, 'arguments', problems, 0);
  return problems.slice(0, MAX_PROBLEMS);
}

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function fitsType(type: string, value: unknown): boolean {
  const actual = typeOf(value);
  // Gemini's declarations spell types in capitals (`STRING`).
  const wanted = type.toLowerCase();
  return wanted === actual || (wanted === 'number' && actual === 'integer');
}

function check(schema: unknown, value: unknown, path: string, problems: string[], depth: number): void {
  if (problems.length >= MAX_PROBLEMS || !isObject(schema)) return;
  if (depth > MAX_DEPTH) {
    problems.push(`${path}: the schema nests deeper than ${MAX_DEPTH} levels`);
    return;
  }
  if (value === null && schema.nullable === true) return;
  const types = typeof schema.type === 'string' ? [schema.type] : Array.isArray(schema.type) ? schema.type.filter((t) => typeof t === 'string') : [];
  if (types.length > 0 && !types.some((t) => fitsType(t, value))) {
    problems.push(`${path}: expected ${types.join(' or ')}, got ${typeOf(value)}`);
    return;
  }
  if (Array.isArray(schema.enum) && !schema.enum.some((option) => sameJson(option, value)))
    problems.push(`${path}: must be one of ${JSON.stringify(schema.enum).slice(0, 200)}`);
  if ('const' in schema && !sameJson(schema.const, value)) problems.push(`${path}: must be ${JSON.stringify(schema.const).slice(0, 200)}`);
  if (Array.isArray(schema.anyOf)) {
    const fits = schema.anyOf.some((option) => {
      const inner: string[] = [];
      check(option, value, path, inner, depth + 1);
      return inner.length === 0;
    });
    if (!fits) problems.push(`${path}: fits none of the schema's anyOf options`);
  }
  if (typeof value === 'number') bounds(path, value, schema.minimum, schema.maximum, '', problems);
  if (typeof value === 'string') bounds(path, value.length, schema.minLength, schema.maxLength, ' characters', problems);
  if (Array.isArray(value)) {
    bounds(path, value.length, schema.minItems, schema.maxItems, ' items', problems);
    if (isObject(schema.items)) value.forEach((item, i) => check(schema.items, item, `${path}[${i}]`, problems, depth + 1));
  }
  if (isObject(value)) checkObject(schema, value, path, problems, depth);
}

function checkObject(schema: Schema, value: Record<string, unknown>, path: string, problems: string[], depth: number): void {
  const properties = isObject(schema.properties) ? schema.properties : {};
  if (Array.isArray(schema.required))
    for (const key of schema.required) if (typeof key === 'string' && !Object.hasOwn(value, key)) problems.push(`${path}: missing required "${key}"`);
  for (const [key, item] of Object.entries(value)) {
    const where = `${path}.${key}`;
    if (Object.hasOwn(properties, key)) check(properties[key], item, where, problems, depth + 1);
    else if (schema.additionalProperties === false) problems.push(`${where}: not a parameter (known: ${Object.keys(properties).join(', ') || 'none'})`);
    else if (isObject(schema.additionalProperties)) check(schema.additionalProperties, item, where, problems, depth + 1);
  }
}

function bounds(path: string, n: number, min: unknown, max: unknown, unit: string, problems: string[]): void {
  if (typeof min === 'number' && n < min) problems.push(`${path}: must be at least ${min}${unit}`);
  if (typeof max === 'number' && n > max) problems.push(`${path}: must be at most ${max}${unit}`);
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
