/**
 * The sandbox fixtures every suite that makes a sandbox in Node uses: one made per test
 * (`it`'s `createSandbox`), one shared by a test file (`useSandbox`), or one for the length of a
 * callback (`withSandbox`, where a test needs one gone before it makes the next). Each sandbox is
 * disposed when its test, file or callback ends, passed or failed, without a try/finally in the test.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, it as base, beforeAll } from 'vitest';
import { PythonSandbox, type RunResult, type SandboxOptions } from '../../dist/index.node.js';

/** Pyodide boots in ~2.5 s, far longer on a loaded machine; hooks that create a sandbox get this long. */
export const BOOT_TIMEOUT_MS = 60_000;

/** A run's result as a sandbox gives it, for code that takes one: an empty `OUTCOME_OK`, with `partial` over it. */
export function runResult(partial: Partial<RunResult> = {}): RunResult {
  return { outcome: 'OUTCOME_OK', output: '', stdout: '', stderr: '', images: [], charts: [], files: [], stateLost: false, durationMs: 1, ...partial };
}

/** Whether this Node has JavaScript promise integration (Node 22+), so Python can wait for a promise mid-run. */
export const JSPI = typeof (WebAssembly as { Suspending?: unknown }).Suspending === 'function';

/** `it` with a `createSandbox` fixture: each sandbox a test creates is disposed after it. */
export const it = base.extend<{ createSandbox: (options?: SandboxOptions) => Promise<PythonSandbox> }>({
  // The empty pattern is required: vitest reads which fixtures a fixture uses from its destructuring.
  createSandbox: async ({}, use) => {
    const made: PythonSandbox[] = [];
    await use(async (options) => {
      const sandbox = await PythonSandbox.create(options);
      made.push(sandbox);
      return sandbox;
    });
    await Promise.all(made.map((sandbox) => sandbox.dispose()));
  },
});

/**
 * One sandbox for the test file (or the `describe` it is called in), made before its tests and
 * disposed after them. `started` receives it, as a file's `let sandbox` is usually filled.
 */
export function useSandbox(options: SandboxOptions | undefined, started: (sandbox: PythonSandbox) => void): void {
  let sandbox: PythonSandbox | undefined;
  beforeAll(async () => {
    sandbox = await PythonSandbox.create(options);
    started(sandbox);
  }, BOOT_TIMEOUT_MS);
  afterAll(async () => {
    await sandbox?.dispose();
  });
}

/** A sandbox for the length of `use`, disposed when it settles (a test that boots one after another). */
export async function withSandbox<T>(options: SandboxOptions | undefined, use: (sandbox: PythonSandbox) => Promise<T>): Promise<T> {
  const sandbox = await PythonSandbox.create(options);
  try {
    return await use(sandbox);
  } finally {
    await sandbox.dispose();
  }
}

/** Makes fresh state folders (`--state-dir`) in the system's temporary folder, each removed when the test file ends. */
export function stateFolders(): () => string {
  const made: string[] = [];
  afterAll(() => {
    for (const folder of made) rmSync(folder, { recursive: true, force: true });
  });
  return () => {
    const folder = mkdtempSync(join(tmpdir(), 'mcp-state-'));
    made.push(folder);
    return folder;
  };
}

/** The saved states in a state folder. */
export const savedFiles = (folder: string) => readdirSync(folder).filter((name) => name.endsWith('.state'));

export { lineChartSpec } from './chart-specs.js';

/**
 * Python: a stand-in for Altair's chart (`alt.Chart` under `alt.renderers.enable('mimetype')`),
 * whose `_repr_mimebundle_` gives a real v6 spec as Altair 6 does (a bundle and its metadata, under
 * `application/vnd.vegalite.v6.json`), so the path runs where Altair's wheels are not.
 */
export const STAND_IN_ALTAIR = `class Chart:
    def __init__(self, spec):
        self.spec = spec
    def _repr_mimebundle_(self, include=None, exclude=None):
        return {"application/vnd.vegalite.v6.json": self.spec, "text/plain": "<Chart>"}, {}
    def __repr__(self):
        return "alt.Chart(...)"
`;
