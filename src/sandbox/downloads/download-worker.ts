/**
 * A first visit's big downloads (the runtime's big files, the shipped snapshot), fetched and
 * unpacked in a throwaway worker that hands back Blobs. Every chunk of a body read in JavaScript
 * is an ArrayBuffer that lives until V8's next garbage collection in the heap that read it; an
 * idle page has none for minutes, so read in the page they kept ~40 MB (the compressed and the
 * decompressed bytes) in the page's renderer. The worker is terminated once nothing is pending,
 * and its heap goes with it. A Blob crosses back as a handle, without a copy.
 *
 * Where no such worker starts (Node; a page whose CSP forbids blob: workers; WebKit on a
 * cross-origin isolated page, which refuses blob: workers without a COEP header), callers read
 * the body in the page as before ({@link downloadInWorker} resolves to undefined).
 */
import type { DownloadProgress } from './download-progress.js';
import DownloadWorker from './download-worker-script.js?worker&inline';

/** How a download in the worker ended, when the worker ran. */
export type WorkerDownload =
  /** The server answered with the file: its bytes, unpacked if they were packed. */
  | { kind: 'file'; blob: Blob }
  /** An HTTP error status, or an HTML page (a dev server's or an SPA's fallback), not the file. */
  | { kind: 'refused'; status: number }
  /** A body that could not be read, or was too big. */
  | { kind: 'failed'; message: string };

/** What the page asks the worker (download-worker-script.ts): one URL (absolute), its decompressed size bounded. */
export interface DownloadRequest {
  id: number;
  url: string;
  maxBytes: number;
}

/**
 * What the worker answers, per request: the head, byte counts as they arrive, then the end
 * (`unreachable`: no answer, offline or blocked, which the page may still reach).
 */
export type DownloadAnswer = { id: number } & (
  | { head: { length: string | null; encoding: string | null } }
  | { bytes: number }
  | { end: WorkerDownload | 'unreachable' }
);

interface Pending {
  resolve(download: WorkerDownload | undefined): void;
  onHead(head: { length: string | null; encoding: string | null }): void;
  onBytes?(n: number): void;
}

/** The worker while downloads are pending (one for all of them). */
let current: { worker: Worker; pending: Map<number, Pending> } | undefined;
let nextId = 0;

function startWorker(): { worker: Worker; pending: Map<number, Pending> } {
  const worker = new DownloadWorker({ name: 'python-sandbox-download' });
  const pending = new Map<number, Pending>();
  const started = { worker, pending };
  const finish = (id: number, download: WorkerDownload | undefined) => {
    pending.get(id)?.resolve(download);
    pending.delete(id);
    if (pending.size === 0) stop(started);
  };
  worker.onmessage = ({ data }: MessageEvent<DownloadAnswer>) => {
    const request = pending.get(data.id);
    if (!request) return;
    if ('head' in data) request.onHead(data.head);
    else if ('bytes' in data) request.onBytes?.(data.bytes);
    else finish(data.id, data.end === 'unreachable' ? undefined : data.end);
  };
  // The script did not start (CSP, WebKit's COEP rule) or the worker died: each caller reads its file in the page.
  worker.onerror = (event) => {
    event.preventDefault();
    for (const id of [...pending.keys()]) finish(id, undefined);
  };
  return started;
}

function stop(started: { worker: Worker }): void {
  started.worker.terminate();
  if (current === started) current = undefined;
}

/**
 * `url` fetched and unpacked (gunzipped) in the download worker, at most `maxBytes` once
 * decompressed; `progress` counts its wire bytes (`knownBytes`: its size as recorded at build
 * time, see {@link DownloadProgress.track}). Undefined when no worker could do it, or it could
 * not reach the file (the page may: a service worker of its own): the caller reads it itself.
 */
export function downloadInWorker(url: string, maxBytes: number, progress?: DownloadProgress, knownBytes?: number): Promise<WorkerDownload | undefined> {
  if (typeof Worker !== 'function') return Promise.resolve(undefined);
  try {
    current ??= startWorker();
  } catch {
    return Promise.resolve(undefined); // a CSP that throws instead of failing the load
  }
  const { worker, pending } = current;
  const id = nextId++;
  return new Promise((resolve) => {
    const request: Pending = {
      resolve,
      onHead: (head) => {
        request.onBytes = progress?.expect(knownBytes, head.length, head.encoding);
      },
    };
    pending.set(id, request);
    worker.postMessage({ id, url, maxBytes } satisfies DownloadRequest);
  });
}
