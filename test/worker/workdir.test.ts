/**
 * worker/python/workdir.py on its own, in a bare Pyodide: which files a run changed. The file
 * system stamps files in whole milliseconds, so a rewrite within the millisecond of the walk, at
 * the same size, must still show.
 */
import { readFileSync } from 'node:fs';
import type { PyodideInterface } from 'pyodide';
import { loadPyodide } from 'pyodide';
import { beforeAll, describe, expect, it } from 'vitest';

let pyodide: PyodideInterface;
beforeAll(async () => {
  pyodide = await loadPyodide();
  pyodide.FS.mkdirTree('/sandbox-py');
  pyodide.FS.writeFile('/sandbox-py/workdir.py', readFileSync(new URL('../../worker/python/workdir.py', import.meta.url), 'utf8'));
  pyodide.runPython('import sys; sys.path.insert(0, "/sandbox-py"); import os; os.makedirs("/wd", exist_ok=True)');
});

/** Changed paths after each of 20 same-size rewrites, each right after the walk before it (`first` makes the starting walk). */
const changedPathsOfRewrites = (first: string) =>
  pyodide
    .runPython(
      `
import workdir
${first}
seen = []
for i in range(20):
    with open("/wd/tick.txt", "w") as f:
        f.write(f"tick {i % 10}")
    files, _, _, before = workdir.changed_files("/wd", before, 10**6, 10**7, 100, set())
    seen.append([f["path"] for f in files])
seen
`,
    )
    .toJs() as string[][];

describe('changed files', () => {
  it('reports a file rewritten at the same size right after the walk that started the run', () => {
    expect(changedPathsOfRewrites('before = workdir.snapshot("/wd", 100)')).toEqual(Array.from({ length: 20 }, () => ['tick.txt']));
  });

  it('does not report a file nobody touched since the last walk', () => {
    const unchanged = pyodide.runPython(`
import workdir
before = workdir.snapshot("/wd", 100)
files, _, _, before = workdir.changed_files("/wd", before, 10**6, 10**7, 100, set())
files, _, _, before = workdir.changed_files("/wd", before, 10**6, 10**7, 100, set())
len(files)
`);
    expect(unchanged).toBe(0);
  });

  it('reports a file the watch saw written even when its stamp and size were put back', () => {
    const paths = pyodide
      .runPython(`
import os, workdir
before = workdir.snapshot("/wd", 100)
st = os.stat("/wd/tick.txt")
with open("/wd/tick.txt", "w") as f:
    f.write("x" * st.st_size)
os.utime("/wd/tick.txt", ns=(st.st_atime_ns, st.st_mtime_ns))
files, _, _, before = workdir.changed_files("/wd", before, 10**6, 10**7, 100, workdir.written_paths("/wd", '["/wd/tick.txt"]'))
[f["path"] for f in files]
`)
      .toJs();
    expect(paths).toEqual(['tick.txt']);
  });

  it('reports every file when the watch cannot say which were written', () => {
    const count = pyodide.runPython(`
import workdir
before = workdir.snapshot("/wd", 100)
files, _, _, before = workdir.changed_files("/wd", before, 10**6, 10**7, 100, workdir.written_paths("/wd", "*"))
len(files)
`);
    expect(count).toBeGreaterThan(0);
  });
});

/** `code` in /wd2 (made empty), then what it asks for, as JSON. */
const inFreshFolder = (code: string) =>
  JSON.parse(pyodide.runPython(`import json, os, shutil, workdir\nshutil.rmtree("/wd2", ignore_errors=True)\nos.makedirs("/wd2")\n${code}`) as string);

describe('entries that are not regular files', () => {
  it('passes over symlinks and devices, naming each once, and lists only files', () => {
    const [first, again, listed] = inFreshFolder(`
os.symlink("/dev/urandom", "/wd2/urandom")
os.symlink("/wd2", "/wd2/self")
open("/wd2/out.txt", "w").write("out")
files, notes, removed, now = workdir.changed_files("/wd2", {}, 10**6, 10**7, 100, None)
first = [[f["path"] for f in files], notes, removed]
files, notes, removed, now = workdir.changed_files("/wd2", now, 10**6, 10**7, 100, None)
json.dumps([first, [[f["path"] for f in files], notes, removed], workdir.list_files("/wd2", 100)])
`);
    expect(first).toEqual([
      ['out.txt'],
      ['[self not returned: a symbolic link, not a regular file]', '[urandom not returned: a symbolic link, not a regular file]'],
      [],
    ]);
    expect(again).toEqual([['out.txt'], [], []]);
    expect(listed).toEqual([{ path: 'out.txt', size: 3 }]);
  });

  it('omits a file it cannot read, and returns the others', () => {
    const [paths, omitted] = inFreshFolder(`
open("/wd2/a.txt", "w").write("a")
open("/wd2/b.txt", "w").write("b")
os.chmod("/wd2/a.txt", 0)
files = workdir.changed_files("/wd2", {}, 10**6, 10**7, 100, None)[0]
json.dumps([[f["path"] for f in files], [f.get("omitted") for f in files]])
`);
    expect(paths).toEqual(['a.txt', 'b.txt']);
    expect(omitted).toEqual([expect.stringMatching(/^could not be read/), null]);
  });

  it('does not count a symlink that went away as a removed file', () => {
    const removed = inFreshFolder(`
os.symlink("/nowhere", "/wd2/link")
before = workdir.snapshot("/wd2", 100)
os.remove("/wd2/link")
json.dumps(workdir.changed_files("/wd2", before, 10**6, 10**7, 100, None)[2])
`);
    expect(removed).toEqual([]);
  });
});
