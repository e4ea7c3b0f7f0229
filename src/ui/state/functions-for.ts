/** The page's functions as a chat sees them, by where its code runs. */
import type { ExecutionMode, LocalFunction } from '../../agent/index.js';

/**
 * The page's functions for a chat whose code runs in `execution`. On Gemini's servers no code can
 * call the page: code-only functions are left out and `both` ones are the model's only, so the
 * page's list works in either mode.
 */
export function functionsFor(functions: readonly LocalFunction[], execution: ExecutionMode): LocalFunction[] {
  if (execution === 'local') return [...functions];
  return functions.filter((fn) => fn.callableFrom !== 'code').map((fn) => (fn.callableFrom === 'both' ? { ...fn, callableFrom: 'model' as const } : fn));
}
