/**
 * How the worker receives its init message: from `self` in a browser worker, from `parentPort`
 * in a Node worker thread. Both are message-event targets, so the engine never asks which.
 */
import type { Endpoint } from 'comlink';
import type { WorkerInit, WorkerStartData } from '../src/shared/protocol.js';
import { isNode } from '../src/shared/is-node.js';

type MessageTarget = Pick<EventTarget, 'addEventListener' | 'removeEventListener'>;

/** Calls `onInit` once with the first init message. */
export function onInitMessage(onInit: (init: WorkerInit) => void): void {
  const listen = (target: MessageTarget) => {
    const listener = (event: Event) => {
      const init = (event as MessageEvent).data as WorkerInit;
      if (init?.type !== 'init') return;
      target.removeEventListener('message', listener);
      onInit(init);
    };
    target.addEventListener('message', listener);
  };
  if (!isNode) {
    // Browser: listen synchronously, so no message can arrive before the listener.
    listen(self);
    // The isolation frame hands over the channels once the script has loaded (see isolation-frame.ts).
    self.postMessage({ type: 'python-sandbox-worker-loaded' });
    return;
  }
  // Node: parentPort queues messages until a listener starts it.
  void import(/* @vite-ignore */ 'node:worker_threads').then(({ parentPort }) => {
    if (!parentPort) throw new Error('worker.js must run as a worker thread');
    // Pyodide's event loop can reject with KeyboardInterrupt/SystemExit after a stop; by default
    // Node would kill the thread for that. The run's own result already reports what happened.
    process.on('unhandledRejection', (reason) => {
      console.warn('[python-sandbox] ignored unhandled rejection in worker:', (reason as Error)?.message ?? reason);
    });
    listen(parentPort as unknown as MessageTarget);
  });
}

/** What a Node thread was started with (its `workerData`); nothing elsewhere. */
export async function workerStartData(): Promise<WorkerStartData> {
  if (!isNode) return {};
  const { workerData } = await import(/* @vite-ignore */ 'node:worker_threads');
  return (workerData as WorkerStartData | null) ?? {};
}

/**
 * The engine's end of the calls channel. Where the isolation frame hands the worker a port of its
 * own for calls (`WorkerInit.calls`: the page posts them straight to the worker), the worker takes
 * calls there and answers on `rpc`, through the frame's gate; elsewhere both are `rpc`.
 */
export function callsEndpoint({ rpc, calls }: WorkerInit): Endpoint {
  if (!calls) return rpc;
  return {
    postMessage: (message: unknown, transfer?: Transferable[]) => rpc.postMessage(message, transfer),
    addEventListener: (type, listener) => calls.addEventListener(type, listener),
    removeEventListener: (type, listener) => calls.removeEventListener(type, listener),
    start: () => calls.start(),
  };
}
