/**
 * The snapshot the boot is handed, read: bytes or a Blob (browsers), or a gzipped file that the
 * worker reads itself (Node and the Deno process: the snapshot shipped with the package,
 * src/sandbox/runtime/shipped-snapshot.ts), unpacked straight into one buffer of the size gzip's
 * trailer gives, so its megabytes are held once. What it holds is read by snapshots/snapshot.ts.
 */
import type { SnapshotData } from '../../src/shared/protocol.js';
import { localFile } from './node-paths.js';

/** More is not a snapshot of this package (the shipped one unpacks to 13 MB). */
const MAX_BYTES = 256e6;

/** The unpacked bytes of the gzipped file at `url` (file:); throws if it cannot be read or is not what its trailer says. */
export async function readSnapshotFile(url: string): Promise<Uint8Array<ArrayBuffer>> {
  const packed = await localFile(url);
  // gzip's last 4 bytes: the unpacked size, modulo 2^32 (a snapshot is far below 4 GB).
  const size = packed.size < 18 ? 0 : new DataView(await packed.slice(-4).arrayBuffer()).getUint32(0, true);
  if (size === 0 || size > MAX_BYTES) throw new RangeError(`not a gzipped snapshot of at most ${MAX_BYTES / 1e6} MB`);
  const bytes = new Uint8Array(size);
  const reader = packed
    .stream()
    .pipeThrough(new DecompressionStream('gzip') as unknown as TransformStream<Uint8Array, Uint8Array>)
    .getReader();
  let at = 0;
  try {
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
      if (at + chunk.value.length > size) throw new RangeError('it unpacks to more than its gzip trailer says');
      bytes.set(chunk.value, at);
      at += chunk.value.length;
    }
  } catch (error) {
    void reader.cancel().catch(() => undefined);
    throw error;
  }
  if (at !== size) throw new RangeError('it unpacks to less than its gzip trailer says');
  return bytes;
}

/** The bytes of a snapshot handed in as a Blob (browsers) or a file (Node); one that cannot be read is rejected. */
export async function readSnapshot(data: SnapshotData): Promise<Uint8Array | { rejected: string }> {
  if (data instanceof Uint8Array) return data;
  try {
    return data instanceof Blob ? new Uint8Array(await data.arrayBuffer()) : await readSnapshotFile(data.gzippedFile);
  } catch (error) {
    return { rejected: `unreadable: ${(error as Error)?.message ?? error}` };
  }
}
