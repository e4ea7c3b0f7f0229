import { describe, expect, it } from 'vitest';
import { WorkdirMirror } from '../../src/sandbox/workdir-mirror.js';
import type { FileOutput } from '../../src/types.js';

const MB = 1024 * 1024;

/** A run's file entry of `bytes` zero bytes (valid base64, as validateRunResult lets through). */
function runFile(path: string, bytes: number): FileOutput {
  return { path, mimeType: 'application/octet-stream', size: bytes, data: Buffer.alloc(bytes).toString('base64') };
}

describe('WorkdirMirror', () => {
  it('keeps what writeFile wrote whatever its size', () => {
    const mirror = new WorkdirMirror(1 * MB);
    mirror.written('big.bin', new Uint8Array(3 * MB));
    expect([...mirror.files()].map(([path, data]) => [path, data.length])).toEqual([['big.bin', 3 * MB]]);
  });

  it('counts a file a run rewrote against the budget, even under a path writeFile once wrote', () => {
    const mirror = new WorkdirMirror(25 * MB);
    mirror.written('a.bin', new Uint8Array(1));
    mirror.written('b.bin', new Uint8Array(1));
    mirror.afterRun([runFile('a.bin', 20 * MB)], []);
    mirror.afterRun([runFile('b.bin', 20 * MB)], []);
    expect([...mirror.files()].map(([path, data]) => [path, data.length])).toEqual([['a.bin', 20 * MB]]);
    expect(mirror.describeRestore()).toMatch(/except b\.bin, which could not be kept/);
  });

  it("decodes a run's files only when a restore takes them", () => {
    const mirror = new WorkdirMirror(25 * MB);
    mirror.afterRun([{ path: 'x.txt', mimeType: 'text/plain', size: 5, data: 'aGVsbG8=' }], []);
    const [[path, data]] = [...mirror.files()];
    expect([path, new TextDecoder().decode(data)]).toEqual(['x.txt', 'hello']);
  });

  it('does not write back a path outside the working directory', () => {
    const mirror = new WorkdirMirror(25 * MB);
    mirror.afterRun([{ ...runFile('../../etc/passwd', 3), path: '../../etc/passwd' }], []);
    expect([...mirror.files()]).toEqual([]);
  });
});
