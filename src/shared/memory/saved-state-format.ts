/**
 * The saved-state format (`PythonSandbox.saveState`), one for every host: packed by the host in
 * Node, by the worker in browsers (so the bytes leave it compressed), and checked by whichever
 * side unpacks it. Layout: "PSST" | u32 header length | JSON header | gzip payload (each file's
 * bytes, Pyodide's snapshot header, then the wasm memory's kept 4 KiB pages: a host can read the
 * files without unpacking the memory). The worker keeps a page where it is not all zeros, or where
 * it differs from the boot snapshot the save is stored against (`base`, then stored as the XOR). Every size is read from the header and bounded before anything is decompressed,
 * and decompression stops at the declared size: a small gzip that unpacks to gigabytes is refused.
 * The header's SHA-256 of the payload catches corruption; it is kept in the blob itself, so it does
 * not stop a blob edited on purpose (that needs a key kept apart from it). A forged blob that
 * passes can do no more than a cell: it is restored inside the same boundary (worker, Deno
 * process, sandboxed frame) as any code.
 *
 * Errors are plain `Error`s whose message says why; the host says them as `SandboxStateError`.
 */
import type { SavedInterpreter } from '../protocol.js';
import { isNode } from '../is-node.js';
import { joinBytes, sha256Hex } from './bytes.js';
import { copyPaced, gunzipChunks, gunzipPaced, gzipNode, nextTask, Pacer, sha256Paced } from './paced-bytes.js';

const MAGIC = [0x50, 0x53, 0x53, 0x54]; // "PSST"
/** 2: the files come before the memory in the payload; 3: the memory may be stored against a boot snapshot (`base`), in 4 KiB pages. */
const FORMAT = 3;
/** The default bound on a saved state, packed and unpacked, in Node: wasm32's whole memory is 4 GiB. */
export const MAX_STATE_BYTES = 2 ** 31;
/**
 * The default bound in a browser page, packed and unpacked: what crosses the isolation frame's gate
 * as one saved state, and what `restoreState` accepts. An idle session packs to 0.1-1.3 MB. A page
 * receives a transferred buffer without decoding it, but Chromium runs the frame in another
 * process and copies it as it arrives: a 155 MiB state paused the page 136 ms on a loaded machine
 * (saved-state.browser.test.ts), so the largest one allowed stays under 200 ms.
 */
export const MAX_PAGE_STATE_BYTES = 160 * 2 ** 20;
const MAX_HEADER_BYTES = 4 * 2 ** 20;
const MAX_FILES = 10_000;
/** The wasm memory's pages as a save keeps them (`SavedInterpreter.pageMap`). */
export const STATE_PAGE = 4096;
const PAGE = STATE_PAGE;

interface Header {
  format: number;
  key: SavedInterpreter['key'];
  /** `SavedInterpreter.base`: the boot snapshot the memory is stored against. */
  base: string | null;
  heapSize: number;
  /** Pyodide's snapshot: its own header's length, then the wasm memory's. */
  headerBytes: number;
  memoryBytes: number;
  /** One bit per 4 KiB page of the wasm memory (hex), set for the pages kept. */
  pageMap: string;
  files: { path: string; bytes: number }[];
  /** The payload's length packed and unpacked, and the SHA-256 of the packed payload. */
  packedBytes: number;
  unpackedBytes: number;
  sha256: string;
}

/** A blob whose header, sizes, build and checksum passed (`checkState`), not yet unpacked. */
export interface CheckedState {
  header: Header;
  payload: Uint8Array<ArrayBuffer>;
  map: Uint8Array;
}

/**
 * `state` (the worker's save, checked) as one gzip-compressed, checksummed blob;
 * refused as soon as the compressed bytes pass `maxPackedBytes`.
 */
export async function packState(state: SavedInterpreter, maxPackedBytes = Number.POSITIVE_INFINITY, signal?: AbortSignal): Promise<Uint8Array<ArrayBuffer>> {
  const { header: pyodideHeader, memoryBytes, pageMap, pages, files, heapSize, key, base } = state ?? ({} as Partial<SavedInterpreter>);
  const fits = (b: unknown) => b instanceof Uint8Array && b.length <= MAX_STATE_BYTES;
  const filesFit =
    Array.isArray(files) && files.length <= MAX_FILES && files.every((f) => typeof f?.path === 'string' && f.path.length <= 4096 && fits(f.data));
  const sized = (n: unknown) => Number.isSafeInteger(n) && (n as number) >= 0 && (n as number) <= MAX_STATE_BYTES;
  if (!fits(pyodideHeader) || !fits(pages) || !sized(memoryBytes) || !(pageMap instanceof Uint8Array) || !filesFit || !sized(heapSize))
    throw new Error('saveState() made something that is not a saved interpreter');
  if (typeof key?.sourceHash !== 'string' || !isBase(base) || pageMap.length !== mapLength(memoryBytes) || keptLength(pageMap, memoryBytes) !== pages.length)
    throw new Error('saveState() made a saved interpreter whose sizes do not add up');
  const parts = [...files.map(({ data }) => data), pyodideHeader, pages];
  const payload = isNode ? await gzipNode(parts, signal) : [await gzipInPage(parts, maxPackedBytes, signal)];
  signal?.throwIfAborted();
  const packedBytes = payload.reduce((sum, chunk) => sum + chunk.length, 0);
  if (packedBytes > maxPackedBytes) throw new Error(`the saved state packs to more than the ${maxPackedBytes} bytes one may have here`);
  const header: Header = {
    format: FORMAT,
    key,
    base,
    heapSize,
    headerBytes: pyodideHeader.length,
    memoryBytes,
    pageMap: Array.from(pageMap, (b) => b.toString(16).padStart(2, '0')).join(''),
    files: files.map(({ path, data }) => ({ path, bytes: data.length })),
    packedBytes,
    unpackedBytes: parts.reduce((sum, part) => sum + part.length, 0),
    sha256: isNode ? await sha256Paced(payload) : await sha256Hex(payload[0] as Uint8Array<ArrayBuffer>),
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
 * `bytes` checked without unpacking them: refused (an `Error` saying why) unless it is a saved
 * state of this format, for `key` (the running build; `null` before any worker runs: the worker
 * that restores it compares its own), within `maxPackedBytes` packed and `maxBytes` unpacked, and
 * its payload matches its checksum (`checksum` false: bytes a host's check already passed, handed to
 * the worker that restores them; reading them takes it about 50 ms a MB in a page's worker).
 */
export async function checkState(
  bytes: Uint8Array,
  key: SavedInterpreter['key'] | null | undefined,
  maxBytes = MAX_STATE_BYTES,
  maxPackedBytes = maxBytes,
  checksum = true,
): Promise<CheckedState> {
  const refuse = (why: string) => new Error(why);
  if (!(bytes instanceof Uint8Array)) throw refuse('it is not a Uint8Array');
  if (bytes.length > maxPackedBytes) throw refuse(`it is ${bytes.length} bytes, over the ${maxPackedBytes} allowed`);
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
  if (!isBase(header.base)) throw refuse('its base snapshot is not named right');
  if (typeof header.key?.pyodideVersion !== 'string' || typeof header.key?.sourceHash !== 'string') throw refuse('its build is not named');
  if (key !== null && (!key || header.key.pyodideVersion !== key.pyodideVersion || header.key.sourceHash !== key.sourceHash)) {
    throw refuse(
      `it was made by another build (Pyodide ${header.key?.pyodideVersion}, sources ${header.key?.sourceHash}; this one runs Pyodide ${key?.pyodideVersion}, sources ${key?.sourceHash})`,
    );
  }
  // Node: a view (a copy of hundreds of megabytes would pause the host); a page keeps a copy of its own, to hand on.
  const payload = isNode ? (bytes.subarray(8 + length) as Uint8Array<ArrayBuffer>) : bytes.slice(8 + length);
  const { files, headerBytes, memoryBytes, unpackedBytes, heapSize } = header;
  const size = (n: unknown) => Number.isSafeInteger(n) && (n as number) >= 0;
  if (!Array.isArray(files) || files.length > MAX_FILES || !files.every((f) => typeof f?.path === 'string' && size(f.bytes)))
    throw refuse('its file list is corrupt');
  if (![headerBytes, memoryBytes, unpackedBytes, heapSize].every(size) || header.packedBytes !== payload.length) throw refuse('its sizes are corrupt');
  if (Math.max(unpackedBytes, headerBytes + memoryBytes) > maxBytes || heapSize > 2 ** 32)
    throw refuse(`it unpacks to more than the ${maxBytes} bytes allowed`);
  const map = typeof header.pageMap === 'string' && /^(?:[0-9a-f]{2})*$/.test(header.pageMap) ? fromHex(header.pageMap) : undefined;
  if (!map || map.length !== mapLength(memoryBytes)) throw refuse('its page map is corrupt');
  const keptBytes = keptLength(map, memoryBytes);
  if (headerBytes + keptBytes + files.reduce((sum, f) => sum + f.bytes, 0) !== unpackedBytes) throw refuse('its sizes do not add up');
  if (checksum && (isNode ? await sha256Paced([payload]) : await sha256Hex(payload)) !== header.sha256)
    throw refuse('its checksum does not match (corrupt or edited)');
  return { header, payload, map };
}

/** The saved interpreter in `bytes`, checked (`checkState`, with its `checksum`) and unpacked (its parts are views of one buffer). */
export async function unpackState(
  bytes: Uint8Array,
  key: SavedInterpreter['key'] | null | undefined,
  maxBytes = MAX_STATE_BYTES,
  checksum = true,
): Promise<SavedInterpreter> {
  const { header, payload, map } = await checkState(bytes, key, maxBytes, maxBytes, checksum);
  const { headerBytes, memoryBytes, unpackedBytes, heapSize } = header;
  const whole = isNode ? await gunzipPaced(payload, unpackedBytes).catch(notUnpacked) : await unpackInPage(payload, unpackedBytes);
  if (whole.length !== unpackedBytes) throw new Error('it unpacks to another size than it says');
  const files = filesIn(header, whole);
  const at = header.files.reduce((sum, f) => sum + f.bytes, 0);
  return {
    key: header.key,
    base: header.base,
    header: whole.subarray(at, at + headerBytes),
    memoryBytes,
    pageMap: map,
    pages: whole.subarray(at + headerBytes),
    heapSize,
    files,
  };
}

/** Which of a state's files the host keeps, asked in the payload's order by name and size. */
export type FileKeeper = (path: string, bytes: number) => boolean;

/**
 * The working directory's files of a checked state that `keep` takes, and the names of the rest.
 * A state's files are hostile (a few packed megabytes can hold gigabytes of zeros): they are
 * unpacked a piece at a time (`gunzipPieces`), a file not kept is passed over without being held,
 * and unpacking stops after the last one kept, so the host holds no more than `keep` allows.
 */
export async function unpackFiles({ header, payload }: CheckedState, keep: FileKeeper): Promise<{ files: SavedInterpreter['files']; skipped: string[] }> {
  const wanted = header.files.map((f) => keep(f.path, f.bytes));
  const skipped = header.files.filter((_, i) => !wanted[i]).map((f) => f.path);
  const files: SavedInterpreter['files'] = [];
  const last = wanted.lastIndexOf(true);
  let index = 0;
  let start = 0; // where the file at `index` starts in the unpacked payload
  let at = 0; // how much of the payload is unpacked
  let data: Uint8Array<ArrayBuffer> | undefined;
  // Closes every file that ends at `at` (empty ones too) and opens the next.
  const close = () => {
    while (index <= last && at === start + header.files[index].bytes) {
      if (data) files.push({ path: header.files[index].path, data });
      start += header.files[index++].bytes;
      data = index <= last && wanted[index] ? new Uint8Array(header.files[index].bytes) : undefined;
    }
  };
  if (last >= 0) data = wanted[0] ? new Uint8Array(header.files[0].bytes) : undefined;
  close();
  if (index > last) return { files, skipped };
  for await (const piece of gunzipPieces(payload)) {
    for (let from = 0; from < piece.length && index <= last; ) {
      const n = Math.min(piece.length - from, start + header.files[index].bytes - at);
      data?.set(piece.subarray(from, from + n), at - start);
      from += n;
      at += n;
      close();
    }
    if (index > last) return { files, skipped };
  }
  throw new Error('it unpacks to less than it says');
}

/** Compressed bytes fed to the decompressor at once: at most about a thousand times as many come out (gzip's best ratio). */
const FEED_BYTES = 4096;

/**
 * The gzip `payload` unpacked as pieces, so that no turn of the host decompresses more than a few
 * megabytes: in Node by zlib on its thread pool (`gunzipChunks`); in a page fed to its
 * `DecompressionStream` a little at a time, letting the event loop turn once a slice's worth has
 * come out (it unpacks each chunk written to it at once: one 1 MB chunk of zeros froze a page for
 * seconds).
 */
async function* gunzipPieces(payload: Uint8Array): AsyncGenerator<Uint8Array> {
  if (isNode) {
    try {
      yield* gunzipChunks(payload);
    } catch (error) {
      notUnpacked(error as Error);
    }
    return;
  }
  const pacer = new Pacer();
  let at = 0;
  const fed = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (at >= payload.length) return controller.close();
      controller.enqueue(payload.subarray(at, (at += FEED_BYTES)));
    },
  });
  const reader = fed.pipeThrough(new DecompressionStream('gzip') as unknown as TransformStream<Uint8Array, Uint8Array>).getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read().catch((error: Error) => notUnpacked(error));
      if (done) return;
      yield value;
      await pacer.handled(value.length);
    }
  } finally {
    void reader.cancel().catch(() => undefined);
  }
}

function filesIn(header: Header, whole: Uint8Array): SavedInterpreter['files'] {
  let at = 0;
  return header.files.map(({ path, bytes: n }) => ({ path, data: whole.subarray(at, (at += n)) }));
}

/** The gzip `payload` unpacked in a page's worker, failing as soon as it unpacks past the `declared` size. */
async function unpackInPage(payload: Uint8Array, declared: number): Promise<Uint8Array<ArrayBuffer>> {
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = streamOf([payload])
    .pipeThrough(new DecompressionStream('gzip') as unknown as TransformStream<Uint8Array, Uint8Array>)
    .getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.length;
      if (total > declared) throw new Error(`more than the ${declared} bytes it declares`);
      chunks.push(value);
    }
  } catch (error) {
    throw new Error(`it does not unpack (${(error as Error)?.message ?? error})`);
  } finally {
    void reader.cancel().catch(() => undefined);
  }
  return joinBytes(chunks);
}

function notUnpacked(error: Error): never {
  throw new Error(`it does not unpack (${error?.message ?? error})`);
}

/** A boot snapshot's id (worker/snapshots/snapshot.ts), or null. */
function isBase(base: unknown): base is string | null {
  return base === null || (typeof base === 'string' && /^[0-9a-f]{32}$/.test(base));
}

function fromHex(hex: string): Uint8Array {
  return Uint8Array.from({ length: hex.length / 2 }, (_, i) => Number.parseInt(hex.slice(2 * i, 2 * i + 2), 16));
}

/** The length of a page map for `memoryBytes`: a bit a page. */
export function mapLength(memoryBytes: number): number {
  return Math.ceil(Math.ceil(memoryBytes / PAGE) / 8);
}

/** How many of the memory's bytes the pages `map` keeps hold. */
function keptLength(map: Uint8Array, memoryBytes: number): number {
  let total = 0;
  for (let page = 0; page * PAGE < memoryBytes; page++) if (map[page >> 3] & (1 << (page & 7))) total += Math.min(PAGE, memoryBytes - page * PAGE);
  return total;
}

/** `parts` as one gzip in a page's worker (`CompressionStream`), refused as soon as it passes `maxBytes`. */
async function gzipInPage(parts: Uint8Array[], maxBytes: number, signal?: AbortSignal): Promise<Uint8Array<ArrayBuffer>> {
  const compressor = new CompressionStream('gzip') as unknown as TransformStream<Uint8Array, Uint8Array>;
  const writer = compressor.writable.getWriter();
  const reader = compressor.readable.getReader();
  const chunks: Uint8Array[] = [];
  const packed = (async () => {
    let total = 0;
    for (let next = await reader.read(); !next.done; next = await reader.read()) {
      total += next.value.length;
      if (total > maxBytes) throw new Error(`the saved state packs to more than the ${maxBytes} bytes one may have here`);
      chunks.push(next.value);
    }
  })();
  packed.catch(() => undefined); // told below, or made moot by a failure of the feeding
  try {
    // Each slice is copied into one buffer the compressor is handed again and again: the browser
    // keeps a buffer it was handed until its next garbage collection (not soon in an idle worker),
    // which held the state's pages (10 MB after HumanEval) in the worker's memory long after the save.
    const scratch = new Uint8Array(PACKING_SLICE_BYTES);
    let fed = 0;
    for (const part of parts) {
      for (let from = 0; from < part.length; from += PACKING_SLICE_BYTES) {
        if (fed++ > 0) await nextTask();
        signal?.throwIfAborted();
        const slice = part.subarray(from, from + PACKING_SLICE_BYTES);
        scratch.set(slice);
        // A write settles once the compressor has taken the slice, so the scratch can be filled again.
        await Promise.race([writer.write(scratch.subarray(0, slice.length)), packed]);
      }
    }
    await Promise.race([writer.close(), packed]);
    await packed;
  } catch (error) {
    void writer.abort(error).catch(() => undefined);
    void reader.cancel().catch(() => undefined);
    signal?.throwIfAborted();
    throw error;
  }
  return joinBytes(chunks);
}

/**
 * Input slices of a page's packing: a `CompressionStream` compresses what it is given at once,
 * and its reader's steps are microtasks, so the whole state (megabytes: 60 ms on a slow machine)
 * was packed without a task between, and a run's call asking the save to give way waited for it.
 */
const PACKING_SLICE_BYTES = 512 * 1024;

/** `parts` as a stream, without a Blob: WebKit's isolated worker (a data: worker) cannot read one. */
function streamOf(parts: Uint8Array[]): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      for (const part of parts) controller.enqueue(part);
      controller.close();
    },
  });
}
