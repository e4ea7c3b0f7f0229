/**
 * worker/files/workdir-read.ts in a bare Pyodide: a file over the host's bound is answered with its size
 * and never read, and only a regular file reached without symlinks is read.
 */
import type { PyodideInterface } from 'pyodide';
import { loadPyodide } from 'pyodide';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { type ReadableFS, readWorkdirFile } from '../../worker/files/workdir-read.js';

let FS: ReadableFS & { writeFile(path: string, data: Uint8Array): void; mkdirTree(path: string): void; symlink(target: string, path: string): void };
beforeAll(async () => {
  const pyodide: PyodideInterface = await loadPyodide();
  FS = pyodide.FS as unknown as typeof FS;
  FS.mkdirTree('/wd/real');
  FS.writeFile('/wd/real/big.bin', new Uint8Array(4096));
  FS.symlink('/wd/real', '/wd/via');
});

describe('readWorkdirFile', () => {
  it('answers a file over maxBytes with its size, without reading it', () => {
    const readFile = vi.spyOn(FS, 'readFile');
    expect(readWorkdirFile(FS, '/wd/real/big.bin', 4095)).toEqual({ tooLarge: true, size: 4096 });
    expect(readFile).not.toHaveBeenCalled();
    expect((readWorkdirFile(FS, '/wd/real/big.bin', 4096) as Uint8Array).length).toBe(4096);
    readFile.mockRestore();
  });

  it.each(['/wd/via/big.bin', '/wd/via', '/wd/real', '/wd/missing'])('says there is no file %s', (path) => {
    expect(() => readWorkdirFile(FS, path)).toThrow(expect.objectContaining({ name: 'FileNotFoundError' }));
  });
});
