/**
 * Checks a call's arguments against its function's JSON Schema with `@cfworker/json-schema`: a
 * well-kept validator that interprets the schema, with no `eval` or `new Function`, so pages with
 * a strict CSP work. Loaded on the first call that needs it: runs without functions never load it.
 *
 * The arguments come from untrusted Python, so the check's cost must stay linear in their size:
 * the validator stops at the first failing item (short-circuit), only the first few problems are
 * looked at, and `uniqueItems`, which it checks by comparing every pair, is held to a bounded count.
 */

/** Enough problems to say what was wrong; a huge argument does not make a huge message. */
const MAX_PROBLEMS = 5;

/**
 * How many of the validator's problems are looked at to find the innermost ones (comparing each
 * with each). Short-circuited, it reports a failure's chain of parents, but `additionalProperties`
 * still lists every extra key.
 */
const PROBLEMS_LOOKED_AT = 64;

/**
 * The most array items a schema with `uniqueItems` is checked on: the validator compares every
 * pair, so 1,000 objects cost about 0.1 s, and 60,000 cost minutes.
 */
export const MAX_UNIQUE_ITEMS_CHECKED = 1_000;

/** The JSON Schema draft function parameters are written in (Gemini's `parametersJsonSchema` included). */
const DRAFT = '2020-12';

/** Checks one function's arguments: what does not fit, each as `where: problem`; empty when they fit. */
export type ArgumentsCheck = (args: unknown) => string[];

/** A check for `schema`; rejects if the schema itself cannot be read. */
export async function argumentsCheck(schema: Record<string, unknown>): Promise<ArgumentsCheck> {
  const { Validator } = await import('@cfworker/json-schema');
  const validator = new Validator(schema as ConstructorParameters<typeof Validator>[0], DRAFT, true);
  const checksUniqueness = mentions(schema, 'uniqueItems');
  return (args) => {
    if (checksUniqueness) {
      const items = arrayItems(args);
      if (items > MAX_UNIQUE_ITEMS_CHECKED)
        return [`arguments: ${items} array items in all; a function whose schema asks for uniqueItems takes at most ${MAX_UNIQUE_ITEMS_CHECKED}`];
    }
    const { valid, errors } = validator.validate(args);
    if (valid) return [];
    // The innermost problems say most; the summaries above them ("property x does not match")
    // repeat them. A `false` schema's own line ("False boolean schema.") says nothing: its parent's does.
    const first = errors.slice(0, PROBLEMS_LOOKED_AT);
    const useful = first.filter((error) => error.keyword !== 'false');
    const leaves = useful.filter((error) => !useful.some((other) => other !== error && other.instanceLocation.startsWith(`${error.instanceLocation}/`)));
    return (leaves.length > 0 ? leaves : first)
      .slice(0, MAX_PROBLEMS)
      .map((error) => `${error.instanceLocation.replace(/^#/, 'arguments').replaceAll('/', '.')}: ${error.error.slice(0, 300)}`);
  };
}

/** Whether `keyword` is a key anywhere in the (page's own, JSON) schema. */
function mentions(schema: unknown, keyword: string): boolean {
  const stack = [schema];
  while (stack.length > 0) {
    const value = stack.pop();
    if (value === null || typeof value !== 'object') continue;
    if (!Array.isArray(value) && Object.hasOwn(value, keyword)) return true;
    stack.push(...Object.values(value));
  }
  return false;
}

/** How many items the arrays in `value` (parsed JSON) hold in all. */
function arrayItems(value: unknown): number {
  let count = 0;
  const stack = [value];
  while (stack.length > 0) {
    const next = stack.pop();
    if (next === null || typeof next !== 'object') continue;
    if (Array.isArray(next)) count += next.length;
    for (const child of Object.values(next)) if (child !== null && typeof child === 'object') stack.push(child);
  }
  return count;
}
