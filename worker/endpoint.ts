/**
 * The worker's side of the channel: `self` in a browser worker, `parentPort` (through comlink's
 * Node adapter) in a Node worker thread. The engine never asks which one it has.
 */
import type { Endpoint } from 'comlink';

const isNode = typeof process !== 'undefined' && !!process.versions?.node && typeof (globalThis as { WorkerGlobalScope?: unknown }).WorkerGlobalScope === 'undefined';

export async function hostEndpoint(): Promise<Endpoint> {
  if (!isNode) return self as unknown as Endpoint;
  const { parentPort } = await import(/* @vite-ignore */ 'node:worker_threads');
  const { default: nodeEndpoint } = await import('comlink/dist/esm/node-adapter.mjs');
  if (!parentPort) throw new Error('worker.js must run as a worker thread');
  // Pyodide's event loop can reject with KeyboardInterrupt/SystemExit after a stop; by default
  // Node would kill the thread for that. The run's own result already reports what happened.
  process.on('unhandledRejection', (reason) => {
    console.warn('[python-sandbox] ignored unhandled rejection in worker:', (reason as Error)?.message ?? reason);
  });
  return nodeEndpoint(parentPort);
}
