/**
 * The download worker's script (see download-worker.ts): fetches one URL per request, counts its
 * wire bytes as they arrive, unpacks it as the page would (byte-streams.ts: gzip or as it
 * is), bounds what it unpacks to, and answers with a Blob. Built into the library inline (Vite's
 * `?worker&inline`), so an app's bundler has no file to copy.
 */
import { bounded, unpacked } from './byte-streams.js';
import type { DownloadAnswer, DownloadRequest } from './download-worker.js';

const post = (answer: DownloadAnswer) => postMessage(answer);

addEventListener('message', async (event: MessageEvent<DownloadRequest>) => {
  const { id, url, maxBytes } = event.data;
  let response: Response;
  try {
    response = await fetch(url);
  } catch {
    return post({ id, end: 'unreachable' });
  }
  const html = /^text\/html/i.test(response.headers.get('content-type') ?? '');
  if (!response.ok || html) return post({ id, end: { kind: 'refused', status: response.status } });
  post({ id, head: { length: response.headers.get('content-length'), encoding: response.headers.get('content-encoding') } });
  try {
    const wire = response.body?.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, controller) {
          post({ id, bytes: chunk.byteLength });
          controller.enqueue(chunk);
        },
      }),
    );
    const body = wire && (await unpacked(wire));
    post({ id, end: { kind: 'file', blob: body ? await new Response(bounded(body, maxBytes)).blob() : new Blob([]) } });
  } catch (error) {
    post({ id, end: { kind: 'failed', message: (error as Error).message } });
  }
});
