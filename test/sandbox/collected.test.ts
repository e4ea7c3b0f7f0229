/**
 * What a sandbox leaves behind: once disposed, and once a stop replaced its interpreter, nothing of
 * it stays reachable (a long-running MCP server ends hundreds of sessions; a page replaces its
 * interpreter at every stop in WebKit). Read with the garbage collector, not with RSS.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import v8 from 'node:v8';
import vm from 'node:vm';
import { describe, expect, test } from 'vitest';
import { PythonSandbox } from '../../dist/index.node.js';
import { BOOT_TIMEOUT_MS } from '../support/fixtures.js';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

/**
 * How many of `refs` still reach their object after collections (a FinalizationRegistry's held
 * values go a turn after their target). Each collection comes first in a turn of its own: a
 * `deref()` keeps its object until its turn ends.
 */
async function stillReachable(refs: WeakRef<object>[]): Promise<number> {
  let reachable = refs.length;
  for (let round = 0; round < 20 && reachable > 0; round++) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    gc();
    reachable = refs.filter((ref) => ref.deref()).length;
  }
  return reachable;
}

/** A sandbox made, used and disposed in a scope of its own, so only the WeakRef leaves it. */
async function usedAndDisposed(isolation: 'worker' | 'deno'): Promise<WeakRef<object>> {
  const sandbox = await PythonSandbox.create({ isolation, warmSpare: false });
  await sandbox.run('x = 1');
  await sandbox.dispose();
  return new WeakRef(sandbox);
}

describe.each(['worker', 'deno'] as const)('%s', (isolation) => {
  test('disposed sandboxes are collected, with their interpreters', async () => {
    const refs = [await usedAndDisposed(isolation), await usedAndDisposed(isolation)];
    expect(await stillReachable(refs)).toBe(0);
  });

  test('an interpreter a stop replaced is collected while its sandbox lives on', async () => {
    const sandbox = await PythonSandbox.create({ isolation, warmSpare: false, limits: { interruptGraceMs: 200 } });
    try {
      const replaced = new WeakRef((sandbox as unknown as { session: object }).session);
      // Swallows KeyboardInterrupt: only a new worker stops it.
      await sandbox.run('while True:\n    try:\n        while True: pass\n    except BaseException:\n        pass', { timeoutMs: 300 });
      expect((await sandbox.run('1 + 1')).result).toBe('2');
      expect(await stillReachable([replaced])).toBe(0);
    } finally {
      await sandbox.dispose();
    }
  });
});

/** A script that rewinds and forks, and ends with `await dispose()`, as a user's would: its exit code. */
function scriptExit(): Promise<number | null> {
  const entry = fileURLToPath(new URL('../../dist/index.node.js', import.meta.url));
  const script = `import { PythonSandbox } from ${JSON.stringify(entry)};
const sandbox = await PythonSandbox.create({ isolation: 'worker', checkpoints: true });
await sandbox.run('x = 1');
const [first] = await sandbox.checkpoints();
await sandbox.run('x = 2');
const other = await sandbox.fork(first.id);
await other.run('x');
await sandbox.rewind(first.id);
await sandbox.run('x');
await other.dispose();
await sandbox.dispose();`;
  return new Promise((resolve) => {
    const child = execFile(process.execPath, ['--input-type=module', '-e', script], () => undefined);
    child.on('exit', (code) => resolve(code));
  });
}

test(
  'a script whose last line awaits dispose() exits 0: the worker thread keeps Node alive until it has ended',
  async () => {
    // Two runs in three ended with code 13 (a top-level await left unsettled) before.
    expect([await scriptExit(), await scriptExit(), await scriptExit()]).toEqual([0, 0, 0]);
  },
  3 * BOOT_TIMEOUT_MS,
);
