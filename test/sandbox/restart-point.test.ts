/**
 * Restart points (`SandboxOptions.restartPoints`): the interpreter saved when idle after a run is
 * what a stop or crash that must replace the worker brings back, and the result says what was undone.
 */
import { describe, expect } from 'vitest';
import type { RestartPoint } from '../../src/sandbox/session/restart-point.js';
import { it } from '../support/fixtures.js';

/** The sandbox's restart point's counts of saves: begun, kept, and given up for a call that arrived. */
const saves = (sandbox: object) => (sandbox as unknown as { restartPoint: RestartPoint }).restartPoint.counts;

/** Swallows KeyboardInterrupt: only terminating the worker stops it. */
const UNSTOPPABLE = 'while True:\n    try:\n        while True: pass\n    except BaseException:\n        pass';
const options = { restartPoints: true, warmSpare: false, limits: { interruptGraceMs: 200 } } as const;

describe.each(['worker', 'deno'] as const)('restart points (%s)', (isolation) => {
  it('a run the interrupt cannot stop is undone: the variables from before it are back, and it reports stateLost: false', async ({ createSandbox }) => {
    const sandbox = await createSandbox({ ...options, isolation });
    await sandbox.run('x = 1');
    await sandbox.whenIdle();
    const stopped = await sandbox.run(`x = 2\n${UNSTOPPABLE}`, { timeoutMs: 300 });
    expect(stopped).toMatchObject({ outcome: 'OUTCOME_DEADLINE_EXCEEDED', stateLost: false });
    expect(stopped.error?.message).toMatch(
      /restarted from the state saved before this run: variables from earlier runs are kept; what this run changed is undone/,
    );
    expect(await sandbox.run('print(x)')).toMatchObject({ stdout: '1\n', stateLost: false });
  });
  it('a save going gives way to a run that arrives: the run goes first, the save is made again once the sandbox is idle, and it holds the run', async ({
    createSandbox,
  }) => {
    const sandbox = await createSandbox({ ...options, isolation });
    // Packing 20 MB that does not compress keeps the save going long after the run below arrives.
    await sandbox.run('import os\nblob = os.urandom(20_000_000)\nx = 1');
    while (saves(sandbox).begun === 0) await new Promise((resolve) => setTimeout(resolve, 0));
    expect(await sandbox.run('x = 2')).toMatchObject({ outcome: 'OUTCOME_OK' });
    expect(saves(sandbox)).toEqual({ begun: 1, kept: 0, gaveWay: 1 });
    await sandbox.whenIdle();
    expect(saves(sandbox)).toEqual({ begun: 2, kept: 1, gaveWay: 1 });
    expect(await sandbox.run(UNSTOPPABLE, { timeoutMs: 300 })).toMatchObject({ stateLost: false });
    expect((await sandbox.run('x')).result).toBe('2');
  });
});

describe.each(['worker', 'deno'] as const)('a save that gives way (%s)', (isolation) => {
  it('saveState({ givesWay: true }) lets a run that arrives go first, before it starts or while it packs, and resolves undefined; an idle one saves', async ({
    createSandbox,
  }) => {
    const sandbox = await createSandbox({ isolation, warmSpare: false });
    // 20 MB that does not compress: packing takes hundreds of milliseconds.
    await sandbox.run('import os\nblob = os.urandom(20_000_000)\nx = 1');
    const queuedBehind = sandbox.saveState({ givesWay: true });
    expect(await Promise.all([queuedBehind, sandbox.run('x = 2')])).toMatchObject([undefined, { outcome: 'OUTCOME_OK' }]);
    const packing = sandbox.saveState({ givesWay: true });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await Promise.all([packing, sandbox.run('x = 3')])).toMatchObject([undefined, { outcome: 'OUTCOME_OK' }]);
    const idle = await sandbox.saveState({ givesWay: true });
    expect(idle).toBeInstanceOf(Uint8Array);
    const other = await createSandbox({ isolation, warmSpare: false });
    await other.restoreState(idle as Uint8Array);
    expect((await other.run('x')).result).toBe('3');
  });

  it("saveState() hands over the restart point's save when it holds the interpreter as it is, and a save asked for first is the restart point: nothing is saved twice", async ({
    createSandbox,
  }) => {
    const sandbox = await createSandbox({ ...options, isolation });
    await sandbox.run('x = 1');
    await sandbox.whenIdle();
    expect(saves(sandbox)).toEqual({ begun: 1, kept: 1, gaveWay: 0 });
    const first = await sandbox.saveState();
    await sandbox.run('x = 2');
    const second = await sandbox.saveState();
    await sandbox.whenIdle();
    expect(saves(sandbox)).toEqual({ begun: 1, kept: 1, gaveWay: 0 });
    // The second is what a stop now brings back.
    expect(await sandbox.run(UNSTOPPABLE, { timeoutMs: 300 })).toMatchObject({ stateLost: false });
    expect((await sandbox.run('x')).result).toBe('2');
    const other = await createSandbox({ isolation, warmSpare: false });
    await other.restoreState(first);
    expect((await other.run('x')).result).toBe('1');
    await other.restoreState(second);
    expect((await other.run('x')).result).toBe('2');
  });
});

describe('restart points (worker)', () => {
  it('a crash (os._exit) is undone the same way', async ({ createSandbox }) => {
    const sandbox = await createSandbox(options);
    await sandbox.run('import json\nx = {"a": 1}');
    await sandbox.whenIdle();
    expect(await sandbox.run('import os\nos._exit(0)')).toMatchObject({ stateLost: false });
    expect((await sandbox.run('json.dumps(x)')).result).toBe(`'{"a": 1}'`);
  });

  it('runs queued straight behind each other are not saved between them: a stop undoes them too, and says so with stateLost: true', async ({
    createSandbox,
  }) => {
    const sandbox = await createSandbox(options);
    await sandbox.run('x = 1');
    await sandbox.whenIdle();
    const [, stopped] = await Promise.all([sandbox.run('y = 2'), sandbox.run(UNSTOPPABLE, { timeoutMs: 300 })]);
    expect(stopped.stateLost).toBe(true);
    expect(stopped.error?.message).toMatch(/restarted from the state saved one run before this one: what that run and this one changed is undone/);
    expect((await sandbox.run('(x, "y" in globals())')).result).toBe('(1, False)');
  });

  it('interrupt() while a save holds the queue stops the run waiting behind it before it starts: its caller sees it as running', async ({ createSandbox }) => {
    const sandbox = await createSandbox(options);
    await sandbox.run('x = 1');
    // Once the idle save has begun, the run waits behind it.
    while (saves(sandbox).begun === 0) await new Promise((resolve) => setTimeout(resolve, 0));
    const waiting = sandbox.run('x = 2\nwhile True: pass', { timeoutMs: 60_000 });
    sandbox.interrupt();
    expect(await waiting).toMatchObject({ stateLost: false, error: { name: 'KeyboardInterrupt', message: 'Execution was interrupted before it started.' } });
    expect((await sandbox.run('x')).result).toBe('1');
  });

  it('runs sent back to back make no save between them, whether queued at once or each sent as the one before answers: one save after the last', async ({
    createSandbox,
  }) => {
    const sandbox = await createSandbox(options);
    await Promise.all([sandbox.run('a = 1'), sandbox.run('b = 2'), sandbox.run('c = 3')]);
    for (const code of ['d = 4', 'e = 5', 'f = 6']) await sandbox.run(code);
    await sandbox.whenIdle();
    expect(saves(sandbox)).toEqual({ begun: 1, kept: 1, gaveWay: 0 });
  });

  it('interrupt() with nothing running or saving is a no-op: the next run runs', async ({ createSandbox }) => {
    const sandbox = await createSandbox(options);
    await sandbox.whenIdle();
    sandbox.interrupt();
    expect(await sandbox.run('6 * 7')).toMatchObject({ outcome: 'OUTCOME_OK', result: '42' });
  });

  it('a run past the memory bound is undone, not everything before it', async ({ createSandbox }) => {
    const sandbox = await createSandbox({ ...options, limits: { maxMemoryBytes: 128 * 2 ** 20 } });
    await sandbox.run('x = 1');
    await sandbox.whenIdle();
    const r = await sandbox.run('big = bytearray(300 * 2**20)\nlen(big)');
    expect(r).toMatchObject({ outcome: 'OUTCOME_OK', stateLost: false });
    expect(r.stderr).toMatch(/restarted to free it, from the state saved before this run/);
    expect((await sandbox.run('(x, "big" in globals())')).result).toBe('(1, False)');
  });

  it('is off by default in Node, where an interrupt keeps the interpreter (the stop reports stateLost: true, as before)', async ({ createSandbox }) => {
    const sandbox = await createSandbox({ warmSpare: false, limits: { interruptGraceMs: 200 } });
    await sandbox.run('x = 1');
    await sandbox.whenIdle();
    expect((await sandbox.run(UNSTOPPABLE, { timeoutMs: 300 })).stateLost).toBe(true);
    expect((await sandbox.run('x')).error?.name).toBe('NameError');
  });

  it('refuses a restartPoints that is not true, false or auto', async ({ createSandbox }) => {
    await expect(createSandbox({ restartPoints: 'yes' as never })).rejects.toThrow(/restartPoints must be true, false or 'auto'/);
  });
});
