/**
 * Work over a saved state's hundreds of megabytes done in slices, with a turn of the event loop
 * between them, so the host (an MCP server answering other clients, a page) never pauses long
 * while a session is saved: a 100 MB session's scan, gzip, checksum and copy each took 100-600 ms
 * of the main thread at once. Each slice is at most {@link SLICE_BYTES}. Mostly Node: the host
 * checks and copies a state there, and a Node worker packs and unpacks with them
 * (src/shared/memory/saved-state-format.ts); a page paces the files it unpacks with `Pacer`.
 */
import { joinBytes } from './bytes.js';

/** Bytes handled between two turns of the event loop (a few milliseconds of copying or hashing). */
export const SLICE_BYTES = 8 * 2 ** 20;

/** Lets the event loop turn once. */
export function nextTurn(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/**
 * Lets the event loop take every task already queued, messages included, then resolves: a message
 * to ourselves is queued behind the messages that came before it, where a timer's turn
 * (`nextTurn`) may come first (a Chromium worker ran a `setTimeout(0)` ahead of a call that had
 * waited 25 ms for it).
 */
export function nextTask(): Promise<void> {
  const { port1, port2 } = new MessageChannel();
  return new Promise((resolve) => {
    port1.onmessage = () => {
      port1.close();
      resolve();
    };
    port2.postMessage(undefined);
  });
}

/** Counts bytes handled, and lets the event loop turn each time a slice's worth has passed. */
export class Pacer {
  private since = 0;

  /** Notes `bytes` handled; waits a turn once a slice is full. */
  async handled(bytes: number): Promise<void> {
    this.since += bytes;
    if (this.since < SLICE_BYTES) return;
    this.since = 0;
    await nextTurn();
  }
}

/** `parts` joined into one array at `offset` of `into` (sized for them), a slice at a time. */
export async function copyPaced(parts: readonly Uint8Array[], into: Uint8Array, offset: number): Promise<void> {
  const pacer = new Pacer();
  let at = offset;
  for (const part of parts) {
    for (let from = 0; from < part.length; from += SLICE_BYTES) {
      const piece = part.subarray(from, from + SLICE_BYTES);
      into.set(piece, at);
      at += piece.length;
      await pacer.handled(piece.length);
    }
  }
}

/** Up to this many bytes (an idle session's save keeps a few MB) are gzipped in one call. */
const ONE_CALL_BYTES = 16 * 2 ** 20;

/**
 * `parts` as gzip chunks at zlib's fastest level, in Node. Saves are packed in the worker (its
 * thread is the save's alone), so a small one is gzipped in one blocking call, without a round
 * trip to zlib's pool; a large one streams through the pool a slice at a time, without a
 * joined copy of it, and stops between slices once `signal` aborts.
 */
export async function gzipNode(parts: readonly Uint8Array[], signal?: AbortSignal): Promise<Uint8Array[]> {
  const zlib = await import(/* @vite-ignore */ 'node:zlib');
  if (parts.reduce((sum, part) => sum + part.length, 0) <= ONE_CALL_BYTES)
    return [zlib.gzipSync(parts.length === 1 ? parts[0] : joinBytes(parts), { level: 1 })];
  const out: Uint8Array[] = [];
  const gzip = zlib.createGzip({ level: 1, chunkSize: 2 ** 20 });
  const ended = new Promise<void>((resolve, reject) => {
    gzip.on('data', (chunk: Uint8Array) => out.push(chunk));
    gzip.once('end', resolve);
    gzip.once('error', reject);
  });
  const settled = ended.catch(() => undefined);
  for (const part of parts)
    for (let from = 0; from < part.length; from += SLICE_BYTES) {
      // A failed stream drains no more: its end is what to wait for then.
      if (!gzip.write(part.subarray(from, from + SLICE_BYTES))) await Promise.race([new Promise((resolve) => gzip.once('drain', resolve)), settled]);
      if (signal?.aborted) {
        gzip.destroy();
        signal.throwIfAborted();
      }
    }
  gzip.end();
  await ended;
  return out;
}

/** The SHA-256 of `parts` joined, hex, hashed a slice at a time. */
export async function sha256Paced(parts: readonly Uint8Array[]): Promise<string> {
  const { createHash } = await import(/* @vite-ignore */ 'node:crypto');
  const hash = createHash('sha256');
  const pacer = new Pacer();
  for (const part of parts) {
    for (let from = 0; from < part.length; from += SLICE_BYTES) {
      const piece = part.subarray(from, from + SLICE_BYTES);
      hash.update(piece);
      await pacer.handled(piece.length);
    }
  }
  return hash.digest('hex');
}

/**
 * `packed` (gzip) unpacked, failing as soon as it passes `maxBytes`: zlib on its thread pool, fed
 * and joined a slice at a time (a `Blob` of the payload alone copied it for a second on the main thread).
 */
export async function gunzipPaced(packed: Uint8Array, maxBytes: number): Promise<Uint8Array<ArrayBuffer>> {
  const chunks: Uint8Array[] = [];
  let total = 0;
  const take = (chunk: Uint8Array) => {
    total += chunk.length;
    if (total > maxBytes) throw new Error(`more than the ${maxBytes} bytes it declares`);
    chunks.push(chunk);
  };
  const { createGunzip } = await import(/* @vite-ignore */ 'node:zlib');
  const gunzip = createGunzip({ chunkSize: 2 ** 20 });
  let failed: Error | undefined;
  const ended = new Promise<void>((resolve, reject) => {
    gunzip.on('data', (chunk: Uint8Array) => {
      try {
        take(chunk);
      } catch (error) {
        failed = error as Error;
        gunzip.destroy(failed);
      }
    });
    gunzip.once('end', resolve);
    gunzip.once('error', reject);
    gunzip.once('close', () => (failed ? reject(failed) : undefined));
  });
  // A destroyed stream drains no more: its end is what to wait for then.
  const settled = ended.catch(() => undefined);
  for (let at = 0; at < packed.length && !failed; at += SLICE_BYTES) {
    if (!gunzip.write(packed.subarray(at, at + SLICE_BYTES))) await Promise.race([new Promise((resolve) => gunzip.once('drain', resolve)), settled]);
  }
  gunzip.end();
  await ended;
  const whole = new Uint8Array(total);
  await copyPaced(chunks, whole, 0);
  return whole;
}

/**
 * `packed` (gzip) unpacked as chunks of at most a megabyte, in Node: zlib on its thread pool,
 * each chunk taken only as the caller asks for it. Stopping early (a `return` or `break` of the
 * caller's loop) destroys the stream: Node's `DecompressionStream`, cancelled so, threw an
 * uncaught "Controller is already closed".
 */
export async function* gunzipChunks(packed: Uint8Array): AsyncGenerator<Uint8Array> {
  const { createGunzip } = await import(/* @vite-ignore */ 'node:zlib');
  const gunzip = createGunzip({ chunkSize: 2 ** 20 });
  gunzip.end(packed);
  yield* gunzip as AsyncIterable<Uint8Array>;
}
