/**
 * A wait that runs no Python reads no interrupt: a run waiting for the host's package index, for
 * the standard library, or for a call's answer in place (JSPI) would not see its stop. Each such
 * wait asks every `STOP_POLL_MS` whether its run must stop, through this one watch.
 */

/** How often a wait asks: a stop is seen within this. */
export const STOP_POLL_MS = 50;

/**
 * Whether the current run must stop: the host cancelled it, or (asked now, which takes it) a SIGINT
 * is in the interrupt buffer or the run's deadline passed (Runs `mustStop`).
 */
export type MustStop = () => boolean;

/** Calls `onStop` once, when `mustStop()` first says so; returns what ends the watch before that. */
export function watchForStop(mustStop: MustStop, onStop: () => void): () => void {
  const poll = setInterval(() => {
    if (!mustStop()) return;
    clearInterval(poll);
    onStop();
  }, STOP_POLL_MS);
  return () => clearInterval(poll);
}
