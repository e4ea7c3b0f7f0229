/**
 * `default_api`'s own names: what worker/python/default_api.py defines beside a run's functions.
 * Defined here alone, for both sides: the host refuses a function of one of these names
 * (sandbox/functions/function-specs.ts, which the chat and the AI SDK tool check with too),
 * `mcpFunctions` renames a tool of one, and the worker hands the list to Python, whose
 * `dir(default_api)` lists it (`_connect`, `__dir__`). A test holds it against what Python defines.
 *
 * - `FunctionCallError`, `AwaitRequired`: the exceptions a call raises. A function of that name
 *   would replace the class, and `raise AwaitRequired(...)` would then call the page.
 * - `search_tools`: the look-up that `run_python`'s description tells the model to use when there
 *   are too many functions to list; a function of that name would make that sentence untrue.
 */
export const DEFAULT_API_OWN_NAMES: readonly string[] = Object.freeze(['AwaitRequired', 'FunctionCallError', 'search_tools']);
