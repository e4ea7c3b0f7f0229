/**
 * The walk after each run that finds its new and changed files, over entries that are not regular
 * files: it passes over them (naming each), reads no file past `maxFileBytes`, still returns the
 * run's real files, and loses none of the files earlier runs left.
 */
import { describe, expect } from 'vitest';
import { it } from '../support/fixtures.js';
import { EARLIER_FILE_CELL, NOT_FILES_CELL, SWALLOWS_INTERRUPTS, expectNotFilesPassedOver } from '../support/workdir-entries.js';

describe("the walk for a run's files", () => {
  it('passes over symlinks and devices, names them, and returns the real output quickly', async ({ createSandbox }) => {
    const sandbox = await createSandbox({ limits: { maxFileBytes: 1000 } });
    await sandbox.run(EARLIER_FILE_CELL);
    const r = await sandbox.run(NOT_FILES_CELL, { timeoutMs: 60_000 });
    expectNotFilesPassedOver(r);
    expect((await sandbox.listFiles()).map((f) => f.path).sort()).toEqual(['big.bin', 'report.txt', 'secret.txt']);
  });

  it('loses no file an earlier run wrote when the interpreter is replaced after it', async ({ createSandbox }) => {
    const sandbox = await createSandbox({ limits: { maxFileBytes: 1000, interruptGraceMs: 200 } });
    await sandbox.run(EARLIER_FILE_CELL);
    await sandbox.run(NOT_FILES_CELL, { timeoutMs: 60_000 });
    const killed = await sandbox.run(SWALLOWS_INTERRUPTS, { timeoutMs: 300 });
    expect(killed.stateLost).toBe(true);
    expect(killed.error?.message).toMatch(/except big\.bin, which could not be kept\.$/);
    expect((await sandbox.run('open("secret.txt").read(), open("report.txt").read()')).result).toBe("('kept', 'done')");
  });

  it("loses no file when a walk fails, and returns that run's files with the next", async ({ createSandbox }) => {
    const sandbox = await createSandbox({ limits: { interruptGraceMs: 200 } });
    await sandbox.run(EARLIER_FILE_CELL);
    // The walk itself made to fail once (the runner's own modules are importable).
    const failing =
      'import workdir\nwalk = workdir.changed_files\ndef fail(*args):\n    workdir.changed_files = walk\n    raise MemoryError\nworkdir.changed_files = fail';
    const r = await sandbox.run(`${failing}\nopen("report.txt", "w").write("done")`);
    expect(r.output).toContain('[could not list changed files: MemoryError()]');
    expect((await sandbox.run('1')).files.map((f) => f.path)).toEqual(['report.txt']);
    expect((await sandbox.run(SWALLOWS_INTERRUPTS, { timeoutMs: 300 })).error?.message).toMatch(/as the last finished run left them\.$/);
    expect((await sandbox.run('open("secret.txt").read(), open("report.txt").read()')).result).toBe("('kept', 'done')");
  });
});
