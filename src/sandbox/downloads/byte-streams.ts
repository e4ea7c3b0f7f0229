/**
 * Response bodies as the sandbox reads its big files (the runtime, the shipped snapshot): counted
 * as they arrive (download progress), and gunzipped while they stream when they are gzip. Files
 * are shipped gzipped because static hosts and `vite preview` send files as they are; a host that
 * already decoded one (`Content-Encoding`), a plain Pyodide folder or a CDN sends the bytes
 * themselves, so the first bytes decide, not the file name.
 */

/** Whether `bytes` start with gzip's magic number. No runtime file does: wasm starts `\0asm`, JavaScript, JSON and zip with text or `PK`. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/**
 * `body`, decompressed as it arrives if it is gzip, else as it is; undefined when it is empty.
 * (`DecompressionStream` is in every browser this package supports, and Node 18+.)
 */
export async function unpacked(body: ReadableStream<Uint8Array>): Promise<ReadableStream<Uint8Array> | undefined> {
  const reader = body.getReader();
  let first = await reader.read();
  if (first.done) return undefined;
  // The magic number needs 2 bytes; a chunk may hold fewer.
  while (first.value.length < 2) {
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
  return isGzip(first.value) ? whole.pipeThrough(new DecompressionStream('gzip') as unknown as TransformStream<Uint8Array, Uint8Array>) : whole;
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
 * `body`, failing once more than `maxBytes` have passed: a small gzip can unpack to gigabytes,
 * so a decompressed stream is bounded before it is kept in memory.
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
