/**
 * A wait counted in time the host itself ran rather than on the wall: a stop's grace (a worker
 * sent its KeyboardInterrupt needs the CPU to take it), the wait for a worker's answer or for it
 * to take a run (`limits.callTimeoutMs`), and a chart's drawing deadline (a process of its own).
 * On a machine short of CPU (a phone, a loaded server) the host's own timers come late as well,
 * and a wait counted on the wall ran out before the other side had run at all: a worker was
 * terminated, and without a restart point Python's state went with it; a chart lost its PNG (both
 * seen with the test suites beside other work). So each tick counts for at most `MAX_TICK_MS`,
 * however late it came. A hidden page's timers are held back by the browser (to once a second),
 * not for want of CPU, so there the wall counts; and `WALL_FACTOR` times the wait on the wall ends
 * it whatever happens.
 */

/** How often the wait is counted while it lasts. */
const TICK_MS = 50;
/** The most one tick counts, however late it came. */
const MAX_TICK_MS = 100;
/** The wait ends after this many times its length on the wall. */
const WALL_FACTOR = 10;

const pageHidden = () => typeof document !== 'undefined' && document.visibilityState === 'hidden';

/** Calls `then` once the host has run for `ms` (see above); returns a cancel. */
export function afterHostTime(ms: number, then: () => void): () => void {
  const started = performance.now();
  let last = started;
  let counted = 0;
  const tick = () => {
    const now = performance.now();
    counted += pageHidden() ? now - last : Math.min(now - last, MAX_TICK_MS);
    last = now;
    if (counted >= ms || now - started >= ms * WALL_FACTOR) then();
    else timer = setTimeout(tick, Math.min(TICK_MS, ms - counted));
  };
  let timer = setTimeout(tick, Math.min(TICK_MS, ms));
  return () => clearTimeout(timer);
}
