/**
 * What the Node worker threads of one process share, made once instead of at every boot: the
 * runtime's wasm compiled (a `WebAssembly.Module` crosses to a thread without being compiled
 * again), its data segments read (what snapshots are stored against, snapshot.ts), and the
 * shipped snapshot unpacked, both in shared memory (every thread reads the same bytes: none
 * gunzips its own 13 MB, and a saved state's base, worker/snapshots/state-base.ts, costs a thread
 * no copy). A boot took 40-50 ms less for the compile, 15-20 ms for the segments and 50-150 ms for
 * the snapshot. A Deno process is another process, and reads its own.
 */
import { isNode } from '../../shared/is-node.js';
import type { BootConfig, SnapshotData } from '../../shared/protocol.js';
import type { Isolation } from '../isolation/spawned-worker.js';
import { type DataSegment, dataSegments } from '../../shared/memory/wasm-data.js';
import { snapshotFileBytes } from './shipped-snapshot.js';

const compiled = new Map<string, Promise<WebAssembly.Module | undefined>>();
const segmented = new Map<string, Promise<DataSegment[] | undefined>>();
const unpacked = new Map<string, Promise<Uint8Array<SharedArrayBuffer> | undefined>>();

/**
 * `choice` for a boot in `isolation`: in a Node worker thread, the snapshot file as the shared
 * bytes and the runtime's compiled wasm beside it; anything that cannot be made stays as the
 * worker would have read it itself.
 */
export async function sharedWithThread<C extends Pick<BootConfig, 'snapshot' | 'wasmModule' | 'dataSegments'>>(
  choice: C,
  isolation: Isolation,
  indexURL: string,
): Promise<C> {
  if (!isNode || isolation !== 'worker' || !indexURL.startsWith('file:')) return choice;
  const wasm = new URL('pyodide.asm.wasm', indexURL).href;
  const [wasmModule, segments, snapshot] = await Promise.all([compiledWasm(wasm), sharedSegments(wasm), sharedSnapshot(choice.snapshot)]);
  return { ...choice, wasmModule, dataSegments: segments, snapshot };
}

/**
 * The wasm's data segments, their bytes in one shared buffer, each at an offset with its
 * address's remainder by 4: XORed into a memory, a segment then goes a word at a time.
 */
function sharedSegments(url: string): Promise<DataSegment[] | undefined> {
  let segments = segmented.get(url);
  if (!segments) {
    segments = (async () => {
      const { openAsBlob } = await import(/* @vite-ignore */ 'node:fs');
      const read = await dataSegments(await openAsBlob(new URL(url)));
      const shared = new Uint8Array(new SharedArrayBuffer(read.reduce((sum, { bytes }) => sum + bytes.length + 4, 0)));
      let at = 0;
      return read.map(({ address, bytes }) => {
        at += (((address - at) % 4) + 4) % 4;
        shared.set(bytes, at);
        const segment = { address, bytes: shared.subarray(at, at + bytes.length) };
        at += bytes.length;
        return segment;
      });
    })().catch(() => undefined);
    segmented.set(url, segments);
  }
  return segments;
}

function compiledWasm(url: string): Promise<WebAssembly.Module | undefined> {
  let module = compiled.get(url);
  if (!module) {
    module = (async () => {
      const { readFile } = await import(/* @vite-ignore */ 'node:fs/promises');
      return WebAssembly.compile(await readFile(new URL(url)));
    })().catch(() => undefined);
    compiled.set(url, module);
  }
  return module;
}

/** A gzipped snapshot file as shared bytes (once per file); other snapshot data as it is. */
async function sharedSnapshot(data: SnapshotData | undefined): Promise<SnapshotData | undefined> {
  if (!data || data instanceof Uint8Array || data instanceof Blob) return data;
  let bytes = unpacked.get(data.gzippedFile);
  if (!bytes) {
    bytes = (async () => {
      const plain = await snapshotFileBytes(data);
      const shared: Uint8Array<SharedArrayBuffer> = new Uint8Array(new SharedArrayBuffer(plain.length));
      shared.set(plain);
      return shared;
    })().catch(() => undefined);
    unpacked.set(data.gzippedFile, bytes);
  }
  // A file that cannot be read here is the worker's to read (and to reject, saying why).
  return (await bytes) ?? data;
}
