import { openAsBlob } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { dataSegments, dataSegmentsOfStream } from '../../src/shared/memory/wasm-data.js';

/** A module with one memory and three data segments: active at 16, passive, active (memory 0 named) at 1000. */
const MODULE = new Uint8Array([
  ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
  ...[0x05, 0x03, 0x01, 0x00, 0x01], // memory section: one memory, at least 1 page
  ...[0x0b, 0x15, 0x03], // data section (21 bytes), 3 segments
  ...[0x00, 0x41, 0x10, 0x0b, 0x03, 1, 2, 3], // active, i32.const 16
  ...[0x01, 0x02, 9, 9], // passive
  ...[0x02, 0x00, 0x41, 0xe8, 0x07, 0x0b, 0x01, 7], // active in memory 0, i32.const 1000
  ...[0x00, 0x04, 0x03, 0x61, 0x62, 0x63], // a custom section after it
]);

describe("a wasm module's data segments", () => {
  it('is a well-formed module (the fixture)', () => {
    expect(WebAssembly.validate(MODULE)).toBe(true);
  });

  it('lists the active segments with their addresses and bytes, leaving out passive ones, and joins close ones, the gap zeros', async () => {
    const segments = await dataSegments(MODULE);
    // Two segments, at 16 and 1000: a gap of 981 bytes (under a page) is read as zeros between them.
    const joined = new Array(1000 - 16 + 1).fill(0);
    joined.splice(0, 3, 1, 2, 3);
    joined[1000 - 16] = 7;
    expect(segments.map(({ address, bytes }) => ({ address, bytes: [...bytes] }))).toEqual([{ address: 16, bytes: joined }]);
  });

  it('reads the same from a Blob as from bytes', async () => {
    expect(await dataSegments(new Blob([MODULE]))).toEqual(await dataSegments(MODULE));
  });

  it('is what instantiation writes into memory', async () => {
    const { instance } = await WebAssembly.instantiate(
      new Uint8Array([...MODULE.subarray(0, 13), ...[0x07, 0x07, 0x01, 0x03, 0x6d, 0x65, 0x6d, 0x02, 0x00], ...MODULE.subarray(13)]),
    );
    const memory = new Uint8Array((instance.exports.mem as WebAssembly.Memory).buffer);
    for (const { address, bytes } of await dataSegments(MODULE)) expect(memory.subarray(address, address + bytes.length)).toEqual(bytes);
  });

  it('reads the same from a stream, whatever its chunks', async () => {
    const oneByteChunks = new ReadableStream<Uint8Array>({
      start(controller) {
        for (const byte of MODULE) controller.enqueue(new Uint8Array([byte]));
        controller.close();
      },
    });
    expect(await dataSegmentsOfStream(oneByteChunks)).toEqual(await dataSegments(MODULE));
    const wasm = await openAsBlob(createRequire(import.meta.url).resolve('pyodide/pyodide.asm.wasm'));
    // Compared as Buffers: a deep equality over megabytes, element by element, takes minutes.
    const flat = (segments: { address: number; bytes: Uint8Array }[]) => ({
      addresses: segments.map((s) => s.address),
      bytes: Buffer.concat(segments.map((s) => s.bytes)),
    });
    const [streamed, sliced] = [flat(await dataSegmentsOfStream(wasm.stream())), flat(await dataSegments(wasm))];
    expect(streamed.addresses).toEqual(sliced.addresses);
    expect(streamed.bytes.equals(sliced.bytes)).toBe(true);
  });

  it("finds Pyodide's static data, from the address Emscripten starts it at", async () => {
    const wasm = await openAsBlob(createRequire(import.meta.url).resolve('pyodide/pyodide.asm.wasm'));
    const segments = await dataSegments(wasm);
    expect(segments[0].address).toBe(1024);
    expect(segments.reduce((sum, s) => sum + s.bytes.length, 0)).toBeGreaterThan(1e6);
  });

  it("reads a Blob in a few slices, not one per section header (a stored Blob's reads go to disk)", async () => {
    const wasm = await openAsBlob(createRequire(import.meta.url).resolve('pyodide/pyodide.asm.wasm'));
    let slices = 0;
    const counted = new Proxy(wasm, {
      get(target, property) {
        if (property === 'slice') return (...args: Parameters<Blob['slice']>) => (slices++, target.slice(...args));
        const value = Reflect.get(target, property, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    expect((await dataSegments(counted)).length).toBe((await dataSegments(wasm)).length);
    expect(slices).toBeLessThanOrEqual(4);
  });

  it.each([
    ['bytes that are not a wasm module', new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8])],
    ['a module cut inside its data section', MODULE.subarray(0, 24)],
  ])('refuses %s', async (_name, bytes) => {
    await expect(dataSegments(bytes)).rejects.toThrow();
    await expect(dataSegmentsOfStream(new Blob([bytes]).stream())).rejects.toThrow();
  });
});
