/**
 * A first visit's big downloads (the runtime's big files, the shipped snapshot), fetched and
 * gunzipped in a throwaway worker that hands back Blobs. Every chunk of a body read in JavaScript
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

/** How a download in the worker ended, when the worker ran. */
export type WorkerDownload =
  /** The server answered with the file: its bytes, decompressed if they were gzip. */
  | { kind: 'file'; blob: Blob }
  /** An HTTP error status, or an HTML page (a dev server's or an SPA's fallback), not the file. */
  | { kind: 'refused'; status: number; html: boolean }
  /** No answer (offline, blocked), or a body that could not be read or was too big. */
  | { kind: 'failed'; stage: 'fetch' | 'read'; message: string };

/** What the page asks the worker: one URL (absolute), its decompressed size bounded. */
interface Request {
  id: number;
  url: string;
  maxBytes: number;
}

/** What the worker answers, per request: the head, byte counts as they arrive, then the end. */
type Answer = { id: number } & (
  | { head: { length: string | null; encoding: string | null } }
  | { bytes: number }
  | { end: WorkerDownload }
);

/**
 * The worker's whole script, started from its source text (so it is self-contained: no imports,
 * nothing from outside this function). Counts the body as it arrives (wire bytes), gunzips it if
 * its first bytes say gzip (files are shipped gzipped; a server that decoded one, or a plain
 * folder, sends the bytes themselves), bounds what it unpacks to, and answers with a Blob.
 */
function downloadWorker(): void {
  const post = (answer: Answer) => postMessage(answer);
  addEventListener('message', async (event: MessageEvent<Request>) => {
    const { id, url, maxBytes } = event.data;
    let response: Response;
    try {
      response = await fetch(url);
    } catch (error) {
      return post({ id, end: { kind: 'failed', stage: 'fetch', message: (error as Error).message } });
    }
    const html = /^text\/html/i.test(response.headers.get('content-type') ?? '');
    if (!response.ok || html) return post({ id, end: { kind: 'refused', status: response.status, html } });
    post({ id, head: { length: response.headers.get('content-length'), encoding: response.headers.get('content-encoding') } });
    try {
      if (!response.body) return post({ id, end: { kind: 'file', blob: new Blob([]) } });
      const reader = response.body.getReader();
      const first = await reader.read();
      if (first.done) return post({ id, end: { kind: 'file', blob: new Blob([]) } });
      const gzip = first.value[0] === 0x1f && first.value[1] === 0x8b;
      const wire = new ReadableStream<Uint8Array>({
        start(controller) {
          post({ id, bytes: first.value.byteLength });
          controller.enqueue(first.value);
        },
        async pull(controller) {
          const next = await reader.read();
          if (next.done) return controller.close();
          post({ id, bytes: next.value.byteLength });
          controller.enqueue(next.value);
        },
      });
      let total = 0;
      const bound = new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, controller) {
          total += chunk.byteLength;
          if (total > maxBytes) controller.error(new RangeError(`more than ${maxBytes / 1e6} MB`));
          else controller.enqueue(chunk);
        },
      });
      const body = gzip ? wire.pipeThrough(new DecompressionStream('gzip') as unknown as TransformStream<Uint8Array, Uint8Array>) : wire;
      post({ id, end: { kind: 'file', blob: await new Response(body.pipeThrough(bound)).blob() } });
    } catch (error) {
      post({ id, end: { kind: 'failed', stage: 'read', message: (error as Error).message } });
    }
  });
}

interface Pending {
  resolve(download: WorkerDownload | undefined): void;
  onHead(head: { length: string | null; encoding: string | null }): void;
  onBytes?(n: number): void;
}

/** The worker while downloads are pending (one for all of them), and the URL of its script. */
let current: { worker: Worker; pending: Map<number, Pending> } | undefined;
let scriptUrl: string | undefined;
let nextId = 0;

function startWorker(): { worker: Worker; pending: Map<number, Pending> } {
  scriptUrl ??= URL.createObjectURL(new Blob([`(${downloadWorker})()`], { type: 'text/javascript' }));
  const worker = new Worker(scriptUrl, { name: 'python-sandbox-download' });
  const pending = new Map<number, Pending>();
  const started = { worker, pending };
  const finish = (id: number, download: WorkerDownload | undefined) => {
    pending.get(id)?.resolve(download);
    pending.delete(id);
    if (pending.size === 0) stop(started);
  };
  worker.onmessage = ({ data }: MessageEvent<Answer>) => {
    const request = pending.get(data.id);
    if (!request) return;
    if ('head' in data) request.onHead(data.head);
    else if ('bytes' in data) request.onBytes?.(data.bytes);
    else finish(data.id, data.end);
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
 * `url` fetched and decompressed (if gzip) in the download worker, at most `maxBytes` once
 * decompressed; `progress` counts its wire bytes (`knownBytes`: its size as recorded at build
 * time, see {@link DownloadProgress.track}). Undefined when no worker could do it: the caller
 * reads the file itself.
 */
export function downloadInWorker(url: string, maxBytes: number, progress?: DownloadProgress, knownBytes?: number): Promise<WorkerDownload | undefined> {
  if (typeof Worker !== 'function' || typeof DecompressionStream !== 'function') return Promise.resolve(undefined);
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
    worker.postMessage({ id, url, maxBytes } satisfies Request);
  });
}
