/**
 * The snapshot shipped with the package: made at build time (scripts/make-snapshot.mjs) in Node
 * with the exact runtime and Python sources of this build, so a first visit restores Python
 * (about 0.6 s) instead of booting it (2.5 s and more). It is only a head start: the worker checks
 * it like any snapshot and boots normally when it does not fit, and a missing or unreadable file
 * just means a normal boot.
 */
import { isNode } from '../../shared/is-node.js';
import type { SnapshotData, SnapshotFile } from '../../shared/protocol.js';
import { bounded, isGzip, unpacked } from '../downloads/byte-streams.js';
import type { DownloadProgress } from '../downloads/download-progress.js';
import { downloadInWorker } from '../downloads/download-worker.js';
import { isHtmlPage } from '../downloads/checked-fetch.js';

/**
 * The shipped snapshot: its file, which the worker reads (Node, and a Deno process, which may read
 * the runtime's folder), or its Blob (browsers); undefined when there is none to use. `progress`
 * counts the download (browsers).
 */
export async function loadShippedSnapshot(url: URL, progress?: DownloadProgress): Promise<SnapshotData | undefined> {
  try {
    if (!isNode) return await download(url, progress);
    const { access } = await import(/* @vite-ignore */ 'node:fs/promises');
    await access(url);
    return { gzippedFile: url.href };
  } catch {
    return undefined;
  }
}

/**
 * The bytes of a snapshot file, unpacked if it is gzip (Node: the threads' shared copy, and a store
 * that keeps bytes, `snapshotCache: { directory }`). Unpacked by zlib in one call, off the event
 * loop: through a web stream it took 60 ms more, on the path of a process's first boot.
 */
export async function snapshotFileBytes(file: SnapshotFile): Promise<Uint8Array<ArrayBuffer>> {
  const [{ readFile }, { gunzip }] = await Promise.all([import(/* @vite-ignore */ 'node:fs/promises'), import(/* @vite-ignore */ 'node:zlib')]);
  const bytes = await readFile(new URL(file.gzippedFile));
  if (bytes.length === 0) throw new Error('the snapshot file is empty');
  const plain = isGzip(bytes)
    ? await new Promise<Uint8Array>((resolve, reject) =>
        gunzip(bytes, { maxOutputLength: MAX_SNAPSHOT_BYTES }, (error, out) =>
          error ? reject(new Error(`the snapshot file does not unpack within ${MAX_SNAPSHOT_BYTES} bytes (${error.message})`)) : resolve(out),
        ),
      )
    : bytes;
  if (plain.length > MAX_SNAPSHOT_BYTES) throw new Error(`the snapshot file is over ${MAX_SNAPSHOT_BYTES} bytes`);
  return new Uint8Array(plain.buffer as ArrayBuffer, plain.byteOffset, plain.length);
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
