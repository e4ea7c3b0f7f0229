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
