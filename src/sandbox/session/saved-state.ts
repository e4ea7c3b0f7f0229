/**
 * A saved interpreter (`SavedInterpreter`, made by the worker: worker/snapshots/saved-state.ts) as
 * bytes to store, and back. Layout: "PSST" | u32 header length | JSON header | gzip payload (the
 * memory snapshot, then each file's bytes). Every size is read from the header and bounded before
 * anything is decompressed, and decompression stops at the declared size: a small gzip that
 * unpacks to gigabytes is refused. The header's SHA-256 of the payload catches corruption; it is
 * kept in the blob itself, so it does not stop a blob edited on purpose (that needs a key kept
 * apart from it). A forged blob that passes can do no more than a cell: it is restored inside the
 * same boundary (worker, Deno process) as any code.
 */
import type { SavedInterpreter } from '../../protocol.js';
import { SLICE_BYTES, copyPaced, gunzipPaced, gzipPaced, nextTurn, sha256Paced } from './paced-bytes.js';
import { SandboxError, SandboxStateError } from '../errors.js';
import type { Interpreters } from './interpreters.js';
import type { WorkerSession } from './worker-session.js';

/** The worker's save of `session`'s interpreter; its refusal (a compiled package loaded) as `SandboxStateError`. */
export function savedBy(session: WorkerSession): Promise<SavedInterpreter> {
  return session.remote.saveState().catch((error: Error) => {
    throw SandboxError.isInstance(error) ? error : new SandboxStateError(`This interpreter cannot be saved: ${String(error?.message ?? error).slice(0, 500)}`);
  });
}

/**
 * A new interpreter started from `bytes` (checked first), in place of `current` (stopped once the
 * new one is up); refused bytes or a failed restore leave `current` as it was.
 */
export async function restoredSession(
  current: WorkerSession,
  bytes: Uint8Array,
  maxBytes: number | undefined,
  interpreters: Pick<Interpreters, 'restored'>,
): Promise<{ session: WorkerSession; files: SavedInterpreter['files'] }> {
  const state = await unpackState(bytes, current.info?.stateKey, maxBytes);
  // Copies for the host's mirror of the working directory: the state's own bytes go to the worker.
  const files = state.files.map(({ path, data }) => ({ path, data: data.slice() }));
  const session = await interpreters.restored(state).catch((error: Error) => {
    throw new SandboxStateError(`The saved state did not restore (the sandbox is unchanged): ${error?.message ?? error}`, { cause: error });
  });
  void current.terminate('replaced by a saved state');
  return { session, files };
}

const MAGIC = [0x50, 0x53, 0x53, 0x54]; // "PSST"
const FORMAT = 1;
/** The default bound on a saved state, packed and unpacked: wasm32's whole memory is 4 GiB. */
export const MAX_STATE_BYTES = 2 ** 31;
const MAX_HEADER_BYTES = 4 * 2 ** 20;
const MAX_FILES = 10_000;

interface Header {
  format: number;
  key: SavedInterpreter['key'];
  heapSize: number;
  memoryBytes: number;
  /** One bit per 64 KiB page of the memory (hex), set for the pages kept: all-zero ones are not. */
  pageMap: string;
  files: { path: string; bytes: number }[];
  /** The payload's length packed and unpacked, and the SHA-256 of the packed payload. */
  packedBytes: number;
  unpackedBytes: number;
  sha256: string;
}

/** `state` (the worker's answer, checked here: it is untrusted) as one gzip-compressed, checksummed blob. */
export async function packState(state: SavedInterpreter): Promise<Uint8Array<ArrayBuffer>> {
  const { memory, files, heapSize, key } = state ?? ({} as Partial<SavedInterpreter>);
  const fits = (b: unknown) => b instanceof Uint8Array && b.length <= MAX_STATE_BYTES;
  const filesFit =
    Array.isArray(files) && files.length <= MAX_FILES && files.every((f) => typeof f?.path === 'string' && f.path.length <= 4096 && fits(f.data));
  if (!fits(memory) || !filesFit || !Number.isSafeInteger(heapSize) || typeof key?.sourceHash !== 'string')
    throw new SandboxStateError('The worker answered saveState() with something that is not a saved interpreter');
  const { map, kept } = await nonZeroPages(memory);
  const parts = [...kept, ...files.map(({ data }) => data)];
  // In slices, with the event loop turning between them: a 100 MB session is seconds of work.
  const payload = await gzipPaced(parts);
  const packedBytes = payload.reduce((sum, chunk) => sum + chunk.length, 0);
  const header: Header = {
    format: FORMAT,
    key,
    heapSize,
    memoryBytes: memory.length,
    pageMap: Array.from(map, (b) => b.toString(16).padStart(2, '0')).join(''),
    files: files.map(({ path, data }) => ({ path, bytes: data.length })),
    packedBytes,
    unpackedBytes: parts.reduce((sum, part) => sum + part.length, 0),
    sha256: await sha256Paced(payload),
  };
  const json = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + packedBytes);
  out.set(MAGIC, 0);
  new DataView(out.buffer).setUint32(4, json.length, true);
  out.set(json, 8);
  await copyPaced(payload, out, 8 + json.length);
  return out;
}

/**
 * The saved interpreter in `bytes`, checked: refused (`SandboxStateError`) unless it is a saved
 * state of this format, for `key` (the running build), within `maxBytes` packed and unpacked, and
 * its payload matches its checksum.
 */
export async function unpackState(bytes: Uint8Array, key: SavedInterpreter['key'] | undefined, maxBytes = MAX_STATE_BYTES): Promise<SavedInterpreter> {
  const refuse = (why: string) => new SandboxStateError(`This saved state cannot be restored: ${why}. The sandbox is unchanged.`);
  if (!(bytes instanceof Uint8Array)) throw refuse('it is not a Uint8Array');
  if (bytes.length > maxBytes) throw refuse(`it is ${bytes.length} bytes, over the ${maxBytes} allowed`);
  if (bytes.length < 8 || MAGIC.some((b, i) => bytes[i] !== b)) throw refuse('it is not a saved sandbox state');
  const length = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(4, true);
  if (length > MAX_HEADER_BYTES || 8 + length > bytes.length) throw refuse('its header is truncated or too large');
  let header: Header;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + length)));
  } catch {
    throw refuse('its header is corrupt');
  }
  if (header?.format !== FORMAT) throw refuse(`it has another format (${header?.format})`);
  if (!key || header.key?.pyodideVersion !== key.pyodideVersion || header.key?.sourceHash !== key.sourceHash) {
    throw refuse(
      `it was made by another build (Pyodide ${header.key?.pyodideVersion}, sources ${header.key?.sourceHash}; this one runs Pyodide ${key?.pyodideVersion}, sources ${key?.sourceHash})`,
    );
  }
  const payload = bytes.subarray(8 + length);
  const { files, memoryBytes, unpackedBytes, heapSize } = header;
  const size = (n: unknown) => Number.isSafeInteger(n) && (n as number) >= 0;
  if (!Array.isArray(files) || files.length > MAX_FILES || !files.every((f) => typeof f?.path === 'string' && size(f.bytes)))
    throw refuse('its file list is corrupt');
  if (![memoryBytes, unpackedBytes, heapSize].every(size) || header.packedBytes !== payload.length) throw refuse('its sizes are corrupt');
  if (Math.max(unpackedBytes, memoryBytes) > maxBytes || heapSize > 2 ** 32) throw refuse(`it unpacks to more than the ${maxBytes} bytes allowed`);
  const map = typeof header.pageMap === 'string' && /^(?:[0-9a-f]{2})*$/.test(header.pageMap) ? fromHex(header.pageMap) : undefined;
  if (!map || map.length !== Math.ceil(Math.ceil(memoryBytes / PAGE) / 8)) throw refuse('its page map is corrupt');
  const keptBytes = keptLength(map, memoryBytes);
  if (keptBytes + files.reduce((sum, f) => sum + f.bytes, 0) !== unpackedBytes) throw refuse('its sizes do not add up');
  if ((await sha256Paced([payload])) !== header.sha256) throw refuse('its checksum does not match (corrupt or edited)');
  let whole: Uint8Array;
  try {
    whole = await gunzipPaced(payload, unpackedBytes);
  } catch (error) {
    throw refuse(`it does not unpack (${(error as Error)?.message ?? error})`);
  }
  if (whole.length !== unpackedBytes) throw refuse('it unpacks to another size than it says');
  // A buffer of its own (Pyodide reads it as a Uint32Array, so it must be aligned), zero where a page was dropped.
  const memory = new Uint8Array(memoryBytes);
  let at = 0;
  for (let page = 0; page * PAGE < memoryBytes; page++) {
    if (page > 0 && page % (SLICE_BYTES / PAGE) === 0) await nextTurn();
    if (!(map[page >> 3] & (1 << (page & 7)))) continue;
    const length = Math.min(PAGE, memoryBytes - page * PAGE);
    memory.set(whole.subarray(at, at + length), page * PAGE);
    at += length;
  }
  const restored = files.map(({ path, bytes: n }) => ({ path, data: whole.subarray(at, (at += n)) }));
  return { key: header.key, memory, heapSize, files: restored };
}

const PAGE = 65536;

/** The memory's pages that are not all zeros (half of an idle interpreter's), and the map of which they are. */
async function nonZeroPages(memory: Uint8Array): Promise<{ map: Uint8Array; kept: Uint8Array[] }> {
  const pages = Math.ceil(memory.length / PAGE);
  const map = new Uint8Array(Math.ceil(pages / 8));
  const kept: Uint8Array[] = [];
  const aligned = memory.byteOffset % 4 === 0;
  for (let page = 0; page < pages; page++) {
    if (page > 0 && page % (SLICE_BYTES / PAGE) === 0) await nextTurn();
    const bytes = memory.subarray(page * PAGE, (page + 1) * PAGE);
    if (isZero(bytes, aligned)) continue;
    map[page >> 3] |= 1 << (page & 7);
    kept.push(bytes);
  }
  return { map, kept };
}

function isZero(bytes: Uint8Array, aligned: boolean): boolean {
  const words = aligned ? new Uint32Array(bytes.buffer, bytes.byteOffset, bytes.length >> 2) : new Uint32Array(0);
  for (let i = 0; i < words.length; i++) if (words[i]) return false;
  for (let i = words.length * 4; i < bytes.length; i++) if (bytes[i]) return false;
  return true;
}

function fromHex(hex: string): Uint8Array {
  return Uint8Array.from({ length: hex.length / 2 }, (_, i) => Number.parseInt(hex.slice(2 * i, 2 * i + 2), 16));
}

/** How many of the memory's bytes the pages `map` keeps hold. */
function keptLength(map: Uint8Array, memoryBytes: number): number {
  let total = 0;
  for (let page = 0; page * PAGE < memoryBytes; page++) if (map[page >> 3] & (1 << (page & 7))) total += Math.min(PAGE, memoryBytes - page * PAGE);
  return total;
}
