/**
 * Starts the worker in either runtime behind one small interface: a browser module Worker, or a
 * Node `worker_threads` Worker running the same script. The core never asks which runtime it is in.
 */
import type { Endpoint } from 'comlink';

export interface SpawnedWorker {
  endpoint: Endpoint;
  /** Hard stop. Resolves when the worker is gone. */
  terminate(): Promise<void>;
  /** Called once if the worker dies on its own (crash, `process.exit`, uncaught error). */
  onExit(listener: (reason: string) => void): void;
  /** Keeps a Node process alive while a call is in flight; returns the release. No-op in browsers. */
  hold(): () => void;
}

const isNode = typeof process !== 'undefined' && !!process.versions?.node && typeof window === 'undefined';

export async function spawnWorker(url: URL): Promise<SpawnedWorker> {
  return isNode ? spawnNodeWorker(url) : spawnBrowserWorker(url);
}

function spawnBrowserWorker(url: URL): SpawnedWorker {
  const worker = new Worker(url, { type: 'module', name: 'python-sandbox' });
  let exitListener: ((reason: string) => void) | undefined;
  worker.addEventListener('error', (event) => {
    event.preventDefault();
    exitListener?.(`worker error: ${event.message || 'failed to load the worker script'}`);
  });
  return {
    endpoint: worker,
    async terminate() {
      worker.terminate();
    },
    onExit(listener) {
      exitListener = listener;
    },
    hold: () => () => {},
  };
}

async function spawnNodeWorker(url: URL): Promise<SpawnedWorker> {
  const { Worker } = await import(/* @vite-ignore */ 'node:worker_threads');
  const { default: nodeEndpoint } = await import('comlink/dist/esm/node-adapter.mjs');
  const worker = new Worker(url, { name: 'python-sandbox' });
  let exitListener: ((reason: string) => void) | undefined;
  let exited = false;
  // An 'error' event without a listener would crash the host process.
  worker.on('error', (error: Error) => {
    if (!exited) exitListener?.(`worker error: ${error.message}`);
  });
  worker.on('exit', (code: number) => {
    if (!exited) exitListener?.(`worker exited with code ${code}`);
    exited = true;
  });
  // An idle sandbox must not keep a Node process alive; a pending call must.
  worker.unref();
  let holds = 0;
  return {
    endpoint: nodeEndpoint(worker),
    async terminate() {
      exited = true;
      await worker.terminate();
    },
    onExit(listener) {
      exitListener = listener;
    },
    hold() {
      if (holds++ === 0) worker.ref();
      let released = false;
      return () => {
        if (released) return;
        released = true;
        if (--holds === 0 && !exited) worker.unref();
      };
    },
  };
}
