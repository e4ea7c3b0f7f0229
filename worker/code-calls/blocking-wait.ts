/**
 * Plain code's calls of the page's functions waiting in place where the engine has no JSPI: the
 * worker's thread blocks in `Atomics.wait` until the answer comes, since its event loop cannot run
 * while Python does. What takes the host's messages meanwhile is a `BlockingReceiver`
 * (blocking-events.ts picks one). Nothing tells Node's wait that a message arrived, so it sleeps
 * in steps that grow with the time waited (an answer in 0.2 ms is seen within a few hundredths of
 * a millisecond, one after seconds within `MAX_SLEEP_MS`), and every wait looks between sleeps
 * whether the run must stop.
 */

/** The longest sleep between looks: a stop, or a slow handler's answer, is seen within this. */
const MAX_SLEEP_MS = 5;
/** A sleep is this fraction of the time waited so far: the added latency stays a small part of the wait. */
const SLEEP_FRACTION = 1 / 16;

export interface BlockingReceiver {
  /** Call `callId` is about to be sent, and its answer waited for. */
  expect?(callId: number): void;
  /** The next message queued on the events port, taken now (none: undefined). */
  receive(): { message: unknown } | undefined;
  /** Blocks the thread up to `ms` (a message may end it sooner). */
  sleep(ms: number): void;
  /** The wait is over (answered or stopped). */
  done?(): void;
}

/**
 * Blocks until `answered()`, handing each message that arrives meanwhile to `take`. `stopNow()` is
 * asked between sleeps: true once it has ended the wait (a stop, which it answers itself).
 */
export function waitBlocked(receiver: BlockingReceiver, answered: () => boolean, take: (message: unknown) => void, stopNow: () => boolean): void {
  const start = performance.now();
  try {
    while (!answered()) {
      const taken = receiver.receive();
      if (taken) {
        take(taken.message);
        continue;
      }
      if (stopNow()) return;
      receiver.sleep(Math.min(MAX_SLEEP_MS, (performance.now() - start) * SLEEP_FRACTION));
    }
  } finally {
    receiver.done?.();
  }
}
