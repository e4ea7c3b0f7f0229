/**
 * A stop's grace, counted in time the host itself ran rather than on the wall. A worker sent its
 * KeyboardInterrupt needs the CPU to take it; on a machine short of CPU (a phone, a loaded server)
 * the host's own timers come late as well, and a grace counted on the wall ran out before the
 * worker had run at all: it was terminated, and without a restart point Python's state went with
 * it (seen with the test suites beside other work). So each tick counts for at most
 * `MAX_TICK_MS`, however late it came. A hidden page's timers are held back by the browser (to
 * once a second), not for want of CPU, so there the wall counts; and `WALL_FACTOR` times the grace
 * on the wall ends it whatever happens.
 */

/** How often the grace is counted while it lasts. */
const TICK_MS = 50;
/** The most one tick counts, however late it came. */
const MAX_TICK_MS = 100;
/** The grace ends after this many times its length on the wall. */
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
