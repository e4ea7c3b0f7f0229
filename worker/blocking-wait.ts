/**
 * Plain code's calls of the page's functions waiting in place where the engine has no JSPI (Node
 * 22): the worker's thread blocks in `Atomics.wait` and takes the host's messages itself, with
 * `receiveMessageOnPort`, since its event loop cannot run while Python does. A Node worker thread
 * always has SharedArrayBuffer and `Atomics.wait`. The host's protocol is unchanged: nothing
 * notifies the wait when a message arrives, so it sleeps in steps that grow with the time waited
 * (an answer in 0.2 ms is seen within a few hundredths of a millisecond, one after seconds within
 * `MAX_SLEEP_MS`), and looks between them whether the run must stop.
 */
import { isNode } from '../src/is-node.js';
import type { PortLike } from '../src/protocol.js';

/** The longest sleep between looks: a stop, or a slow handler's answer, is seen within this. */
const MAX_SLEEP_MS = 5;
/** A sleep is this fraction of the time waited so far: the added latency stays a small part of the wait. */
const SLEEP_FRACTION = 1 / 16;

export interface BlockingReceiver {
  /** The next message queued on the events port, taken now (none: undefined). */
  receive(): { message: unknown } | undefined;
  /** Blocks the thread up to `ms`. */
  sleep(ms: number): void;
}

/** A receiver for `events`, where the thread may block and take its messages synchronously (Node); else undefined. */
export async function blockingReceiver(events: PortLike): Promise<BlockingReceiver | undefined> {
  if (!isNode || typeof SharedArrayBuffer === 'undefined') return undefined;
  const threads = await import(/* @vite-ignore */ 'node:worker_threads').catch(() => undefined);
  if (!threads || !(events instanceof threads.MessagePort)) return undefined;
  const { receiveMessageOnPort } = threads;
  const view = new Int32Array(new SharedArrayBuffer(4));
  return {
    receive: () => receiveMessageOnPort(events),
    sleep: (ms) => void Atomics.wait(view, 0, 0, ms),
  };
}

/**
 * Blocks until `answered()`, handing each message that arrives meanwhile to `take`. `stopNow()` is
 * asked between sleeps: true once it has ended the wait (a stop, which it answers itself).
 */
export function waitBlocked(receiver: BlockingReceiver, answered: () => boolean, take: (message: unknown) => void, stopNow: () => boolean): void {
  const start = performance.now();
  while (!answered()) {
    const taken = receiver.receive();
    if (taken) {
      take(taken.message);
      continue;
    }
    if (stopNow()) return;
    receiver.sleep(Math.min(MAX_SLEEP_MS, (performance.now() - start) * SLEEP_FRACTION));
  }
}
