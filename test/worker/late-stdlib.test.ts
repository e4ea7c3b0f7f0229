/**
 * worker/boot/late-stdlib.ts with a real interpreter: a restore that gets an empty standard library
 * imports from the real one once it is written over it; a fresh boot waits for the real one.
 * Until it is in, an import from it waits inside the run where Python can wait (JSPI: Node 24 and
 * 26 in `npm test`), and runs wait for it before they start where it cannot (its Node 22 pass).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { loadPyodide, type PyodideInterface } from 'pyodide';
import type { PyCallable } from 'pyodide/ffi';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { LateStdlib } from '../../worker/boot/late-stdlib.js';
import { JSPI } from '../support/fixtures.js';

/** The hold's module and the one it imports, as worker/boot/boot.ts writes them. */
const SOURCES = ['late_stdlib.py', 'suspend.py'].map((name) => [name, readFileSync(new URL(`../../worker/python/${name}`, import.meta.url), 'utf8')] as const);

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

const restore = (late: LateStdlib) =>
  late.restore(() => loadPyodide({ _loadSnapshot: snapshot.slice(), stdLibURL: STDLIB_URL } as Parameters<typeof loadPyodide>[0]));

/** A restore on the empty zip with the sandbox's import hold in place, as worker/boot/boot.ts makes one. */
async function restoreHoldingImports(late: LateStdlib, mustStop?: () => boolean): Promise<PyodideInterface> {
  serveFrom(late);
  const pyodide = await restore(late);
  pyodide.FS.mkdirTree('/opt/sandbox');
  for (const [name, text] of SOURCES) pyodide.FS.writeFile(`/opt/sandbox/${name}`, text);
  pyodide.runPython("import sys; sys.path.insert(0, '/opt/sandbox')");
  late.holdImports(pyodide, mustStop);
  return pyodide;
}

/** Runs `code` as the engine does in `mode`, returning the value of its `result`. */
async function runAs(pyodide: PyodideInterface, mode: 'sync' | 'promising', code: string): Promise<unknown> {
  const run = pyodide.runPython('def run(code):\n    scope = {}\n    exec(code, scope)\n    return scope.get("result")\nrun') as PyCallable;
  try {
    return mode === 'promising' ? await run.callPromising(code) : run(code);
  } finally {
    run.destroy();
  }
}

const settledWithin = (promise: Promise<unknown>, ms: number) =>
  Promise.race([
    promise.then(
      () => true,
      () => true,
    ),
    new Promise((resolve) => setTimeout(() => resolve(false), ms)),
  ]);

/** A run asked for while the zip is missing (`mustHaveIt` as the engine says it) starts only once the zip is in. */
async function expectRunWaitsForZip(mustHaveIt: () => boolean): Promise<void> {
  const late = new LateStdlib();
  await restoreHoldingImports(late);
  const mode = late.runMode(mustHaveIt);
  expect(await settledWithin(mode, 100)).toBe(false);
  late.arrive(STDLIB);
  expect(await mode).toBe('sync');
}

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

describe('runs while the standard library is still coming', () => {
  it.runIf(JSPI)(
    '(JSPI) a run may start at once, and an import from the zip waits inside it until the zip is written in',
    async () => {
      const late = new LateStdlib();
      const pyodide = await restoreHoldingImports(late);
      expect(await late.runMode(() => false)).toBe('promising');
      const run = runAs(pyodide, 'promising', 'import statistics\nresult = statistics.mean([1, 2])');
      expect(await settledWithin(run, 100)).toBe(false);
      late.arrive(STDLIB);
      expect(await run).toBe(1.5);
    },
    60_000,
  );

  it.runIf(JSPI)(
    '(JSPI) a stop while an import waits ends the run with KeyboardInterrupt at once, and a later import waits again, then runs',
    async () => {
      const late = new LateStdlib();
      let stopAsked = false;
      const pyodide = await restoreHoldingImports(late, () => {
        const asked = stopAsked;
        stopAsked = false;
        return asked;
      });
      const stopped = runAs(pyodide, 'promising', 'import statistics');
      expect(await settledWithin(stopped, 100)).toBe(false);
      stopAsked = true;
      await expect(stopped).rejects.toThrow(/KeyboardInterrupt/);
      const later = runAs(pyodide, 'promising', 'import statistics\nresult = statistics.mean([1, 3])');
      expect(await settledWithin(later, 100)).toBe(false);
      late.arrive(STDLIB);
      expect(await later).toBe(2);
    },
    60_000,
  );

  it.runIf(JSPI)(
    '(JSPI) a module the snapshot holds imports without waiting',
    async () => {
      const late = new LateStdlib();
      const pyodide = await restoreHoldingImports(late);
      expect(await runAs(pyodide, 'promising', 'import json\nresult = json.dumps([1])')).toBe('[1]');
    },
    60_000,
  );

  it.runIf(JSPI)(
    '(JSPI) a zip that will not come fails the import, saying why',
    async () => {
      const late = new LateStdlib();
      const pyodide = await restoreHoldingImports(late);
      late.fail('HTTP 503 for python_stdlib.zip');
      await expect(runAs(pyodide, 'promising', 'import statistics')).rejects.toThrow(
        /ImportError: cannot import 'statistics': Python's standard library could not be loaded \(.*HTTP 503 for python_stdlib\.zip/,
      );
    },
    60_000,
  );

  it('once the zip is known not to come, an import from it says why, even where Python cannot wait', async () => {
    const late = new LateStdlib();
    const pyodide = await restoreHoldingImports(late);
    late.fail('HTTP 503 for python_stdlib.zip');
    await late.whenInstalled().catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 0));
    await expect(runAs(pyodide, 'sync', 'import statistics')).rejects.toThrow(
      "cannot import 'statistics': Python's standard library could not be loaded (HTTP 503 for python_stdlib.zip)",
    );
  }, 60_000);

  it('a run that must have the zip (top-level await, a package to load) waits for it before it starts', () => expectRunWaitsForZip(() => true), 60_000);

  it('a run that must have a zip that will not come is told why', async () => {
    const late = new LateStdlib();
    await restoreHoldingImports(late);
    late.fail('HTTP 503 for python_stdlib.zip');
    await expect(late.runMode(() => true)).rejects.toThrow('HTTP 503 for python_stdlib.zip');
  }, 60_000);

  it.runIf(!JSPI)('(no JSPI) every run waits for the zip before it starts', () => expectRunWaitsForZip(() => false), 60_000);

  it('an import from the missing zip where Python cannot wait (a plain call) fails, saying the zip is still coming', async () => {
    const late = new LateStdlib();
    const pyodide = await restoreHoldingImports(late);
    await expect(runAs(pyodide, 'sync', 'import statistics')).rejects.toThrow("cannot import 'statistics' yet: Python's standard library is still downloading");
  }, 60_000);

  it('once the zip is in, the hold is gone from sys.meta_path', async () => {
    const late = new LateStdlib();
    const pyodide = await restoreHoldingImports(late);
    const holds = () => pyodide.runPython('import sys; sum(type(f).__name__ == "LateStdlibFinder" for f in sys.meta_path)');
    expect(holds()).toBe(1);
    late.arrive(STDLIB);
    await late.whenInstalled();
    expect(holds()).toBe(0);
    expect(await late.runMode(() => false)).toBe('sync');
  }, 60_000);
});
