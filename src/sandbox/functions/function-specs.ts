/** `RunOptions.functions` checked when a run starts, and what the worker is told of them. */
import { DEFAULT_API_OWN_NAMES } from '../../shared/default-api-names.js';
import type { FunctionSpec } from '../../shared/protocol.js';
import type { SandboxFunction } from '../../shared/types.js';
import { FUNCTION_LIMITS } from '../../shared/function-limits.js';
import { pythonSignature } from './python-signature.js';

export type { FunctionSpec };

const IDENTIFIER = /^[A-Za-z][A-Za-z0-9_]{0,99}$/;
const KEYWORDS = new Set(
  'False None True and as assert async await break class continue def del elif else except finally for from global if import in is lambda nonlocal not or pass raise return try while with yield'.split(
    ' ',
  ),
);
const OWN_NAMES = new Set(DEFAULT_API_OWN_NAMES);

/**
 * Why Python cannot call `name` as `default_api.<name>`, worded to follow the name's subject
 * (`functions[0].name must …`); undefined where it can. The sandbox, the chat and the AI SDK tool
 * word their refusals with it.
 */
export function functionNameProblem(name: unknown): string | undefined {
  if (typeof name !== 'string' || !IDENTIFIER.test(name) || KEYWORDS.has(name))
    return 'must be an ASCII Python identifier (a letter first, up to 100 characters, not a keyword)';
  if (OWN_NAMES.has(name)) return `must not be one of default_api's own names (${DEFAULT_API_OWN_NAMES.join(', ')})`;
  return undefined;
}

/** Whether Python can call `name` as `default_api.<name>`: an ASCII identifier, a letter first, not a keyword, not one of default_api's own. */
export function isFunctionName(name: unknown): name is string {
  return functionNameProblem(name) === undefined;
}

/**
 * The run's functions as the worker gets them; throws a `TypeError` or `RangeError` naming the
 * first bad entry (nothing runs then).
 */
export function functionSpecs(functions: unknown): FunctionSpec[] {
  if (functions === undefined) return [];
  if (!Array.isArray(functions)) throw new TypeError('functions must be an array of { name, handler } objects');
  if (functions.length > FUNCTION_LIMITS.maxFunctionsPerRun)
    throw new RangeError(`at most ${FUNCTION_LIMITS.maxFunctionsPerRun} functions per run; got ${functions.length}`);
  const seen = new Set<string>();
  return functions.map((fn: SandboxFunction, i) => {
    const label = `functions[${i}]`;
    if (typeof fn !== 'object' || fn === null) throw new TypeError(`${label} must be an object with name and handler`);
    const { name, parameters, description } = fn;
    const problem = functionNameProblem(name);
    if (problem !== undefined) throw new TypeError(`${label}.name ${problem}; got ${JSON.stringify(name)}`);
    if (seen.has(name)) throw new TypeError(`${label}: a second function named "${name}"`);
    seen.add(name);
    if (typeof fn.handler !== 'function') throw new TypeError(`${label} ("${name}"): handler must be a function`);
    if (fn.confirm !== undefined && typeof fn.confirm !== 'function') throw new TypeError(`${label} ("${name}"): confirm must be a function`);
    if (parameters !== undefined && (typeof parameters !== 'object' || parameters === null || Array.isArray(parameters)))
      throw new TypeError(`${label} ("${name}"): parameters must be a JSON Schema object`);
    if (description !== undefined && typeof description !== 'string') throw new TypeError(`${label} ("${name}"): description must be a string`);
    const properties = parameters?.properties;
    const params = typeof properties === 'object' && properties !== null ? Object.keys(properties) : [];
    // What help(default_api.<name>) prints: the call as run_python's description writes it, then what it does.
    const help = description ? `${pythonSignature(name, parameters)}\n\n${description}` : pythonSignature(name, parameters);
    return { name, params, description: help.slice(0, 4000) };
  });
}
