/**
 * A bound on a host's longest pause (a page's main thread, or Node's event loop) that a busy
 * machine does not break. A pause is time between timer ticks, so other processes on the machine
 * delay a tick with nothing blocking the host: 200 ms bounds failed at 212 ms on a loaded machine.
 * The control is the same host's longest pause while idle, measured just before in the same run:
 * the bound is the test's own plus three times that. Idle pauses are a few milliseconds on a quiet
 * machine, so the bound stays the test's own there; work that blocks the host (seconds, as these
 * bounds once caught) still fails it.
 */

/** Watches a host's longest pause while `fn` runs (HostPage and the engine hosts' `longestStallDuring`; Node's `longestPause`). */
export type StallWatch = <T>(fn: () => Promise<T>) => Promise<{ value: T; stallMs: number; tickShare?: number }>;

/** How long the control watches the idle host: 50 of a page's 10 ms ticks, enough to see the machine's load. */
const CONTROL_MS = 500;
const IDLE_MULTIPLIER = 3;

export interface PauseAgainstIdle<T> {
  value: T;
  /** The longest pause while `fn` ran. */
  stallMs: number;
  /** The share of its 10 ms ticks the page got while `fn` ran, where the watch counts them. */
  tickShare?: number;
  /** The longest pause of the idle page just before. */
  idleStallMs: number;
  /** The longest pause while the twin ran (`againstTwin`), where one was measured. */
  twinStallMs?: number;
  /** The test's own bound plus three times the larger control: what `stallMs` must stay under. */
  boundMs: number;
}

/** Watches the idle page for half a second, then `fn`; see above. */
export async function pauseAgainstIdle<T>(watch: StallWatch, boundMs: number, fn: () => Promise<T>): Promise<PauseAgainstIdle<T>> {
  const { stallMs: idleStallMs } = await watch(() => new Promise((resolve) => setTimeout(resolve, CONTROL_MS)));
  const { value, stallMs, tickShare } = await watch(fn);
  return { value, stallMs, tickShare, idleStallMs, boundMs: boundMs + IDLE_MULTIPLIER * idleStallMs };
}

/**
 * `pauses` with a second control where it is over its bound: the page's longest pause while `twin`
 * runs, the same work without what the test is about (a flood built but not sent). On two shared
 * cores that work's own CPU use delays the page's ticks, which the idle page does not show (a
 * Chromium flood paused the page 563 ms beside an idle pause of 101 ms: bound 502 ms); a page that
 * decodes a flood pauses for seconds whatever its twin does. The twin runs only when needed: a
 * pause under the first bound is under this one.
 */
export async function againstTwin<T>(pauses: PauseAgainstIdle<T>, watch: StallWatch, twin: () => Promise<unknown>): Promise<PauseAgainstIdle<T>> {
  if (pauses.stallMs < pauses.boundMs) return pauses;
  const { stallMs: twinStallMs } = await watch(twin);
  const ownBoundMs = pauses.boundMs - IDLE_MULTIPLIER * pauses.idleStallMs;
  return { ...pauses, twinStallMs, boundMs: ownBoundMs + IDLE_MULTIPLIER * Math.max(pauses.idleStallMs, twinStallMs) };
}

/** For the failure message: the pause, the controls and the bound. */
export const pauseReport = ({ stallMs, idleStallMs, twinStallMs, boundMs }: PauseAgainstIdle<unknown>) =>
  `longest pause ${Math.round(stallMs)} ms; idle just before ${Math.round(idleStallMs)} ms${twinStallMs === undefined ? '' : `; its twin ${Math.round(twinStallMs)} ms`}; bound ${Math.round(boundMs)} ms`;
