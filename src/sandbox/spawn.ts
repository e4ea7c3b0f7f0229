/**
 * Starts a worker behind one small interface, whatever hosts it: a Node `worker_threads` Worker,
 * a browser module Worker, or (isolated mode) a Worker inside a sandboxed, opaque-origin iframe.
 * The session never asks which.
 */
import type { WorkerInit } from '../protocol.js';
import { spawnInFrame } from './isolation-frame.js';

export interface SpawnedWorker {
  /** Host end of the calls channel (comlink). */
  rpc: MessagePort;
  /** Host end of the events channel (validated plain messages). */
  events: MessagePort;
  /**
   * Whether `interrupt()` raises KeyboardInterrupt (a SharedArrayBuffer is shared with Python).
   * A frame reports it once its worker has started (in practice long before Python has booted);
   * until then it is false, and a stop terminates.
   */
  readonly interruptible: boolean;
  /**
   * Whether the worker can read a Blob it is handed, known once it has started. False for
   * WebKit's isolated worker (a data: worker, see isolation-frame.ts): it is handed bytes instead
   * (`blobs-to-bytes.ts`).
   */
  readonly readsBlobs: Promise<boolean>;
  interrupt(): void;
  /** Hard stop. */
  terminate(): Promise<void>;
  /** Called once if the worker dies on its own (crash, `process.exit`, uncaught error). */
  onExit(listener: (reason: string) => void): void;
  /** Keeps a Node process alive while a call is in flight; returns the release. No-op in browsers. */
  hold(): () => void;
}

export type Isolation = 'frame' | 'worker';

/** True in Node (worker_threads); false in browsers. */
export const isNode = typeof process !== 'undefined' && !!process.versions?.node && typeof window === 'undefined';

/** `maxMessageChars`: the largest message a frame lets through to the page (see isolation-frame.ts). */
export function spawnWorker(url: URL, isolation: Isolation, maxMessageChars: number): Promise<SpawnedWorker> {
  if (isNode) return spawnNodeWorker(url);
  return isolation === 'frame' ? spawnInFrame(url, maxMessageChars) : Promise.resolve(spawnBrowserWorker(url));
}

const SIGINT = 2;

/** A one-byte interrupt buffer, where SharedArrayBuffer exists (Node; isolated browser pages). */
function interruptBuffer(): { buffer?: SharedArrayBuffer; interrupt(): void } {
  const usable = typeof SharedArrayBuffer !== 'undefined' && (typeof crossOriginIsolated !== 'boolean' || crossOriginIsolated);
  if (!usable) return { interrupt() {} };
  const buffer = new SharedArrayBuffer(1);
  const view = new Uint8Array(buffer);
  return { buffer, interrupt: () => Atomics.store(view, 0, SIGINT) };
}

function initMessage(rpc: MessagePort, events: MessagePort, buffer: SharedArrayBuffer | undefined): WorkerInit {
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
  worker.postMessage(initMessage(rpc.port2 as unknown as MessagePort, events.port2 as unknown as MessagePort, sab.buffer), [rpc.port2, events.port2]);
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
  const unref = () => handles.forEach((h) => h.unref());
  let holds = 0;
  return {
    rpc: rpc.port1 as unknown as MessagePort,
    events: events.port1 as unknown as MessagePort,
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
    hold() {
      if (holds++ === 0) handles.forEach((h) => h.ref());
      let released = false;
      return () => {
        if (released) return;
        released = true;
        if (--holds === 0) unref();
      };
    },
  };
}
