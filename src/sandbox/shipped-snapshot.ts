/**
 * The snapshot shipped with the package: made at build time (scripts/make-snapshot.mjs) in Node
 * with the exact runtime and Python sources of this build, so a first visit restores Python
 * (about 0.6 s) instead of booting it (2.5 s and more). It is only a head start: the worker checks
 * it like any snapshot and boots normally when it does not fit, and a missing or unreadable file
 * just means a normal boot.
 */
import { isNode } from '../is-node.js';
import type { SnapshotData } from '../protocol.js';

/** The shipped snapshot's bytes (Node) or Blob (browsers), or undefined when there is none to use. */
export async function loadShippedSnapshot(url: URL): Promise<SnapshotData | undefined> {
  try {
    const bytes = isNode ? await readLocal(url) : await download(url);
    if (!bytes) return undefined;
    const data = isGzip(bytes) ? await gunzip(bytes) : bytes;
    return isNode ? data : new Blob([data]);
  } catch {
    return undefined;
  }
}

async function readLocal(url: URL): Promise<Uint8Array<ArrayBuffer>> {
  const { readFile } = await import(/* @vite-ignore */ 'node:fs/promises');
  return new Uint8Array(await readFile(url));
}

async function download(url: URL): Promise<Uint8Array<ArrayBuffer> | undefined> {
  const response = await fetch(url);
  // An app's build that left it out: its server answers 404, or its HTML page.
  if (!response.ok || /^text\/html/i.test(response.headers.get('content-type') ?? '')) return undefined;
  return new Uint8Array(await response.arrayBuffer());
}

/** A server may already have undone the gzip (Content-Encoding): then the bytes are the snapshot itself. */
function isGzip(bytes: Uint8Array): boolean {
  return bytes[0] === 0x1f && bytes[1] === 0x8b;
}

async function gunzip(bytes: Uint8Array<ArrayBuffer>): Promise<Uint8Array<ArrayBuffer>> {
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}
