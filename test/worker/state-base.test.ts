/**
 * A saved state stored against the boot snapshot (worker/snapshots/state-base.ts): a save keeps
 * only the 4 KiB pages that differ from the snapshot's memory, XORed with it, and the same base
 * turns them back into the memory. test/sandbox/saved-state.test.ts shows it on real interpreters.
 */
import { describe, expect, it } from 'vitest';
import { keptPages, wrapSnapshot } from '../../worker/snapshots/snapshot.js';
import { snapshotBody } from '../../worker/snapshots/memory-image.js';
import { StateBase, pagesOf, savedImage } from '../../worker/snapshots/state-base.js';

const key = { pyodideVersion: '314.0.7', sourceHash: 'abc' };
const PAGE = 4096;

/** A body shaped like Pyodide's snapshot: a header of `headerBytes` (u32 magic, u32 where the memory starts), then `memory`. */
function pyodideBody(memory: Uint8Array, headerBytes: number): Uint8Array {
  const out = new Uint8Array(headerBytes + memory.length);
  new DataView(out.buffer).setUint32(4, headerBytes, true);
  out.set(memory, headerBytes);
  return out;
}

/** The base made from a snapshot of `memory` (behind a header of `headerBytes`), wrapped with `segments`. */
function baseOf(memory: Uint8Array, headerBytes: number, segments: { address: number; bytes: Uint8Array }[] = []): StateBase {
  const kept = keptPages(key, wrapSnapshot(key, pyodideBody(memory, headerBytes), segments));
  if ('rejected' in kept || !kept.id) throw new Error('no snapshot');
  return new StateBase(kept as typeof kept & { id: string }, segments);
}

/** What a restore hands Pyodide for a save (`savedImage`), as one buffer: Pyodide's snapshot, its header then the memory. */
function restored(header: Uint8Array, memoryBytes: number, saved: { pageMap: Uint8Array; pages: Uint8Array }, base?: StateBase): Uint8Array {
  return snapshotBody(savedImage({ header, memoryBytes, ...saved }, base));
}

const countPages = (map: Uint8Array) => [...map].reduce((n, b) => n + b.toString(2).replaceAll('0', '').length, 0);
/** 300 KiB of memory that is not zeros. */
const booted = () => new Uint8Array(300 * 1024).map((_, i) => (i * 31) % 251);

describe('a saved state stored against the boot snapshot', () => {
  it('without a base keeps the pages that are not all zeros, as they are', () => {
    const heap = new Int8Array(10 * PAGE);
    heap[3 * PAGE + 7] = 1;
    heap[9 * PAGE] = -2;
    const saved = pagesOf(heap);
    expect(countPages(saved.pageMap)).toBe(2);
    expect(saved.pages.length).toBe(2 * PAGE);
    const header = pyodideBody(new Uint8Array(0), 128);
    expect(restored(header, heap.length, saved).subarray(128)).toEqual(new Uint8Array(heap.buffer));
  });

  it('keeps only the pages a program changed, mostly zeros once XORed, and the base brings the memory back', () => {
    const memory = booted();
    const base = baseOf(memory, 128);
    const now = memory.slice();
    now[5 * PAGE + 10] ^= 0xff;
    now[40 * PAGE] = 7;
    const saved = pagesOf(new Int8Array(now.buffer), base);
    expect(countPages(saved.pageMap)).toBe(2);
    expect(saved.pages.filter((b) => b !== 0).length).toBe(2);
    const header = pyodideBody(new Uint8Array(0), 128);
    expect(restored(header, now.length, saved, base).subarray(128)).toEqual(now);
  });

  it('lines the memory up by address when the save’s own header is longer than the snapshot’s (more JavaScript references)', () => {
    const memory = booted();
    const base = baseOf(memory, 128);
    const now = memory.slice();
    now[100] = 1;
    const saved = pagesOf(new Int8Array(now.buffer), base);
    expect(countPages(saved.pageMap)).toBe(1);
    const header = pyodideBody(new Uint8Array(0), 4096 + 48);
    expect(restored(header, now.length, saved, base).subarray(4096 + 48)).toEqual(now);
  });

  it('keeps a heap that grew past the snapshot as it is, and the snapshot’s data segments count as its memory', () => {
    const memory = booted();
    const data = new Uint8Array(6000).fill(9);
    memory.set(data, 2 * PAGE + 100);
    const base = baseOf(memory, 128, [{ address: 2 * PAGE + 100, bytes: data }]);
    const now = new Uint8Array(memory.length + 3 * PAGE);
    now.set(memory);
    now[memory.length + PAGE + 1] = 5;
    const saved = pagesOf(new Int8Array(now.buffer), base);
    expect(countPages(saved.pageMap)).toBe(1);
    const header = pyodideBody(new Uint8Array(0), 128);
    expect(restored(header, now.length, saved, base).subarray(128)).toEqual(now);
  });
});
