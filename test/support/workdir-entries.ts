/**
 * Entries a cell can leave in the working directory that are not regular files, for the tests of
 * the walk that finds a run's files (in Node and in browsers: the same worker code runs in both).
 */
import { expect } from 'vitest';

/** Code that swallows KeyboardInterrupt, so a deadline ends in a terminate and a new interpreter. */
export const SWALLOWS_INTERRUPTS = 'while True:\n    try:\n        while True: pass\n    except BaseException:\n        pass';

/** A file a run writes before the hostile one; it must survive a restart after it. */
export const EARLIER_FILE_CELL = 'open("secret.txt", "w").write("kept")';

/**
 * Symlinks to devices that never end (`/dev/urandom`, `/dev/zero`), to a file and a folder outside
 * the working directory, one that points nowhere and one that points at itself; a device node
 * (through Emscripten's FS: Python's `os.mknod` and `os.mkfifo` do not exist in Pyodide, and
 * its MEMFS refuses FIFOs); a file far over `maxFileBytes`; and the run's real output.
 */
export const NOT_FILES_CELL = [
  'import os',
  'os.symlink("/dev/urandom", "urandom")',
  'os.symlink("/dev/zero", "zero")',
  'os.symlink(os.__file__, "stdlib.txt")',
  'os.symlink("/lib", "lib")',
  'os.symlink("/nowhere", "nowhere")',
  'os.symlink("loop", "loop")',
  'from pyodide_js import FS',
  'FS.mkdev(os.getcwd() + "/random", 0o666, FS.lstat("/dev/urandom").rdev)',
  'with open("big.bin", "wb") as f: f.truncate(64 * 1024 * 1024)',
  'open("report.txt", "w").write("done")',
].join('\n');

/** What the walk passes over in `NOT_FILES_CELL`, each named in the run's output. */
export const NOT_FILES = ['lib', 'loop', 'nowhere', 'random', 'stdlib.txt', 'urandom', 'zero'];

/** Under this, the walk of `NOT_FILES_CELL` is fast (it took 20-50 s, or never ended, reading a device). */
export const NOT_FILES_RUN_MS = 5000;

/** What a run of {@link NOT_FILES_CELL} returns, in Node or from a page. */
interface NotFilesRun {
  error?: unknown;
  stateLost: boolean;
  durationMs: number;
  output: string;
  files: { path: string; omitted?: unknown }[];
}

/** The run of {@link NOT_FILES_CELL} passed over every entry that is not a file, naming each, and returned the real ones quickly. */
export function expectNotFilesPassedOver(r: NotFilesRun): void {
  expect(r.error).toBeUndefined();
  expect(r.stateLost).toBe(false);
  expect(r.durationMs).toBeLessThan(NOT_FILES_RUN_MS);
  expect(r.files.map((f) => [f.path, f.omitted === undefined])).toEqual([
    ['big.bin', false],
    ['report.txt', true],
  ]);
  for (const name of NOT_FILES) expect(r.output).toContain(`[${name} not returned: `);
}
