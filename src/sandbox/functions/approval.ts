/**
 * The approval step of a `default_api` call: a function's `confirm` is asked once the call has
 * passed the host's checks, before its handler runs. Only the run's end or a stop bounds the wait
 * (not `limits.functionTimeoutMs`): a person may take long to answer.
 */
import type { SandboxFunction } from '../../shared/types.js';
import { untilAborted } from '../runs/abort-signals.js';

/** What Python's `FunctionCallError` says of a call its `confirm` declined. */
export function declinedMessage(name: string): string {
  return `the user declined this call of ${name}; it did not run`;
}

/**
 * Resolves when `fn` may run with `args` (it has no `confirm`, or its `confirm` gave `true`);
 * rejects with the refusal otherwise: a decline, `confirm`'s own error, or `signal`'s reason.
 */
export async function approve(fn: SandboxFunction, args: Record<string, unknown>, signal: AbortSignal): Promise<void> {
  const { confirm } = fn;
  if (!confirm) return;
  const asked = Promise.resolve().then(() => confirm({ name: fn.name, args }, { signal }));
  // A confirm that throws after the run ended is no unhandled rejection.
  asked.catch(() => undefined);
  // Strictly `true`: a truthy value by mistake (a string, an object) is no approval.
  if ((await untilAborted(asked, signal)) !== true) throw new Error(declinedMessage(fn.name));
}
