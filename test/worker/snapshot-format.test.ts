import { describe, expect, it } from 'vitest';
import { hashSources, unwrapSnapshot, wrapSnapshot } from '../../worker/snapshot.js';

const key = { pyodideVersion: '314.0.7', sourceHash: 'abc' };
const body = new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]);

describe('snapshot format', () => {
  it('round-trips the body for the same key, 16-byte aligned', () => {
    const wrapped = wrapSnapshot(key, body);
    const out = unwrapSnapshot(key, wrapped);
    expect(out).toEqual({ body });
    expect((wrapped.length - body.length) % 16).toBe(0);
  });

  it('stores only the 64 KiB pages that are not all zeros, and restores the rest as zeros', () => {
    const PAGE = 65536;
    const big = new Uint8Array(5 * PAGE + 100);
    big[PAGE + 3] = 9; // page 1
    big[5 * PAGE + 99] = 4; // the partial last page
    const wrapped = wrapSnapshot(key, big);
    expect(wrapped.length).toBeLessThan(PAGE + 100 + 256);
    const out = unwrapSnapshot(key, wrapped);
    expect(out).toHaveProperty('body');
    expect((out as { body: Uint8Array }).body).toEqual(big);
  });

  it('rejects a snapshot whose kept pages are cut short or run long', () => {
    const big = new Uint8Array(3 * 65536).fill(1);
    const wrapped = wrapSnapshot(key, big);
    expect(unwrapSnapshot(key, wrapped.slice(0, wrapped.length - 1))).toEqual({ rejected: 'truncated' });
    const longer = new Uint8Array(wrapped.length + 16);
    longer.set(wrapped);
    expect(unwrapSnapshot(key, longer)).toEqual({ rejected: 'unexpected length' });
  });

  it('rejects a snapshot in the earlier, uncompressed format', () => {
    const header = new TextEncoder().encode(JSON.stringify(key));
    const old = new Uint8Array(Math.ceil((8 + header.length) / 16) * 16 + body.length);
    old.set([0x50, 0x53, 0x42, 0x58]);
    new DataView(old.buffer).setUint32(4, header.length, true);
    old.set(header, 8);
    expect(unwrapSnapshot(key, old)).toEqual({ rejected: 'an older snapshot format (1)' });
  });

  it('rejects a snapshot made by another Pyodide version', () => {
    expect(unwrapSnapshot({ ...key, pyodideVersion: '315.0.0' }, wrapSnapshot(key, body))).toEqual({ rejected: 'made by Pyodide 314.0.7, running 315.0.0' });
  });

  it('rejects a snapshot made for other sandbox sources', () => {
    expect(unwrapSnapshot({ ...key, sourceHash: 'def' }, wrapSnapshot(key, body))).toEqual({ rejected: 'made for other sandbox sources' });
  });

  it.each([
    ['random bytes', new Uint8Array(64).fill(7)],
    ['an empty file', new Uint8Array(0)],
    ['a truncated header', wrapSnapshot(key, body).slice(0, 12)],
  ])('rejects %s', (_name, bytes) => {
    expect(unwrapSnapshot(key, bytes)).toHaveProperty('rejected');
  });

  it('fingerprints sources independently of their order', () => {
    expect(hashSources({ 'a.py': '1', 'b.py': '2' })).toBe(hashSources({ 'b.py': '2', 'a.py': '1' }));
    expect(hashSources({ 'a.py': '1' })).not.toBe(hashSources({ 'a.py': '2' }));
  });
});
