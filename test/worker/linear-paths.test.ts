/**
 * worker/files/linear-paths.ts: the runtime's `PATH.basename` and `PATH.dirname`, answered the same in
 * one pass, so files under long folder names are created in linear time.
 */
import { loadPyodide } from 'pyodide';
import { describe, expect, it } from 'vitest';
import { basename, dirname, useLinearPaths } from '../../worker/files/linear-paths.js';

/** Emscripten's own, as pyodide.asm.mjs defines them. */
const emscripten = {
  basename: (path: string) => path && path.match(/([^/]+|\/)\/*$/)![1],
  dirname: (path: string) => {
    const [, root, dir] = /^(\/?|)([\s\S]*?)((?:\.{1,2}|[^/]+?|)(\.[^./]*|))(?:[/]*)$/.exec(path)!;
    if (!root && !dir) return '.';
    return root + (dir ? dir.slice(0, -1) : dir);
  },
};

describe('PATH.basename and PATH.dirname', () => {
  it('answer what Emscripten’s regexes answer', () => {
    const paths = ['', '/', '///', 'a', '/a', 'a/', 'a//', '/a/b', '/a/b/', '/a//b//', '//a', 'a/b/c.txt', '.', '..', '/..', 'a/..', ' /x y', 'x\ny/z'];
    paths.push(`/${'d'.repeat(200)}/${'f'.repeat(200)}`);
    for (const path of paths) {
      expect(basename(path), `basename ${JSON.stringify(path)}`).toBe(emscripten.basename(path));
      expect(dirname(path), `dirname ${JSON.stringify(path)}`).toBe(emscripten.dirname(path));
    }
  });

  it('answer what the regexes answer for every path of up to 7 of `a`, `/` and `.`', () => {
    let paths = [''];
    for (let length = 1; length <= 7; length++) {
      paths = paths.flatMap((path) => ['a', '/', '.'].map((c) => path + c));
      for (const path of paths) {
        expect(basename(path), `basename ${JSON.stringify(path)}`).toBe(emscripten.basename(path));
        expect(dirname(path), `dirname ${JSON.stringify(path)}`).toBe(emscripten.dirname(path));
      }
    }
  });

  it('replace the runtime’s own, and Python creates, renames and climbs out of files under long folder names through them', async () => {
    const pyodide = await loadPyodide();
    const module = (pyodide as unknown as { _module: { PATH: { basename: unknown; dirname: unknown } } })._module;
    expect(String(module.PATH.basename)).toContain('match');
    useLinearPaths(module);
    expect(module.PATH).toMatchObject({ basename, dirname });
    const made = pyodide.runPython(
      'import os\nbase = "/tmp/" + "/".join(["d" * 200] * 4)\nos.makedirs(base)\nfor i in range(100): open(f"{base}/{i:03d}", "w").close()\nos.rename(f"{base}/000", f"{base}/../moved")\n(sorted(os.listdir(base))[-1], os.path.exists(f"{base}/../moved"), os.path.exists(f"{base}/../../" + "d" * 200 + "/moved"))',
    );
    expect(made.toJs()).toEqual(['099', true, true]);
  });
});
