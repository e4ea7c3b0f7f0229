/**
 * A function's Python signature from its JSON Schema parameters, `name(region: str, year: int = None)`:
 * what `run_python`'s description lists and what `help(default_api.<name>)` shows, so the model
 * reads the same call in both.
 */

const PYTHON_TYPES: Record<string, string> = { string: 'str', integer: 'int', number: 'float', boolean: 'bool', array: 'list', object: 'dict', null: 'None' };

/** A JSON Schema's type as a Python annotation (`Any` where it says nothing usable). */
function pythonType(schema: unknown): string {
  const type = (schema as { type?: unknown } | undefined)?.type;
  const types = (Array.isArray(type) ? type : [type]).filter((t): t is string => typeof t === 'string' && t in PYTHON_TYPES).map((t) => PYTHON_TYPES[t]);
  return types.length === 0 ? 'Any' : types.join(' | ');
}

/** `name(…)` for a function whose arguments `parameters` (a JSON Schema object, or nothing) describes. */
export function pythonSignature(name: string, parameters: Record<string, unknown> | undefined): string {
  const { properties, required: listed } = (parameters ?? {}) as { properties?: unknown; required?: unknown };
  const required = new Set(Array.isArray(listed) ? listed : []);
  const entries = typeof properties === 'object' && properties !== null ? Object.entries(properties) : [];
  // Required parameters first, as Python needs them before those with a default.
  const ordered = [...entries.filter(([key]) => required.has(key)), ...entries.filter(([key]) => !required.has(key))];
  const params = ordered.map(([key, schema]) => `${key}: ${pythonType(schema)}${required.has(key) ? '' : ' = None'}`);
  return `${name}(${params.join(', ')})`;
}
