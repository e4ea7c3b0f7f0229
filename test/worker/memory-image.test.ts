/**
 * A memory snapshot handed to Pyodide in place (worker/snapshots/memory-image.ts): Pyodide gets the
 * header alone, and the memory is written into the heap when Pyodide restores the snapshot.
 * test/sandbox/snapshot.test.ts and saved-state.test.ts show it on real interpreters.
 */
import { describe, expect, it } from 'vitest';
import { type MemoryImage, loadingImage, snapshotBody } from '../../worker/snapshots/memory-image.js';

/** An image of `memory`, behind a 16-byte header. */
function imageOf(memory: number[]): MemoryImage {
  return {
    header: new Uint8Array(16).fill(7),
    length: memory.length,
    writeInto: (heap) => heap.set(memory),
  };
}

/** A stand-in for Pyodide's module: a heap left dirty by its start, and a restore that copies what follows the header. */
function fakeModule(heapBytes: number) {
  const given: Uint8Array[] = [];
  const module = {
    HEAPU8: new Uint8Array(heapBytes).fill(0xee),
    API: {
      restoreSnapshot(body: Uint8Array) {
        given.push(body);
        module.HEAPU8.set(body.subarray(16));
        return { config: true };
      },
    },
  };
  return { module, given };
}

async function restoreWith(image: MemoryImage, heapBytes: number) {
  const { module, given } = fakeModule(heapBytes);
  const options = loadingImage(image, async () => module);
  const created = (await options.createPyodideModule({})) as typeof module;
  const snapshot = await new Promise<Uint8Array | undefined>((resolve) => options._loadSnapshot.then(resolve));
  const config = created.API.restoreSnapshot(snapshot!);
  return { module, given, config, options };
}

describe('a memory image handed to Pyodide', () => {
  it("gives Pyodide the header alone, and writes the memory over the heap's start, zeros where the image has none", async () => {
    const { module, given, config } = await restoreWith(imageOf([1, 2, 0, 4]), 8);
    expect(config).toEqual({ config: true });
    expect(given).toEqual([new Uint8Array(16).fill(7)]);
    expect([...module.HEAPU8]).toEqual([1, 2, 0, 4, 0xee, 0xee, 0xee, 0xee]);
  });

  it('hands the header over once, and puts Pyodide’s own restore back', async () => {
    const { module, options } = await restoreWith(imageOf([1]), 4);
    expect(await new Promise((resolve) => options._loadSnapshot.then(resolve))).toBeUndefined();
    module.API.restoreSnapshot(new Uint8Array(17).fill(9));
    expect(module.HEAPU8[0]).toBe(9);
  });

  it('refuses an image larger than the heap, saying both sizes', async () => {
    await expect(restoreWith(imageOf([1, 2, 3, 4, 5]), 4)).rejects.toThrow(/snapshot's memory \(5 bytes\) does not fit the heap \(4 bytes\)/);
  });

  it('is the same memory as one buffer (`snapshotBody`): the header, then the image', () => {
    expect([...snapshotBody(imageOf([1, 2, 3]))]).toEqual([...new Array(16).fill(7), 1, 2, 3]);
  });
});
