/**
 * One signal for several reasons to stop (a time bound, the run's end, a disposed sandbox):
 * `AbortSignal.any` where there is one (Node 20.3+, browsers since 2023), else the same by hand.
 */

/** Aborts as soon as any of `signals` does, with its reason. */
export function anySignal(signals: ReadonlyArray<AbortSignal | undefined>): AbortSignal {
  const given = signals.filter((signal): signal is AbortSignal => !!signal);
  if (typeof AbortSignal.any === 'function') return AbortSignal.any(given);
  const controller = new AbortController();
  const stop = (signal: AbortSignal) => () => controller.abort(signal.reason);
  for (const signal of given) {
    if (signal.aborted) {
      controller.abort(signal.reason);
      break;
    }
    signal.addEventListener('abort', stop(signal), { once: true, signal: controller.signal });
  }
  return controller.signal;
}

/** `work`, or a rejection with `signal`'s reason as soon as it aborts (the work itself is not stopped by this). */
export function untilAborted<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return work;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
