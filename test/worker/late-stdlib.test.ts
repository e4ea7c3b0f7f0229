/**
 * worker/late-stdlib.ts with a real interpreter: a restore that gets an empty standard library
 * imports from the real one once it is written over it; a fresh boot waits for the real one.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { loadPyodide } from 'pyodide';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { LateStdlib } from '../../worker/late-stdlib.js';

const STDLIB = new Uint8Array(readFileSync(createRequire(import.meta.url).resolve('pyodide/python_stdlib.zip')));
/** Where Pyodide is told the standard library is: fetched, so the test's fetch answers it. */
const STDLIB_URL = 'https://stdlib.invalid/python_stdlib.zip';
const realFetch = globalThis.fetch;
let snapshot: Uint8Array;

beforeAll(async () => {
  const pyodide = await loadPyodide({ _makeSnapshot: true } as Parameters<typeof loadPyodide>[0]);
  snapshot = (pyodide as unknown as { makeMemorySnapshot(): Uint8Array }).makeMemorySnapshot();
}, 60_000);
afterEach(() => {
  globalThis.fetch = realFetch;
});

/** Pyodide's fetch of the standard library answered by `late`. */
function serveFrom(late: LateStdlib): void {
  globalThis.fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    if (url === STDLIB_URL) return new Response(await late.forPyodide());
    return realFetch(input, init);
  }) as typeof fetch;
}

const restore = (late: LateStdlib) => late.restore(() => loadPyodide({ _loadSnapshot: snapshot.slice(), stdLibURL: STDLIB_URL } as Parameters<typeof loadPyodide>[0]));

describe('a standard library that comes after the rest', () => {
  it('a restore does not wait for it, and imports from it once it is written in', async () => {
    const late = new LateStdlib();
    serveFrom(late);
    const pyodide = await restore(late);
    let installed = false;
    const installing = late.whenInstalled().then(() => (installed = true));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(installed).toBe(false);
    late.arrive(new Blob([STDLIB]));
    await installing;
    expect(pyodide.runPython('import statistics; statistics.mean([1, 2, 3, 4])')).toBe(2.5);
  }, 60_000);

  it('a restore after it arrived gets it at once, with nothing left to install', async () => {
    const late = new LateStdlib();
    late.arrive(STDLIB);
    serveFrom(late);
    const pyodide = await restore(late);
    await late.whenInstalled();
    expect(pyodide.runPython('import fractions; str(fractions.Fraction(1, 3))')).toBe('1/3');
  }, 60_000);

  it('outside a restore (a fresh boot imports from it), Pyodide waits for the real one', async () => {
    const late = new LateStdlib();
    let served = false;
    const serving = late.forPyodide().then((bytes) => (served = bytes === STDLIB));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(served).toBe(false);
    late.arrive(STDLIB);
    await serving;
    expect(served).toBe(true);
  });
});
