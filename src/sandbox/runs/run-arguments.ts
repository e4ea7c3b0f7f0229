import type { RunOptions, SandboxLimits } from '../../shared/types.js';
import { type FunctionSpec, functionSpecs } from '../functions/function-specs.js';
import { checkLimit } from '../limits.js';

/**
 * `run`'s arguments checked before the run is queued: its deadline and its functions' specs.
 * @throws {TypeError | RangeError} `code` is not a string, `timeoutMs` is out of range, or a `functions` entry is malformed (named).
 */
export function runArguments(code: unknown, options: RunOptions, limits: Readonly<SandboxLimits>): { timeoutMs: number; functions: FunctionSpec[] } {
  if (typeof code !== 'string') throw new TypeError(`code must be a string; got ${typeof code}`);
  const timeoutMs = options.timeoutMs === undefined ? limits.timeoutMs : checkLimit('timeoutMs', options.timeoutMs);
  return { timeoutMs, functions: functionSpecs(options.functions) };
}
