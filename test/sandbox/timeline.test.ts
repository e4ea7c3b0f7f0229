/**
 * Checkpoints, rewind and fork (`SandboxOptions.checkpoints`): each run idle after it leaves the
 * interpreter and its working directory as a checkpoint; a rewind brings one back, files too; a fork
 * is a sandbox of its own from one.
 */
import { describe, expect, onTestFinished } from 'vitest';
import type { PythonSandbox } from '../../dist/index.node.js';
import type { RestartPoint } from '../../src/sandbox/session/restart-point.js';
import { it } from '../support/fixtures.js';
import { LOAD_TINY_LIBRARY, TINY_LIBRARY } from '../support/tiny-library.js';

/** The sandbox's restart point's counts of saves (checkpoints are its saves kept on). */
const saves = (sandbox: object) => (sandbox as unknown as { restartPoint: RestartPoint }).restartPoint.counts;

const options = { checkpoints: true, warmSpare: false } as const;

/** Cell `i` binds `v{i}`, writes `f{i}.txt`, and overwrites `last.txt` with its number. */
const cell = (i: number) => `v${i} = ${i}\nopen("f${i}.txt", "w").write("${i}")\nopen("last.txt", "w").write("${i}")`;

describe.each(['worker', 'deno'] as const)('checkpoints (%s)', (isolation) => {
  it('rewinding to cell k of 20 leaves the variables and files of cells 1..k and none of the later ones; the next cell runs and says so', async ({
    createSandbox,
  }) => {
    const sandbox = await createSandbox({ ...options, isolation });
    const runs: number[] = [];
    for (let i = 1; i <= 20; i++) {
      const r = await sandbox.run(cell(i));
      expect(r.outcome).toBe('OUTCOME_OK');
      runs.push(r.run!);
      // The seconds a model takes between turns: each cell gets its own checkpoint.
      await sandbox.whenIdle();
    }
    const kept = await sandbox.checkpoints();
    expect(kept.map((c) => c.run)).toEqual(runs);
    // Stdlib-only work costs at most 2 MB a checkpoint.
    console.log(`[timeline] ${isolation}: checkpoint bytes ${kept.map((c) => c.bytes).join(', ')}`);
    for (const checkpoint of kept) expect(checkpoint.bytes).toBeLessThanOrEqual(2 * 2 ** 20);

    const k = 7;
    await sandbox.rewind(kept[k - 1].id);
    const next = await sandbox.run(`[name for name in globals() if name.startswith("v")], open("last.txt").read()`);
    expect(next.result).toBe(`([${Array.from({ length: k }, (_, i) => `'v${i + 1}'`).join(', ')}], '${k}')`);
    expect(next.restoredFrom).toMatchObject({ source: 'checkpoint', id: kept[k - 1].id, savedAt: kept[k - 1].savedAt });
    expect(next.restoredFrom?.note).toMatch(/rewound to checkpoint .* what later runs did is gone/);
    const files = (await sandbox.listFiles()).map((f) => f.path).sort();
    expect(files).toEqual(['last.txt', ...Array.from({ length: k }, (_, i) => `f${i + 1}.txt`)].sort());
    // Said once; later checkpoints are dropped, and the two runs since (back to back) made one.
    expect((await sandbox.run('v1')).restoredFrom).toBeUndefined();
    expect((await sandbox.checkpoints()).map((c) => c.run)).toEqual([...runs.slice(0, k), next.run! + 1]);
  });

  it("with the default warmSpare, each rewind takes a worker staged for it from the first run: its cell's variables and files back, in a fraction of what a rewind that boots takes (warmSpare: false, the control)", async ({
    createSandbox,
  }) => {
    const staged = await createSandbox({ checkpoints: true, isolation });
    const booting = await createSandbox({ ...options, isolation });
    for (let i = 1; i <= 4; i++) {
      for (const sandbox of [staged, booting]) {
        await sandbox.run(cell(i));
        await sandbox.whenIdle();
      }
    }
    const [kept, controlKept] = [await staged.checkpoints(), await booting.checkpoints()];
    /** Rewinds `sandbox` to cell `k` once it is idle (as between a model's turns), checks it, and returns its time. */
    const rewind = async (sandbox: PythonSandbox, checkpoints: typeof kept, k: number) => {
      await sandbox.whenIdle();
      const started = performance.now();
      await sandbox.rewind(checkpoints[k - 1].id);
      const ms = performance.now() - started;
      expect((await sandbox.run(`v${k}, "v${k + 1}" in globals(), open("last.txt").read()`)).result).toBe(`(${k}, False, '${k}')`);
      return ms;
    };
    const pairs: [number, number][] = [];
    for (const k of [3, 2, 1]) pairs.push([await rewind(booting, controlKept, k), await rewind(staged, kept, k)]);
    console.log(`[timeline] ${isolation}: rewinds (a boot, staged) ${pairs.map((p) => p.map(Math.round).join('/')).join(', ')} ms`);
    // Each paired with a boot just before: staged ones took a quarter of it here (worker 79-93 ms
    // against 319-383; Deno 158-173 against 634-828).
    const ratios = pairs.map(([boot, fast]) => fast / boot).sort((a, b) => a - b);
    expect(ratios[1]).toBeLessThan(0.6);
  });

  it('a fork and its parent each change a variable, and neither sees the other', async ({ createSandbox }) => {
    const parent = await createSandbox({ ...options, isolation });
    await parent.run('x = 1\nopen("shared.txt", "w").write("1")');
    const fork = await parent.fork();
    onTestFinished(() => fork.dispose());
    const first = await fork.run('x = 2\nopen("shared.txt", "w").write("2")\nx');
    expect(first).toMatchObject({ result: '2', run: 1, restoredFrom: { source: 'fork' } });
    expect(first.restoredFrom?.id).toBeUndefined();
    await parent.run('x = 3');
    expect((await parent.run('x, open("shared.txt").read()')).result).toBe("(3, '1')");
    expect((await fork.run('x, open("shared.txt").read()')).result).toBe("(2, '2')");
  });
});

describe('checkpoints (worker)', () => {
  it('a fork from a checkpoint starts from it; its own checkpoints start with that state', async ({ createSandbox }) => {
    const parent = await createSandbox(options);
    await parent.run('x = 1');
    await parent.whenIdle();
    await parent.run('x = 2');
    const [first] = await parent.checkpoints();
    const fork = await parent.fork(first.id);
    onTestFinished(() => fork.dispose());
    expect(await fork.run('x')).toMatchObject({ result: '1', restoredFrom: { source: 'fork', id: first.id, savedAt: first.savedAt } });
    expect((await fork.checkpoints()).map((c) => c.run)).toEqual([0, 1]);
    expect((await parent.run('x')).result).toBe('2');
  });

  it('keeps at most maxCount: the oldest is dropped first', async ({ createSandbox }) => {
    const sandbox = await createSandbox({ ...options, checkpoints: { maxCount: 3 } });
    for (let i = 1; i <= 5; i++) {
      await sandbox.run(`v${i} = ${i}`);
      await sandbox.whenIdle();
    }
    const kept = await sandbox.checkpoints();
    expect(kept.map((c) => c.run)).toEqual([3, 4, 5]);
    expect(new Set(kept.map((c) => c.id)).size).toBe(3);
  });

  it('keeps at most maxBytes: a checkpoint larger than the bound alone is not kept, and a rewind to it says why', async ({ createSandbox }) => {
    const sandbox = await createSandbox({ ...options, checkpoints: { maxBytes: 4 * 2 ** 20 } });
    await sandbox.run('x = 1');
    await sandbox.whenIdle();
    // Bytes that do not compress: a checkpoint of more than 4 MB.
    await sandbox.run('import os\nblob = os.urandom(6_000_000)');
    const kept = await sandbox.checkpoints();
    expect(kept.map((c) => c.run)).toEqual([1]);
    await expect(sandbox.rewind('c2')).rejects.toThrow(
      /no checkpoint 'c2': it keeps c1; the state after run 2 was not kept: its \d+ bytes are over checkpoints.maxBytes/,
    );
  });

  it("a fork's boot reports to the onProgress it is given, not to its parent's", async ({ createSandbox }) => {
    const heard = { parent: 0, fork: 0 };
    const parent = await createSandbox({ ...options, onProgress: () => heard.parent++ });
    await parent.run('x = 1');
    const before = heard.parent;
    const fork = await parent.fork(undefined, { onProgress: () => heard.fork++ });
    onTestFinished(() => fork.dispose());
    expect((await fork.run('x')).result).toBe('1');
    expect(heard.fork).toBeGreaterThan(0);
    expect(heard.parent).toBe(before);
  });

  it('a state saveState refuses (compiled code loaded) makes no checkpoint, and a rewind to one after it says why', async ({ createSandbox }) => {
    const sandbox = await createSandbox(options);
    await sandbox.run('x = 1');
    await sandbox.writeFile('libtiny.so', TINY_LIBRARY);
    await sandbox.whenIdle();
    expect((await sandbox.run(`${LOAD_TINY_LIBRARY}\nx = 2`)).outcome).toBe('OUTCOME_OK');
    const kept = await sandbox.checkpoints();
    expect(kept.map((c) => c.run)).toEqual([1]);
    await expect(sandbox.rewind('c2')).rejects.toThrow(
      /no checkpoint 'c2': it keeps c1; the state after run 2 was not kept: .*compiled code loaded \(libtiny\.so\)/,
    );
    // The checkpoints before it still rewind, and the library is gone with the state that loaded it.
    await sandbox.rewind(kept[0].id);
    expect((await sandbox.run('x, "lib" in globals()')).result).toBe('(1, False)');
  });

  it('runs sent back to back make no checkpoint between them: one, after the last, holding all of them', async ({ createSandbox }) => {
    const sandbox = await createSandbox(options);
    const results = await Promise.all([sandbox.run('a = 1'), sandbox.run('b = 2'), sandbox.run('c = 3')]);
    expect(results.map((r) => r.run)).toEqual([1, 2, 3]);
    for (const code of ['d = 4', 'e = 5']) await sandbox.run(code);
    await sandbox.whenIdle();
    expect(saves(sandbox)).toEqual({ begun: 1, kept: 1, gaveWay: 0 });
    expect((await sandbox.checkpoints()).map((c) => c.run)).toEqual([5]);
  });

  it('checkpointNow gives the checkpoint of the state as it is, made when none holds it (a fresh sandbox, back-to-back runs), and says why it cannot', async ({
    createSandbox,
  }) => {
    const sandbox = await createSandbox(options);
    const booted = await sandbox.checkpointNow();
    expect(booted.run).toBe(0);
    await sandbox.run('x = 1');
    // The run's checkpoint is due: checkpointNow waits for it rather than saving twice.
    const first = await sandbox.checkpointNow();
    expect(first.run).toBe(1);
    expect(await sandbox.checkpointNow()).toEqual(first);
    expect((await sandbox.checkpoints()).map((c) => c.id)).toEqual([booted.id, first.id]);
    await sandbox.rewind(booted.id);
    expect(await sandbox.checkpointNow()).toEqual(booted);
    expect((await sandbox.run('"x" in globals()')).result).toBe('False');
    await sandbox.writeFile('libtiny.so', TINY_LIBRARY);
    await sandbox.run(LOAD_TINY_LIBRARY);
    await expect(sandbox.checkpointNow()).rejects.toThrow(/compiled code loaded \(libtiny\.so\)/);
  });

  it('an unknown checkpoint is refused with the ones kept, and the sandbox carries on unchanged', async ({ createSandbox }) => {
    const sandbox = await createSandbox(options);
    await sandbox.run('x = 1');
    const [only] = await sandbox.checkpoints();
    await expect(sandbox.rewind('c99')).rejects.toMatchObject({
      name: 'SandboxStateError',
      message: expect.stringMatching(/no checkpoint 'c99': it keeps c1\./),
    });
    await expect(sandbox.fork('nope')).rejects.toThrow(/no checkpoint 'nope'/);
    await expect(sandbox.rewind(7 as never)).rejects.toThrow(/no checkpoint of type number/);
    expect(await sandbox.run('x')).toMatchObject({ result: '1' });
    expect((await sandbox.run('x')).restoredFrom).toBeUndefined();
    expect((await sandbox.checkpoints())[0]).toEqual(only);
  });

  it('off by default: no checkpoint, no save in Node, and a rewind says checkpoints are off', async ({ createSandbox }) => {
    const sandbox = await createSandbox({ warmSpare: false });
    await sandbox.run('x = 1');
    await sandbox.whenIdle();
    expect(await sandbox.checkpoints()).toEqual([]);
    await expect(sandbox.rewind('c1')).rejects.toThrow(/checkpoints are off/);
    await expect(sandbox.checkpointNow()).rejects.toThrow(/checkpoints are off/);
    expect(saves(sandbox).begun).toBe(0);
  });

  it('a disposed sandbox refuses them all', async ({ createSandbox }) => {
    const sandbox: PythonSandbox = await createSandbox(options);
    await sandbox.run('x = 1');
    const [only] = await sandbox.checkpoints();
    await sandbox.dispose();
    for (const call of [
      () => sandbox.checkpoints(),
      () => sandbox.checkpointNow(),
      () => sandbox.rewind(only.id),
      () => sandbox.fork(),
      () => sandbox.fork(only.id),
    ])
      await expect(call()).rejects.toMatchObject({ name: 'SandboxDisposedError' });
  });

  it('refuses bounds out of range before booting', async ({ createSandbox }) => {
    await expect(createSandbox({ checkpoints: { maxCount: 0 } })).rejects.toThrow(RangeError);
    await expect(createSandbox({ checkpoints: { maxBytes: 1.5 } })).rejects.toThrow(/checkpoints.maxBytes must be an integer/);
    await expect(createSandbox({ checkpoints: { count: 3 } as never })).rejects.toThrow(/checkpoints has no option count/);
    await expect(createSandbox({ checkpoints: 'yes' as never })).rejects.toThrow(TypeError);
  });
});
