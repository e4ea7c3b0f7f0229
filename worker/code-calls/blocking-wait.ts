/**
 * Plain code's calls of the page's functions waiting in place where the engine has no JSPI: the
 * worker's thread blocks in `Atomics.wait` until the answer comes, since its event loop cannot run
 * while Python does. Node 22: the thread takes the host's messages itself, with
 * `receiveMessageOnPort` (a Node worker thread always has SharedArrayBuffer and `Atomics.wait`).
 * A browser worker with a SharedArrayBuffer (WebKit on a cross-origin-isolated page): a helper
 * thread takes them and hands the answer over (answer-relay.ts). The host's protocol is unchanged:
 * nothing tells Node's wait that a message arrived, so it sleeps in steps that grow with the time
 * waited (an answer in 0.2 ms is seen within a few hundredths of a millisecond, one after seconds
 * within `MAX_SLEEP_MS`), and every wait looks between sleeps whether the run must stop.
 */
import { isNode } from '../../src/is-node.js';
import type { PortLike } from '../../src/protocol.js';
import { startAnswerRelay } from './answer-relay.js';

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
 * The engine's events port and, where the thread may block for an answer, its receiver: Node; a
 * browser worker with the shared interrupt buffer (so a stop reaches the wait) and without JSPI
 * (with it, Python waits suspended instead), where the helper thread starts now, before any Python.
 */
export async function blockingEvents(
  events: PortLike,
  interruptBuffer: SharedArrayBuffer | undefined,
): Promise<{ events: PortLike; receiver: BlockingReceiver | undefined }> {
  if (isNode) return { events, receiver: await nodeReceiver(events) };
  const jspi = typeof (WebAssembly as { Suspending?: unknown }).Suspending === 'function';
  const relay = interruptBuffer && !jspi && typeof Worker === 'function' ? await startAnswerRelay(events) : undefined;
  return relay ?? { events, receiver: undefined };
}

/** Node: the thread takes the port's messages itself (`receiveMessageOnPort`). */
async function nodeReceiver(events: PortLike): Promise<BlockingReceiver | undefined> {
  if (typeof SharedArrayBuffer === 'undefined') return undefined;
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
