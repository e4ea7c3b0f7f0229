/**
 * One boot snapshot per store: saves are stored against the snapshot their interpreter booted
 * from (worker/snapshots/state-base.ts), so every sandbox that shares a store must boot from the
 * same one, or a state saved by one cannot be restored by another. Sandboxes that each make a
 * snapshot at once (an empty store, no shipped snapshot: a runtime of one's own) keep the one
 * stored first.
 */
import { describe, expect, it } from 'vitest';
import { PythonSandbox, type SandboxOptions } from '../../dist/index.node.js';
import { stateFolders, withSandbox } from '../support/fixtures.js';

const newFolder = stateFolders();

/** Two sandboxes that boot at once, each making a snapshot; each then saves `x` from an interpreter booted from its snapshot. */
async function savesOfTwoFirstBoots(options: SandboxOptions): Promise<Uint8Array[]> {
  const sandboxes = await Promise.all([PythonSandbox.create(options), PythonSandbox.create(options)]);
  try {
    expect(sandboxes.map((sandbox) => sandbox.bootPath)).toEqual(['fresh', 'fresh']);
    return await Promise.all(
      sandboxes.map(async (sandbox, i) => {
        // An interpreter that ends is replaced by one booted from the sandbox's snapshot: its saves are stored against it.
        expect(await sandbox.run('import os\nos._exit(0)')).toMatchObject({ stateLost: true });
        expect(await sandbox.run(`x = ${i + 1}`)).toMatchObject({ outcome: 'OUTCOME_OK' });
        expect(sandbox.bootPath).toBe('snapshot');
        return (await sandbox.saveState())!;
      }),
    );
  } finally {
    await Promise.all(sandboxes.map((sandbox) => sandbox.dispose()));
  }
}

/** Each save restores in a later sandbox with the same store, and holds its own `x`. */
async function expectEachRestores(options: SandboxOptions, saves: Uint8Array[]): Promise<void> {
  for (const [i, savedState] of saves.entries())
    await withSandbox({ ...options, savedState }, async (sandbox) =>
      expect(await sandbox.run('x')).toMatchObject({ outcome: 'OUTCOME_OK', result: String(i + 1) }),
    );
}

describe('two sandboxes that make a boot snapshot at once', () => {
  const base = { shippedSnapshot: false, warmSpare: false, isolation: 'worker' } satisfies SandboxOptions;

  it("in one process's memory: a later sandbox restores either one's save", async () => {
    const options = { ...base, snapshotCache: 'memory' } satisfies SandboxOptions;
    await expectEachRestores(options, await savesOfTwoFirstBoots(options));
  }, 120_000);

  it("in a folder (servers that share one): a later sandbox restores either one's save", async () => {
    const options = { ...base, snapshotCache: { directory: newFolder() } } satisfies SandboxOptions;
    await expectEachRestores(options, await savesOfTwoFirstBoots(options));
  }, 120_000);
});
