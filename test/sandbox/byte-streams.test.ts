/**
 * How the sandbox reads a packed file as it streams in (src/sandbox/byte-streams.ts): the first
 * bytes decide the format, however the network cuts the stream into chunks.
 */
import { compress, init } from '@bokuweb/zstd-wasm';
import { gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { unpacked, zstdWindowBytes } from '../../src/sandbox/byte-streams.js';

const TEXT = new TextEncoder().encode('print("hello")\n'.repeat(20_000));

beforeAll(() => init());

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
  it('that is zstd is decompressed, even when it arrives a byte at a time', async () => {
    expect(await read(await unpacked(chunked(compress(TEXT, 3), 1), 1e6))).toEqual(TEXT);
  });

  it('that is gzip is decompressed, even when it arrives a byte at a time', async () => {
    expect(await read(await unpacked(chunked(gzipSync(TEXT), 1), 1e6))).toEqual(TEXT);
  });

  it('that is neither is passed on as it is', async () => {
    expect(await read(await unpacked(chunked(TEXT, 3), 1e6))).toEqual(TEXT);
  });

  it('that is shorter than a magic number is passed on as it is', async () => {
    expect(await read(await unpacked(chunked(new Uint8Array([0x28, 0xb5]), 1), 1e6))).toEqual(new Uint8Array([0x28, 0xb5]));
  });

  it('that is empty is undefined', async () => {
    expect(await unpacked(chunked(new Uint8Array(0), 1), 1e6)).toBeUndefined();
  });

  it('that is a cut-off zstd frame fails when it ends', async () => {
    const packed = compress(TEXT, 3);
    await expect(read(await unpacked(chunked(packed.subarray(0, packed.length - 10), 4096), 1e6))).rejects.toThrow(/not a valid zstd stream/);
  });
});

describe("a zstd frame's window", () => {
  it('is read from its window descriptor', () => {
    // Exponent 10 + 13 = 8 MiB, mantissa 1: plus an eighth.
    expect(zstdWindowBytes(new Uint8Array([0x28, 0xb5, 0x2f, 0xfd, 0x00, (13 << 3) | 1]))).toBe(8 * 2 ** 20 * 1.125);
  });

  it('is its content size when it is a single segment', () => {
    const packed = compress(TEXT, 3);
    expect(zstdWindowBytes(packed)).toBe(TEXT.length);
  });

  it('is undefined for a header that is cut off', () => {
    expect(zstdWindowBytes(new Uint8Array([0x28, 0xb5, 0x2f, 0xfd, 0xe0]))).toBeUndefined();
  });
});
