/**
 * The snapshot shipped with the package: made at build time (scripts/make-snapshot.mjs) in Node
 * with the exact runtime and Python sources of this build, so a first visit restores Python
 * (about 0.6 s) instead of booting it (2.5 s and more). It is only a head start: the worker checks
 * it like any snapshot and boots normally when it does not fit, and a missing or unreadable file
 * just means a normal boot.
 */
import { isNode } from '../is-node.js';
import type { SnapshotData } from '../protocol.js';
import { isHtmlPage } from './downloads.js';

/** The shipped snapshot's bytes (Node) or Blob (browsers), or undefined when there is none to use. */
export async function loadShippedSnapshot(url: URL): Promise<SnapshotData | undefined> {
  try {
    if (!isNode) return await download(url);
    const bytes = await readLocal(url);
    return isGzip(bytes) ? new Uint8Array(await new Response(gunzip(new Blob([bytes]).stream())).arrayBuffer()) : bytes;
  } catch {
    return undefined;
  }
}

async function readLocal(url: URL): Promise<Uint8Array<ArrayBuffer>> {
  const { readFile } = await import(/* @vite-ignore */ 'node:fs/promises');
  return new Uint8Array(await readFile(url));
}

/**
 * Decompressed as it arrives, into a Blob (no copy in the page's heap; the worker reads it).
 * The first chunk says whether it is still gzipped.
 */
async function download(url: URL): Promise<Blob | undefined> {
  const response = await fetch(url);
  // An app's build that left it out: its server answers 404, or its HTML page.
  if (!response.ok || !response.body || isHtmlPage(response)) return undefined;
  const reader = response.body.getReader();
  const first = await reader.read();
  if (first.done) return undefined;
  const body = new ReadableStream<BufferSource>({
    start: (controller) => controller.enqueue(first.value),
    async pull(controller) {
      const next = await reader.read();
      if (next.done) controller.close();
      else controller.enqueue(next.value);
    },
    cancel: (reason) => reader.cancel(reason),
  });
  return new Response(isGzip(first.value) ? gunzip(body) : body).blob();
}

/** A server may already have undone the gzip (Content-Encoding): then the bytes are the snapshot itself. */
function isGzip(bytes: Uint8Array): boolean {
  return bytes[0] === 0x1f && bytes[1] === 0x8b;
}

function gunzip(stream: ReadableStream<BufferSource>): ReadableStream<Uint8Array> {
  return stream.pipeThrough(new DecompressionStream('gzip'));
}
