/**
 * Starts a worker behind one small interface, whatever hosts it: a Node `worker_threads` Worker,
 * a browser module Worker, (isolated mode) a Worker inside a sandboxed, opaque-origin iframe, or
 * (Node, `isolation: 'deno'`) a Worker inside a Deno process whose permissions are the boundary.
 * The session never asks which.
 */
import { isNode } from '../../is-node.js';
import { SIGINT, type WorkerInit } from '../../protocol.js';
import { spawnInFrame } from './isolation-frame.js';
import { type Isolation, type SpawnedWorker, nodeHolds } from './spawned-worker.js';

/** `maxMessageChars`: the largest message a frame lets through to the page (see isolation-frame.ts). */
export function spawnWorker(url: URL, isolation: Isolation, maxMessageChars: number): Promise<SpawnedWorker> {
  if (isNode && typeof isolation === 'object') {
    // Imported only here: a browser build never reaches it (isNode is false there).
    return import('./deno-process.js').then(({ spawnDenoProcess }) =>
      spawnDenoProcess(url, { boundary: isolation.deno, runtimeFolders: isolation.runtimeFolders, maxMessageChars }),
    );
  }
  if (isNode) return spawnNodeWorker(url);
  return isolation === 'frame' ? spawnInFrame(url, maxMessageChars) : Promise.resolve(spawnBrowserWorker(url));
}

/** A one-byte interrupt buffer, where SharedArrayBuffer exists (Node; isolated browser pages). */
function interruptBuffer(): { buffer?: SharedArrayBuffer; interrupt(): void } {
  const usable = typeof SharedArrayBuffer !== 'undefined' && (typeof crossOriginIsolated !== 'boolean' || crossOriginIsolated);
  if (!usable) return { interrupt() {} };
  const buffer = new SharedArrayBuffer(1);
  const view = new Uint8Array(buffer);
  return { buffer, interrupt: () => Atomics.store(view, 0, SIGINT) };
}

function initMessage(rpc: WorkerInit['rpc'], events: WorkerInit['events'], buffer: SharedArrayBuffer | undefined): WorkerInit {
  return { type: 'init', rpc, events, interruptBuffer: buffer };
}

function spawnBrowserWorker(url: URL): SpawnedWorker {
  const worker = new Worker(url, { type: 'module', name: 'python-sandbox' });
  const rpc = new MessageChannel();
  const events = new MessageChannel();
  const sab = interruptBuffer();
  worker.postMessage(initMessage(rpc.port2, events.port2, sab.buffer), [rpc.port2, events.port2]);
  let exitListener: ((reason: string) => void) | undefined;
  worker.addEventListener('error', (event) => {
    event.preventDefault();
    exitListener?.(`worker error: ${event.message || 'failed to load the worker script'}`);
  });
  return {
    rpc: rpc.port1,
    events: events.port1,
    interruptible: !!sab.buffer,
    readsBlobs: Promise.resolve(true),
    interrupt: sab.interrupt,
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
  const { Worker, MessageChannel } = await import(/* @vite-ignore */ 'node:worker_threads');
  // execArgv: the parent's flags (e.g. --input-type, --eval) are not for a worker script.
  const worker = new Worker(url, { name: 'python-sandbox', execArgv: [] });
  const rpc = new MessageChannel();
  const events = new MessageChannel();
  const sab = interruptBuffer();
  worker.postMessage(initMessage(rpc.port2, events.port2, sab.buffer), [rpc.port2, events.port2]);
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
  // An idle sandbox must not keep a Node process alive; a pending call must. (Listeners added
  // to a port ref it again, so the first hold's release is what unrefs everything.)
  const handles = [worker, rpc.port1, events.port1];
  return {
    rpc: rpc.port1,
    events: events.port1,
    interruptible: !!sab.buffer,
    readsBlobs: Promise.resolve(true),
    interrupt: sab.interrupt,
    async terminate() {
      exited = true;
      await worker.terminate();
    },
    onExit(listener) {
      exitListener = listener;
    },
    hold: nodeHolds(
      () => handles.forEach((h) => h.ref()),
      () => handles.forEach((h) => h.unref()),
    ),
  };
}
