/**
 * worker/path-basename.ts: the runtime's `PATH.basename`, answered the same in one pass, so files
 * under long folder names are created in linear time.
 */
import { loadPyodide } from 'pyodide';
import { describe, expect, it } from 'vitest';
import { basename, useLinearBasename } from '../../worker/path-basename.js';

/** Emscripten's own, as pyodide.asm.mjs defines it. */
const emscriptenBasename = (path: string) => path && path.match(/([^/]+|\/)\/*$/)![1];

describe('PATH.basename', () => {
  it('answers what Emscripten’s regex answers', () => {
    const paths = [
      '',
      '/',
      '///',
      'a',
      '/a',
      'a/',
      'a//',
      '/a/b',
      '/a/b/',
      '/a//b//',
      'a/b/c.txt',
      '.',
      '..',
      '/..',
      'a/./',
      ' /x y',
      `/${'d'.repeat(200)}/${'f'.repeat(200)}`,
    ];
    for (const path of paths) expect(basename(path), JSON.stringify(path)).toBe(emscriptenBasename(path));
  });

  it('answers what the regex answers for every path of up to 7 of `a`, `/` and `.`', () => {
    let paths = [''];
    for (let length = 1; length <= 7; length++) {
      paths = paths.flatMap((path) => ['a', '/', '.'].map((c) => path + c));
      for (const path of paths) expect(basename(path), JSON.stringify(path)).toBe(emscriptenBasename(path));
    }
  });

  it('replaces the runtime’s own, and Python creates files under long folder names through it', async () => {
    const pyodide = await loadPyodide();
    const module = (pyodide as unknown as { _module: { PATH: { basename: unknown } } })._module;
    expect(String(module.PATH.basename)).toContain('match');
    useLinearBasename(module);
    expect(module.PATH.basename).toBe(basename);
    const made = pyodide.runPython(
      'import os\nbase = "/tmp/" + "/".join(["d" * 200] * 4)\nos.makedirs(base)\nfor i in range(100): open(f"{base}/{i:03d}", "w").close()\nsorted(os.listdir(base))[-1]',
    );
    expect(made).toBe('099');
  });
});
