/**
 * What an app's bundler meets in the browser build (the `default` export condition): no Node code,
 * the worker and runtime named the way bundlers copy assets, and nothing of this build machine.
 * Needs the built `dist/`.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';

const DIST = fileURLToPath(new URL('../../dist/', import.meta.url));
const REPO = dirname(DIST.replace(/\/$/, ''));

/** An entry and every chunk it imports, as source text. */
function moduleGraph(entry: string, seen = new Map<string, string>()): Map<string, string> {
  if (seen.has(entry)) return seen;
  const source = readFileSync(join(DIST, entry), 'utf8');
  seen.set(entry, source);
  for (const [, path] of source.matchAll(/(?:from|import)\s*\(?\s*["']\.\/([^"']+\.js)["']/g)) moduleGraph(path, seen);
  return seen;
}

describe.each(['index.js', 'sandbox.js', 'adk.js'])('the browser build, %s', (entry) => {
  const graph = moduleGraph(entry);

  test('imports nothing from node:', () => {
    for (const [file, source] of graph) expect(source, file).not.toMatch(/["']node:/);
  });

  test('names the worker and each runtime file with a literal new URL(…, import.meta.url) a bundler copies', () => {
    const all = [...graph.values()].join('\n');
    // The big runtime files as the browser loads them: gzipped (static hosts send files as they are).
    for (const file of [
      './worker.js',
      './pyodide/pyodide.mjs',
      './pyodide/pyodide.asm.mjs.gz',
      './pyodide/pyodide.asm.wasm.gz',
      './pyodide/python_stdlib.zip',
      './pyodide/pyodide-lock.json.gz',
    ]) {
      expect(all).toContain(`new URL("${file}", import.meta.url)`);
    }
    expect(all).not.toContain('@vite-ignore */ "./');
  });

  test('holds no path of the machine that built it', () => {
    for (const [file, source] of graph) expect(source, file).not.toContain(REPO);
  });
});

test("the main entry leaves @google/genai to the app (a peer dependency: one copy, the app's classes)", () => {
  expect(readFileSync(join(DIST, 'index.js'), 'utf8')).toMatch(/from ["']@google\/genai["']/);
  expect([...moduleGraph('sandbox.js').values()].join('\n')).not.toMatch(/@google\/genai["']/);
});

test('the worker ships its own Python without docstrings or comments (every first visit downloads it), and all of it', () => {
  const worker = readFileSync(join(DIST, 'worker.js'), 'utf8');
  const source = readFileSync(join(REPO, 'worker/python/charts.py'), 'utf8');
  const docstring = source.split('\n')[0].replace(/^"""/, '');
  const comment = source.split('\n').find((line) => line.trimStart().startsWith('# '));
  expect(comment).toBeDefined();
  for (const text of [docstring, comment?.trim() as string]) expect(worker).not.toContain(JSON.stringify(text).slice(1, -1));
  expect(worker).toContain('class ChartCollector:');
  expect(worker).toContain('def chart_spec(obj: Any, dicts: bool=True) -> tuple[dict, int] | None:');
});
