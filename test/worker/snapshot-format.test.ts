import { describe, expect, it } from 'vitest';
import { hashSources, unwrapSnapshot, wrapSnapshot } from '../../worker/snapshots/snapshot.js';

const key = { pyodideVersion: '314.0.7', sourceHash: 'abc' };
const body = new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]);
/** Wraps a copy (wrapping uses up its body) with no data segments. */
const wrap = (k: typeof key, b: Uint8Array) => wrapSnapshot(k, b.slice(), []);
const unwrap = (k: typeof key, b: Uint8Array) => unwrapSnapshot(k, b, []);
/** What an unwrapped snapshot is: its body, and the id made with it (which a saved state names, state-base.ts). */
const unwrapped = (b: Uint8Array) => ({ body: b, id: expect.stringMatching(/^[0-9a-f]{32}$/) });

/** A body shaped like Pyodide's: a 128-byte header (u32 magic, u32 where the memory starts), then `memory`. */
function pyodideBody(memory: Uint8Array): Uint8Array {
  const out = new Uint8Array(128 + memory.length);
  new DataView(out.buffer).setUint32(4, 128, true);
  out.set(memory, 128);
  return out;
}

describe('snapshot format', () => {
  it('round-trips the body for the same key, 16-byte aligned', () => {
    const wrapped = wrap(key, body);
    const out = unwrap(key, wrapped);
    expect(out).toEqual(unwrapped(body));
    expect((wrapped.length - body.length) % 16).toBe(0);
  });

  it('stores only the 64 KiB pages that are not all zeros, and restores the rest as zeros', () => {
    const PAGE = 65536;
    const big = new Uint8Array(5 * PAGE + 100);
    big[PAGE + 3] = 9; // page 1
    big[5 * PAGE + 99] = 4; // the partial last page
    const wrapped = wrap(key, big);
    expect(wrapped.length).toBeLessThan(PAGE + 100 + 256);
    const out = unwrap(key, wrapped);
    expect(out).toHaveProperty('body');
    expect((out as { body: Uint8Array }).body).toEqual(big);
  });

  it("stores the memory as its difference from the wasm's data segments: memory equal to them takes no page", () => {
    const PAGE = 65536;
    const memory = new Uint8Array(4 * PAGE);
    const data = new Uint8Array(PAGE).map((_, i) => (i * 7) % 251 || 1);
    memory.set(data, 2 * PAGE - 128); // the segment's page in the body: 2
    memory[3 * PAGE + 5] = 3; // and a change of the program's own, on page 3
    const segments = [{ address: 2 * PAGE - 128, bytes: data }];
    const original = pyodideBody(memory);
    const wrapped = wrapSnapshot(key, original.slice(), segments);
    // Page 0 (Pyodide's header) and page 3 only.
    expect(wrapped.length).toBeLessThan(2 * PAGE + 256);
    expect(unwrapSnapshot(key, wrapped, segments)).toEqual(unwrapped(original));
  });

  it('keeps the bytes a program changed inside a data segment', () => {
    const data = new Uint8Array(64).fill(5);
    const memory = new Uint8Array(1024 + 64).fill(0);
    memory.set(data, 1024);
    memory[1030] = 6;
    const original = pyodideBody(memory);
    const segments = [{ address: 1024, bytes: data }];
    expect(unwrapSnapshot(key, wrapSnapshot(key, original.slice(), segments), segments)).toEqual(unwrapped(original));
  });

  it('rejects a snapshot whose kept pages are cut short or run long', () => {
    const big = new Uint8Array(3 * 65536).fill(1);
    const wrapped = wrap(key, big);
    expect(unwrap(key, wrapped.slice(0, wrapped.length - 1))).toEqual({ rejected: 'truncated' });
    const longer = new Uint8Array(wrapped.length + 16);
    longer.set(wrapped);
    expect(unwrap(key, longer)).toEqual({ rejected: 'unexpected length' });
  });

  it('rejects a snapshot in the earlier, uncompressed format', () => {
    const header = new TextEncoder().encode(JSON.stringify(key));
    const old = new Uint8Array(Math.ceil((8 + header.length) / 16) * 16 + body.length);
    old.set([0x50, 0x53, 0x42, 0x58]);
    new DataView(old.buffer).setUint32(4, header.length, true);
    old.set(header, 8);
    expect(unwrap(key, old)).toEqual({ rejected: 'an older snapshot format (1)' });
  });

  it('rejects a snapshot in the format before memory was stored against the data segments', () => {
    const header = new TextEncoder().encode(JSON.stringify({ ...key, format: 2, size: 8 }));
    const old = new Uint8Array(8 + header.length + 64);
    old.set([0x50, 0x53, 0x42, 0x58]);
    new DataView(old.buffer).setUint32(4, header.length, true);
    old.set(header, 8);
    expect(unwrap(key, old)).toEqual({ rejected: 'an older snapshot format (2)' });
  });

  it('gives each snapshot an id of its own', () => {
    const id = (b: Uint8Array) => (unwrap(key, b) as { id: string }).id;
    expect(id(wrap(key, body))).not.toBe(id(wrap(key, body)));
  });

  it('rejects a snapshot made by another Pyodide version', () => {
    expect(unwrap({ ...key, pyodideVersion: '315.0.0' }, wrap(key, body))).toEqual({ rejected: 'made by Pyodide 314.0.7, running 315.0.0' });
  });

  it('rejects a snapshot made for other sandbox sources', () => {
    expect(unwrap({ ...key, sourceHash: 'def' }, wrap(key, body))).toEqual({ rejected: 'made for other sandbox sources' });
  });

  it.each([
    ['random bytes', new Uint8Array(64).fill(7)],
    ['an empty file', new Uint8Array(0)],
    ['a truncated header', wrap(key, body).slice(0, 12)],
  ])('rejects %s', (_name, bytes) => {
    expect(unwrap(key, bytes)).toHaveProperty('rejected');
  });

  it('fingerprints sources independently of their order', () => {
    expect(hashSources({ 'a.py': '1', 'b.py': '2' })).toBe(hashSources({ 'b.py': '2', 'a.py': '1' }));
    expect(hashSources({ 'a.py': '1' })).not.toBe(hashSources({ 'a.py': '2' }));
  });
});
