/**
 * Checks a call's arguments against its function's JSON Schema with `@cfworker/json-schema`: a
 * well-kept validator that interprets the schema, with no `eval` or `new Function`, so pages with
 * a strict CSP work. Loaded on the first call that needs it: runs without functions never load it.
 */

/** Enough problems to say what was wrong; a huge argument does not make a huge message. */
const MAX_PROBLEMS = 5;

/** The JSON Schema draft function parameters are written in (Gemini's `parametersJsonSchema` included). */
const DRAFT = '2020-12';

/** Checks one function's arguments: what does not fit, each as `where: problem`; empty when they fit. */
export type ArgumentsCheck = (args: unknown) => string[];

/** A check for `schema`; rejects if the schema itself cannot be read. */
export async function argumentsCheck(schema: Record<string, unknown>): Promise<ArgumentsCheck> {
  const { Validator } = await import('@cfworker/json-schema');
  const validator = new Validator(schema as ConstructorParameters<typeof Validator>[0], DRAFT, false);
  return (args) => {
    const { valid, errors } = validator.validate(args);
    if (valid) return [];
    // The innermost problems say most; the summaries above them ("property x does not match")
    // repeat them. A `false` schema's own line ("False boolean schema.") says nothing: its parent's does.
    const useful = errors.filter((error) => error.keyword !== 'false');
    const leaves = useful.filter((error) => !useful.some((other) => other !== error && other.instanceLocation.startsWith(`${error.instanceLocation}/`)));
    return (leaves.length > 0 ? leaves : errors)
      .slice(0, MAX_PROBLEMS)
      .map((error) => `${error.instanceLocation.replace(/^#/, 'arguments').replaceAll('/', '.')}: ${error.error}`);
  };
}
