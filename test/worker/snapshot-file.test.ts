import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gunzipSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { readSnapshotFile } from '../../worker/boot/snapshot-file.js';

const folder = mkdtempSync(join(tmpdir(), 'snapshot-file-'));
const file = (name: string, bytes: Uint8Array) => {
  writeFileSync(join(folder, name), bytes);
  return pathToFileURL(join(folder, name)).href;
};

describe('a gzipped snapshot file the worker reads itself', () => {
  it('is unpacked whole, the bytes of the snapshot shipped with the package', async () => {
    const shipped = new URL('../../dist/pyodide/sandbox-snapshot.bin.gz', import.meta.url);
    expect(Buffer.from(await readSnapshotFile(shipped.href)).equals(gunzipSync(readFileSync(shipped)))).toBe(true);
  });

  it('is unpacked across many chunks', async () => {
    const bytes = new Uint8Array(3e6).map((_, i) => (i * 7919) % 251);
    expect(Buffer.from(await readSnapshotFile(file('chunks.gz', gzipSync(bytes)))).equals(bytes)).toBe(true);
  });

  it.each([
    ['a file that is not gzip', new Uint8Array(64).fill(7)],
    ['an empty file', new Uint8Array(0)],
    ['a gzip whose trailer says more than 256 MB', Uint8Array.from([...gzipSync(new Uint8Array(10)).subarray(0, -4), 0xff, 0xff, 0xff, 0x7f])],
    ['a gzip whose trailer says less than it unpacks to', Uint8Array.from([...gzipSync(new Uint8Array(100)).subarray(0, -4), 10, 0, 0, 0])],
  ])('refuses %s', async (name, bytes) => {
    await expect(readSnapshotFile(file(`${name.replaceAll(' ', '-')}.gz`, bytes))).rejects.toThrow();
  });
});
