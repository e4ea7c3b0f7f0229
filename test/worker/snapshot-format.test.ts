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
