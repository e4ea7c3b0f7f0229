/** Options that are delays: checked once, where they are given, against what `setTimeout` takes. */

/** The longest delay `setTimeout` takes (2^31 - 1 ms, about 24.8 days). */
export const MAX_TIMER_MS = 2_147_483_647;

/**
 * `value`, or `fallback` when it is not given, as a delay `setTimeout` takes.
 *
 * @throws {RangeError} not a whole number of milliseconds from 1 to {@link MAX_TIMER_MS}.
 */
export function timerOption(name: string, value: number | undefined, fallback: number): number {
  const ms = value ?? fallback;
  if (!Number.isInteger(ms) || ms < 1 || ms > MAX_TIMER_MS)
    throw new RangeError(`${name} must be a whole number of milliseconds from 1 to ${MAX_TIMER_MS}; got ${String(value)}`);
  return ms;
}
