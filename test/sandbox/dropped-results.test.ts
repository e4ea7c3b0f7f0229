/**
 * A result the caller drops is the caller's to free: the host keeps no run's images, files or
 * output, nor a file it read, once the caller lets go (the working directory's copy aside, which
 * `limits.maxTotalFileBytes` bounds). Before, every call's answer stayed reachable from the
 * session's `died` promise (a `Promise.race` with it, left pending while the worker lives): twelve
 * runs of two 9 MB images held 283 MB of the host's heap.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect } from 'vitest';
import type { PythonSandbox } from '../../dist/index.node.js';
import { it, useSandbox } from '../support/fixtures.js';

const MB = 2 ** 20;
/** Raw bytes of each image and of the file a run writes: 4 MB each as base64, 12 MB a run. */
const RAW_BYTES = 3_000_000;
const RUNS = 8;

const CELL = `import os
class Png:
    def __init__(self, b): self.b = b
    def _repr_png_(self): return self.b
for _ in range(2): display(Png(b"\\x89PNG" + os.urandom(${RAW_BYTES})))
open('out.bin', 'wb').write(os.urandom(${RAW_BYTES}))
print('x' * 10_000)`;

setFlagsFromString('--expose_gc');
const gc = runInNewContext('gc') as () => void;

/** The heap after a full collection, once messages and timers of the last call have settled. */
async function heapUsed(): Promise<number> {
  await new Promise((resolve) => setTimeout(resolve, 200));
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

describe.each(['worker', 'deno'] as const)('isolation %s', (isolation) => {
  let sandbox: PythonSandbox;
  useSandbox({ isolation, warmSpare: false }, (made) => {
    sandbox = made;
  });

  it(`keeps none of ${RUNS} dropped runs' images, files or output, nor a dropped file read, on the host's heap`, async () => {
    // Each call in its own scope: the test keeps no way to its answer but the WeakRefs.
    const dropped = async () => {
      const result = await sandbox.run(CELL);
      expect(result.outcome).toBe('OUTCOME_OK');
      expect(result.images).toHaveLength(2);
      expect(result.files.map((f) => f.path)).toEqual(['out.bin']);
      // Base64 and ASCII: a byte a character on V8's heap.
      const weight = [...result.images, ...result.files].reduce((n, item) => n + item.data.length, 0) + result.output.length;
      const read = await sandbox.readFile('out.bin');
      expect(read.length).toBe(RAW_BYTES);
      return { weight, refs: [new WeakRef(result.images), new WeakRef(result.files), new WeakRef(result), new WeakRef(read)] };
    };
    // The control: one such run, its result dropped (the working directory's copy keeps out.bin).
    const first = await dropped();
    const control = await heapUsed();
    const refs = first.refs;
    let weight = 0;
    for (let i = 0; i < RUNS; i++) {
      const run = await dropped();
      weight += run.weight;
      refs.push(...run.refs);
    }
    // A last small call, so that nothing of the runs is the latest answer anywhere.
    await sandbox.run('1');
    const after = await heapUsed();
    const grew = after - control;
    console.log(`${isolation}: ${RUNS} dropped runs of ${(weight / RUNS / MB).toFixed(0)} MB each: the heap grew ${(grew / MB).toFixed(1)} MB`);
    expect(grew).toBeLessThan(weight / 4);
    expect(refs.filter((ref) => ref.deref() !== undefined)).toHaveLength(0);
  });
});
