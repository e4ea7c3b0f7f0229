/**
 * The engine's end of the calls channel. Where the isolation frame hands the worker a port of its
 * own for calls (`WorkerInit.calls`: the page posts them straight to the worker), the worker takes
 * calls there and answers on `rpc`, through the frame's gate; elsewhere both are `rpc`.
 */
import type { Endpoint } from 'comlink';
import type { WorkerInit } from '../src/shared/protocol.js';

export function callsEndpoint({ rpc, calls }: WorkerInit): Endpoint {
  if (!calls) return rpc;
  return {
    postMessage: (message: unknown, transfer?: Transferable[]) => rpc.postMessage(message, transfer),
    addEventListener: (type, listener) => calls.addEventListener(type, listener),
    removeEventListener: (type, listener) => calls.removeEventListener(type, listener),
    start: () => calls.start(),
  };
}
