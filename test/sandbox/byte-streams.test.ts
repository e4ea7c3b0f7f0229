/**
 * How the sandbox reads a packed file as it streams in (src/sandbox/downloads/byte-streams.ts): the first
 * bytes decide whether it is gzip, however the network cuts the stream into chunks.
 */
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { unpacked } from '../../src/sandbox/downloads/byte-streams.js';

const TEXT = new TextEncoder().encode('print("hello")\n'.repeat(20_000));

/** `bytes` as a stream of chunks of `size` bytes. */
function chunked(bytes: Uint8Array, size: number): ReadableStream<Uint8Array> {
  let at = 0;
  return new ReadableStream({
    pull(controller) {
      if (at >= bytes.length) return controller.close();
      controller.enqueue(bytes.slice(at, at + size));
      at += size;
    },
  });
}

const read = async (body: ReadableStream<Uint8Array> | undefined) => new Uint8Array(await new Response(body).arrayBuffer());

describe('a streamed file', () => {
  it('that is gzip is decompressed, even when it arrives a byte at a time', async () => {
    expect(await read(await unpacked(chunked(gzipSync(TEXT), 1)))).toEqual(TEXT);
  });

  it('that is not gzip is passed on as it is', async () => {
    expect(await read(await unpacked(chunked(TEXT, 3)))).toEqual(TEXT);
  });

  it('that is shorter than a magic number is passed on as it is', async () => {
    expect(await read(await unpacked(chunked(new Uint8Array([0x1f]), 1)))).toEqual(new Uint8Array([0x1f]));
  });

  it('that is empty is undefined', async () => {
    expect(await unpacked(chunked(new Uint8Array(0), 1))).toBeUndefined();
  });

  it('that is a cut-off gzip fails when it ends', async () => {
    const packed = gzipSync(TEXT);
    await expect(read(await unpacked(chunked(packed.subarray(0, packed.length - 10), 4096)))).rejects.toThrow();
  });
});
