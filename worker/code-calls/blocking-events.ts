/**
 * Where the worker's thread may block for a call's answer, what takes the host's messages
 * meanwhile. Node 22: the thread takes them itself, with `receiveMessageOnPort` (a Node worker
 * thread always has SharedArrayBuffer and `Atomics.wait`). A browser worker with a
 * SharedArrayBuffer (WebKit on a cross-origin-isolated page): a helper thread takes them and hands
 * the answer over (answer-relay.ts). The host's protocol is unchanged.
 */
import { isNode } from '../../src/shared/is-node.js';
import type { PortLike } from '../../src/shared/protocol.js';
import { startAnswerRelay } from './answer-relay.js';
import type { BlockingReceiver } from './blocking-wait.js';

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
