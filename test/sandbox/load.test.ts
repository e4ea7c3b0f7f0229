/**
 * Load: one sandbox, 1,000 sequential runs of every kind (output and a result; an error every
 * 10th; a file every 50th; an image every 50th), and the memory it holds afterwards.
 *
 * Two measures, taken from Python after a full collection:
 * - the WebAssembly heap (`pyodide_js._module.HEAP8.length`): the size of the wasm memory, which
 *   only ever grows (a high-water mark, so any growth is memory Pyodide could not reuse);
 * - the Python memory still held (tracemalloc's current traced size, started after the warm-up):
 *   what the later runs allocated and never freed, byte-exact.
 */
import { beforeAll, describe, expect, test } from 'vitest';
import type { PythonSandbox, RunResult } from '../../dist/index.node.js';
import { useSandbox } from '../support/fixtures.js';
import { PNG_1X1_BASE64 } from '../support/png.js';

const MIB = 1024 * 1024;

interface Memory {
  heapBytes: number;
  /** Bytes allocated since tracemalloc started and not freed (0 before it starts). */
  pythonHeldBytes: number;
}

const MEASURE = `import gc, sys, tracemalloc, pyodide_js
gc.collect()
f"{pyodide_js._module.HEAP8.length} {tracemalloc.get_traced_memory()[0] if tracemalloc.is_tracing() else 0}"`;

/** The kinds of run, each checked for what it must return. */
const KINDS = {
  output: {
    code: (i: number) => `print("run ${i}")\n${i} * 2`,
    check: (r: RunResult, i: number) => expect(r).toMatchObject({ outcome: 'OUTCOME_OK', stdout: `run ${i}\n`, result: String(i * 2) }),
  },
  error: {
    code: (i: number) => `raise ValueError("failure ${i}")`,
    check: (r: RunResult) => expect(r).toMatchObject({ outcome: 'OUTCOME_FAILED', error: { name: 'ValueError' } }),
  },
  file: {
    code: (i: number) => `with open("out.txt", "w") as f:\n    f.write("line ${i}\\n" * 1000)`,
    check: (r: RunResult) => expect(r.files.map((f) => f.path)).toEqual(['out.txt']),
  },
  image: { code: () => 'display(Dot())', check: (r: RunResult) => expect(r.images).toEqual([{ mimeType: 'image/png', data: PNG_1X1_BASE64 }]) },
} as const;
type Kind = keyof typeof KINDS;

/** Run `i` of the mixed schedule. */
function kindOf(i: number): Kind {
  if (i % 50 === 0) return 'file';
  if (i % 50 === 25) return 'image';
  if (i % 10 === 5) return 'error';
  return 'output';
}

let sandbox: PythonSandbox;

async function measure(): Promise<Memory> {
  const r = await sandbox.run(MEASURE);
  const [heapBytes, pythonHeldBytes] = (r.result ?? '').replace(/'/g, '').split(' ').map(Number);
  return { heapBytes, pythonHeldBytes };
}

async function runKind(kind: Kind, i: number): Promise<void> {
  const r = await sandbox.run(KINDS[kind].code(i));
  KINDS[kind].check(r, i);
}

useSandbox({ warmSpare: false }, (made) => {
  sandbox = made;
});
beforeAll(async () => {
  await sandbox.run(`import base64\nclass Dot:\n    def _repr_png_(self): return base64.b64decode("${PNG_1X1_BASE64}")`);
});

describe('1,000 sequential runs in one sandbox', () => {
  test('hold no more memory after 1,000 runs than after the first 100', async () => {
    for (let i = 0; i < 100; i++) await runKind(kindOf(i), i);
    await sandbox.run('import tracemalloc\ntracemalloc.start()');
    const warm = await measure();
    const started = performance.now();
    for (let i = 100; i < 1000; i++) await runKind(kindOf(i), i);
    const perRunMs = (performance.now() - started) / 900;
    const after = await measure();
    console.log(
      `1,000 runs: wasm heap ${warm.heapBytes / MIB} MiB -> ${after.heapBytes / MIB} MiB; ` +
        `Python memory held by runs 100-999: ${(after.pythonHeldBytes / 1024).toFixed(1)} KiB; ${perRunMs.toFixed(1)} ms per run (tracemalloc on)`,
    );
    expect(after.heapBytes - warm.heapBytes).toBeLessThanOrEqual(4 * MIB);
    expect(after.pythonHeldBytes).toBeLessThan(1 * MIB);
  }, 300_000);

  test.each(Object.keys(KINDS) as Kind[])(
    'a run of kind "%s" holds under 1 KiB once it is over',
    async (kind) => {
      for (let i = 0; i < 20; i++) await runKind(kind, i);
      await sandbox.run('import tracemalloc\ntracemalloc.stop()\ntracemalloc.start()');
      const before = await measure();
      for (let i = 0; i < 200; i++) await runKind(kind, i);
      const after = await measure();
      const perRun = (after.pythonHeldBytes - before.pythonHeldBytes) / 200;
      console.log(`${kind}: ${perRun.toFixed(0)} bytes held per run`);
      expect(perRun).toBeLessThan(1024);
    },
    300_000,
  );

  /**
   * Cell sources go into `linecache` (for tracebacks); the runner keeps only recent ones, so
   * memory does not grow with all code ever run (keeping every cell, 200 cells of 2,000 lines
   * held ~15 MiB).
   */
  test('the source of old cells is not kept forever', async () => {
    await sandbox.run('import tracemalloc\ntracemalloc.stop()\ntracemalloc.start()');
    const before = await measure();
    const bigCell = `x = 1\n${'# a comment line of a long cell\n'.repeat(2000)}`;
    for (let i = 0; i < 200; i++) expect((await sandbox.run(bigCell)).outcome).toBe('OUTCOME_OK');
    const after = await measure();
    expect(after.pythonHeldBytes - before.pythonHeldBytes).toBeLessThan(2 * MIB);
  }, 300_000);
});
