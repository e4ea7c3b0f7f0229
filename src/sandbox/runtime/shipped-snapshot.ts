/**
 * The snapshot shipped with the package: made at build time (scripts/make-snapshot.mjs) in Node
 * with the exact runtime and Python sources of this build, so a first visit restores Python
 * (about 0.6 s) instead of booting it (2.5 s and more). It is only a head start: the worker checks
 * it like any snapshot and boots normally when it does not fit, and a missing or unreadable file
 * just means a normal boot.
 */
import { isNode } from '../../is-node.js';
import type { SnapshotData } from '../../protocol.js';
import { bounded, unpacked } from '../downloads/byte-streams.js';
import type { DownloadProgress } from '../downloads/download-progress.js';
import { downloadInWorker } from '../downloads/download-worker.js';
import { isHtmlPage } from '../downloads/checked-fetch.js';

/**
 * The shipped snapshot's bytes (Node) or Blob (browsers), or undefined when there is none to use.
 * `progress` counts the download (browsers).
 */
export async function loadShippedSnapshot(url: URL, progress?: DownloadProgress): Promise<SnapshotData | undefined> {
  try {
    if (!isNode) return await download(url, progress);
    const body = await unpacked(new Blob([await readLocal(url)]).stream());
    return body && new Uint8Array(await new Response(bounded(body, MAX_SNAPSHOT_BYTES)).arrayBuffer());
  } catch {
    return undefined;
  }
}

async function readLocal(url: URL): Promise<Uint8Array<ArrayBuffer>> {
  const { readFile } = await import(/* @vite-ignore */ 'node:fs/promises');
  return new Uint8Array(await readFile(url));
}

/** The most the shipped snapshot may unpack to (it is 13 MB): more is not the file, and is not kept. */
const MAX_SNAPSHOT_BYTES = 256e6;

/**
 * Decompressed as it arrives, into a Blob (no copy in the page's heap; the worker reads it). A
 * server may send it unpacked: then the bytes are the snapshot itself.
 */
async function download(url: URL, progress: DownloadProgress | undefined): Promise<Blob | undefined> {
  // In the download worker where there is one (its garbage does not stay in the page's heap).
  const inWorker = await downloadInWorker(url.href, MAX_SNAPSHOT_BYTES, progress);
  if (inWorker) return inWorker.kind === 'file' ? inWorker.blob : undefined;
  const response = await fetch(url);
  // An app's build that left it out: its server answers 404, or its HTML page.
  if (!response.ok || !response.body || isHtmlPage(response)) return undefined;
  const body = await unpacked(progress?.track(response) ?? response.body);
  return body && new Response(bounded(body, MAX_SNAPSHOT_BYTES)).blob();
}
