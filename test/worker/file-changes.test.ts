/**
 * worker/files/file-changes.ts in a bare Pyodide: every way Python can change a file is seen, so a run
 * that skips the walk of the working directory never misses a file; reading and printing are not changes.
 */
import type { PyodideInterface } from 'pyodide';
import { loadPyodide } from 'pyodide';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type FileChanges, type WatchedFS, watchFileChanges } from '../../worker/files/file-changes.js';

let pyodide: PyodideInterface;
let takeChanged: () => FileChanges;
beforeAll(async () => {
  pyodide = await loadPyodide();
  takeChanged = watchFileChanges(pyodide.FS as unknown as WatchedFS);
});

beforeEach(() => {
  pyodide.runPython(`
import os, shutil
shutil.rmtree("/wd", ignore_errors=True)
os.makedirs("/wd/sub")
with open("/wd/old.txt", "w") as f:
    f.write("0123456789")
os.chdir("/wd")
`);
  takeChanged();
});

describe('file changes', () => {
  it('says "changed, files unknown" once after watching begins, then nothing until a change', () => {
    const fresh = watchFileChanges({ open: () => undefined, write: () => undefined });
    expect([fresh(), fresh()]).toEqual(['*', null]);
  });

  it.each([
    ['reading a file', 'open("old.txt").read()'],
    ['listing and stat-ing', 'os.listdir("."), os.stat("old.txt"), os.path.exists("nope")'],
    ['printing, from Python and from C', 'print("hi"); os.write(1, b"raw\\n")'],
    ['opening for writing without writing', 'open("old.txt", "r+").close()'],
  ])('does not count %s as a change', (_what, code) => {
    pyodide.runPython(`import os\n${code}`);
    expect(takeChanged()).toBeNull();
  });

  it.each([
    ['creating an empty file', 'open("new.txt", "w").close()'],
    ['appending', 'open("old.txt", "a").write("!")'],
    ['writing at an offset', 'f = open("old.txt", "r+b"); f.seek(3); f.write(b"x"); f.close()'],
    ['writing through a file descriptor', 'fd = os.open("old.txt", os.O_WRONLY); os.write(fd, b"z"); os.close(fd)'],
    ['truncating by path', 'os.truncate("old.txt", 2)'],
    ['truncating an open file', 'f = open("old.txt", "r+"); f.truncate(1); f.close()'],
    ['setting a stamp', 'os.utime("old.txt", (1, 1))'],
    ['renaming', 'os.rename("old.txt", "sub/moved.txt")'],
    ['deleting a file', 'os.remove("old.txt")'],
    ['deleting a folder', 'os.rmdir("sub")'],
    ['making a folder', 'os.mkdir("made")'],
    ['making a symlink', 'os.symlink("/tmp", "link")'],
    ['copying', 'import shutil; shutil.copy("old.txt", "copy.txt")'],
    ['writing through mmap', 'import mmap\nwith open("old.txt", "r+b") as f:\n    m = mmap.mmap(f.fileno(), 0)\n    m[0:1] = b"M"\n    m.close()'],
    ['writing outside the folder (a symlink may lead there)', 'open("/tmp/elsewhere.txt", "w").write("x")'],
    ['writing with pyodide.FS', 'import pyodide_js; pyodide_js.FS.writeFile("/wd/js.txt", "x")'],
  ])('counts %s as a change', (_what, code) => {
    pyodide.runPython(`import os\n${code}`);
    expect(takeChanged()).not.toBeNull();
  });

  // A stamp and a size can be put back; the write itself cannot be hidden.
  it.each([
    [
      'rewriting at the same size, then putting the stamp back',
      'st = os.stat("old.txt")\nopen("old.txt", "w").write("9876543210")\nos.utime("old.txt", ns=(st.st_atime_ns, st.st_mtime_ns))',
    ],
    ['writing at an offset through a descriptor', 'fd = os.open("old.txt", os.O_WRONLY); os.write(fd, b"z"); os.close(fd)'],
    ['truncating an open file', 'f = open("old.txt", "r+"); f.truncate(1); f.close()'],
    ['truncating by path', 'os.truncate("old.txt", 2)'],
    ['renaming another file onto it', 'open("other.txt", "w").close(); os.rename("other.txt", "old.txt")'],
    ['only setting its stamp', 'os.utime("old.txt", (1, 1))'],
  ])('names the file as written after %s', (_what, code) => {
    pyodide.runPython(`import os\n${code}`);
    expect(JSON.parse(takeChanged()!)).toContain('/wd/old.txt');
  });

  it('names nothing after a run that only read', () => {
    pyodide.runPython('open("/wd/old.txt").read()');
    expect(takeChanged()).toBeNull();
  });
});
