/**
 * Starts a worker behind one small interface, whatever hosts it: a Node `worker_threads` Worker,
 * a browser module Worker, (isolated mode) a Worker inside a sandboxed, opaque-origin iframe, or
 * (Node, `isolation: 'deno'`) a Worker inside a Deno process whose permissions are the boundary.
 * The session never asks which.
 */
import { isNode } from '../../shared/is-node.js';
import { SIGINT, type WorkerInit } from '../../shared/protocol.js';
import { spawnInFrame } from './isolation-frame.js';
import { type Isolation, type SpawnedWorker, nodeHolds } from './spawned-worker.js';
import { takeThread } from './thread-ahead.js';

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

/** A port both ends of the protocol accept: the browser's `MessagePort` and `node:worker_threads`'. */
type Port = WorkerInit['rpc'] & WorkerInit['events'];

/**
 * Hands a new worker its two channels and, where it exists, the interrupt buffer: the part of a
 * `SpawnedWorker` a browser worker and a Node worker share.
 */
function connect<P extends Port>(makeChannel: () => { port1: P; port2: P }, post: (init: WorkerInit, transfer: P[]) => void) {
  const rpc = makeChannel();
  const events = makeChannel();
  const sab = interruptBuffer();
  post({ type: 'init', rpc: rpc.port2, events: events.port2, interruptBuffer: sab.buffer }, [rpc.port2, events.port2]);
  return { rpc: rpc.port1, events: events.port1, interruptible: !!sab.buffer, readsBlobs: Promise.resolve(true), interrupt: sab.interrupt };
}

function spawnBrowserWorker(url: URL): SpawnedWorker {
  const worker = new Worker(url, { type: 'module', name: 'python-sandbox' });
  const ports = connect(
    () => new MessageChannel(),
    (init, transfer) => worker.postMessage(init, transfer),
  );
  let exitListener: ((reason: string) => void) | undefined;
  worker.addEventListener('error', (event) => {
    event.preventDefault();
    exitListener?.(`worker error: ${event.message || 'failed to load the worker script'}`);
  });
  return {
    ...ports,
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
  const { MessageChannel } = await import(/* @vite-ignore */ 'node:worker_threads');
  const worker = await takeThread(url);
  const ports = connect(
    () => new MessageChannel(),
    (init, transfer) => worker.postMessage(init, transfer),
  );
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
  const handles = [worker, ports.rpc, ports.events];
  return {
    ...ports,
    async terminate() {
      exited = true;
      // Awaited, the exit must keep Node alive, or `await dispose()` can end a script (exit code 13,
      // 2 runs in 3 after a rewind): a terminating worker's handle no longer holds the loop, ref'd or not.
      const alive = setInterval(() => {}, 60_000);
      try {
        await worker.terminate();
      } finally {
        clearInterval(alive);
      }
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
