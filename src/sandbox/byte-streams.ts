/**
 * Response bodies as the sandbox reads its big files (the runtime, the shipped snapshot): counted
 * as they arrive (download progress), and decompressed while they stream when they are packed.
 * The package ships them zstd-packed because static hosts and `vite preview` send files as they
 * are; a host that already decoded one (`Content-Encoding`), a plain Pyodide folder or a CDN sends
 * the bytes themselves, so the first bytes decide, not the file name.
 */
import { Decompress } from 'fzstd';

/** Whether `bytes` start with gzip's magic number. No runtime file does: wasm starts `\0asm`, JavaScript, JSON and zip with text or `PK`. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** Whether `bytes` start with a Zstandard frame's magic number (28 B5 2F FD). */
export function isZstd(bytes: Uint8Array): boolean {
  return bytes[0] === 0x28 && bytes[1] === 0xb5 && bytes[2] === 0x2f && bytes[3] === 0xfd;
}

/**
 * `body`, decompressed as it arrives if it is zstd or gzip, else as it is; undefined when it is
 * empty. `maxBytes` bounds what a zstd frame may ask the decoder to allocate for its window.
 * (gzip: `DecompressionStream`, in every browser this package supports and Node 18+; zstd:
 * fzstd, as no browser decodes it natively in a stream.)
 */
export async function unpacked(body: ReadableStream<Uint8Array>, maxBytes: number): Promise<ReadableStream<Uint8Array> | undefined> {
  const reader = body.getReader();
  let first = await reader.read();
  if (first.done) return undefined;
  // The magic numbers need 4 bytes; a chunk may hold fewer.
  while (first.value.length < 4) {
    const next = await reader.read();
    if (next.done) break;
    first = { done: false, value: concat(first.value, next.value) };
  }
  const whole = new ReadableStream<Uint8Array>({
    start: (controller) => controller.enqueue(first.value),
    async pull(controller) {
      const next = await reader.read();
      if (next.done) controller.close();
      else controller.enqueue(next.value);
    },
    cancel: (reason) => reader.cancel(reason),
  });
  if (isZstd(first.value)) return whole.pipeThrough(zstdDecoder(maxBytes));
  if (isGzip(first.value)) return whole.pipeThrough(new DecompressionStream('gzip') as unknown as TransformStream<Uint8Array, Uint8Array>);
  return whole;
}

/**
 * A zstd decoder as a stream. fzstd allocates each frame's window as its header says (up to 2 GB),
 * so a frame header asking for more than `maxBytes` is refused before it is decoded.
 */
function zstdDecoder(maxBytes: number): TransformStream<Uint8Array, Uint8Array> {
  let out: TransformStreamDefaultController<Uint8Array>;
  const decoder = new Decompress((chunk) => {
    if (chunk.length) out.enqueue(chunk);
  });
  let head: Uint8Array | undefined = new Uint8Array(0);
  const push = (chunk: Uint8Array, final: boolean) => {
    try {
      decoder.push(chunk, final);
    } catch (error) {
      throw new Error(`not a valid zstd stream (${(error as Error).message})`);
    }
  };
  return new TransformStream<Uint8Array, Uint8Array>({
    start(controller) {
      out = controller;
    },
    transform(chunk) {
      if (head) {
        // Until the first frame's header (at most 18 bytes) is in, nothing is decoded.
        head = concat(head, chunk);
        if (head.length < 18) return;
        const window = zstdWindowBytes(head);
        if (window === undefined || window > maxBytes) throw new RangeError(`a zstd frame that needs a ${window === undefined ? 'malformed' : `${Math.ceil(window / 1e6)} MB`} window, more than ${maxBytes / 1e6} MB`);
        chunk = head;
        head = undefined;
      }
      push(chunk, false);
    },
    flush() {
      push(head ?? new Uint8Array(0), true);
    },
  });
}

/**
 * The window a zstd frame header (RFC 8878, 3.1.1.1) makes the decoder allocate: its window
 * descriptor, or for a single-segment frame its content size; undefined if it is malformed.
 */
export function zstdWindowBytes(frame: Uint8Array): number | undefined {
  if (!isZstd(frame) || frame.length < 6) return undefined;
  const descriptor = frame[4];
  const singleSegment = (descriptor >> 5) & 1;
  if (!singleSegment) {
    const exponent = 10 + (frame[5] >> 3);
    const base = 2 ** exponent;
    return base + (base / 8) * (frame[5] & 7);
  }
  const sizeFlag = descriptor >> 6;
  const dictionaryBytes = [0, 1, 2, 4][descriptor & 3];
  const sizeBytes = [1, 2, 4, 8][sizeFlag];
  const at = 5 + dictionaryBytes;
  if (frame.length < at + sizeBytes) return undefined;
  let size = 0;
  for (let i = sizeBytes - 1; i >= 0; i--) size = size * 256 + frame[at + i];
  return sizeFlag === 1 ? size + 256 : size;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const joined = new Uint8Array(a.length + b.length);
  joined.set(a);
  joined.set(b, a.length);
  return joined;
}

/** `body` unchanged, calling `onBytes(n)` for each chunk of `n` bytes that passes. */
export function counted(body: ReadableStream<Uint8Array>, onBytes: (n: number) => void): ReadableStream<Uint8Array> {
  return body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        onBytes(chunk.byteLength);
        controller.enqueue(chunk);
      },
    }),
  );
}

/**
 * `body`, failing once more than `maxBytes` have passed: a small zstd or gzip file can unpack to
 * gigabytes, so a decompressed stream is bounded before it is kept in memory.
 */
export function bounded(body: ReadableStream<Uint8Array>, maxBytes: number): ReadableStream<Uint8Array> {
  let total = 0;
  return body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        total += chunk.byteLength;
        if (total > maxBytes) controller.error(new RangeError(`more than ${maxBytes / 1e6} MB`));
        else controller.enqueue(chunk);
      },
    }),
  );
}
