/**
 * Checkpoints in a page (`SandboxOptions.checkpoints`), the default frame: the 20-cell rewind of
 * test/sandbox/timeline.test.ts (the variables and files of cells 1..k and none of the later ones,
 * and the next cell runs), and a fork and its parent that do not see each other's changes. In
 * Chromium, Firefox and WebKit, each on a plain page and a cross-origin-isolated one. Each
 * rewind's time is printed.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { useHostPage } from '../support/browser/engine-host.js';
import { requireLibBuild } from '../support/browser/repo.js';
import { chromium } from '../support/engines/chromium.js';
import type { Engine } from '../support/engines/engine.js';
import { firefox } from '../support/engines/firefox.js';
import { webkit } from '../support/engines/webkit.js';

const TIMEOUT_MS = 240_000;
const ENGINES: { engine: Engine; crossOriginIsolated: boolean }[] = [
  { engine: chromium(), crossOriginIsolated: false },
  { engine: chromium(), crossOriginIsolated: true },
  { engine: firefox(), crossOriginIsolated: false },
  { engine: firefox(), crossOriginIsolated: true },
  { engine: webkit({ sharedArrayBuffer: false }), crossOriginIsolated: false },
  { engine: webkit({ sharedArrayBuffer: true }), crossOriginIsolated: true },
];

/** Cell `i` binds `v{i}`, writes `f{i}.txt`, and overwrites `last.txt` with its number. */
const cell = (i: number) => `v${i} = ${i}\nopen("f${i}.txt", "w").write("${i}")\nopen("last.txt", "w").write("${i}")`;

beforeAll(() => requireLibBuild());

describe.each(ENGINES)('$engine.name', ({ engine, crossOriginIsolated }) => {
  afterAll(() => engine.close());
  const page = crossOriginIsolated ? 'a cross-origin-isolated page' : 'a plain page';
  describe.skipIf(engine.missing)(engine.missing ? `(skipped: ${engine.missing})` : `checkpoints, the default frame on ${page}`, () => {
    const ctx = useHostPage(engine, crossOriginIsolated);
    const sandbox = ctx.host;

    test(
      'rewinding to cell k of 20 leaves the variables and files of cells 1..k and none of the later ones, and the next cell runs',
      async () => {
        await sandbox.create({ checkpoints: true, warmSpare: false });
        for (let i = 1; i <= 20; i++) {
          expect((await sandbox.run(cell(i))).outcome).toBe('OUTCOME_OK');
          await sandbox.whenIdle();
        }
        const kept = await sandbox.checkpoints();
        expect(kept).toHaveLength(20);
        const times: number[] = [];
        for (const k of [15, 7]) {
          times.push((await sandbox.rewind(kept[k - 1].id)).ms);
          const next = await sandbox.run('[name for name in globals() if name.startswith("v")], open("last.txt").read()');
          expect(next.result).toBe(`([${Array.from({ length: k }, (_, i) => `'v${i + 1}'`).join(', ')}], '${k}')`);
          expect(next.restoredFrom).toMatchObject({ source: 'checkpoint', id: kept[k - 1].id });
          const files = (await ctx.page().call<{ path: string }[]>('listFiles', 'main')).map((f) => f.path).sort();
          expect(files).toEqual(['last.txt', ...Array.from({ length: k }, (_, i) => `f${i + 1}.txt`)].sort());
        }
        console.log(
          `[timeline] ${engine.name}, ${page}: checkpoint ${(kept[0].bytes / 2 ** 20).toFixed(2)} MiB; rewinds ${times.map(Math.round).join(', ')} ms`,
        );
      },
      TIMEOUT_MS,
    );

    test(
      'an idle save gives way to a run that arrives while it copies or packs: the run goes first, and the save is made again once the sandbox is idle',
      async () => {
        const saver = ctx.sandbox('saver');
        await saver.create({ checkpoints: true, warmSpare: false });
        // 8 MB that does not compress: the save packs for a while after the run arrives.
        expect((await saver.run('import os\nblob = os.urandom(8_000_000)\nx = 1')).outcome).toBe('OUTCOME_OK');
        expect(await saver.runDuringSave('x = 2', 1)).toEqual({ outcome: 'OUTCOME_OK', counts: { begun: 1, kept: 0, gaveWay: 1 } });
        await saver.whenIdle();
        expect(await saver.saveCounts()).toEqual({ begun: 2, kept: 1, gaveWay: 1 });
        expect((await saver.run('x')).result).toBe('2');
      },
      TIMEOUT_MS,
    );

    /** The frames the page started while `fn` ran (a restore from a staged worker starts none). */
    async function framesStartedDuring(fn: () => Promise<unknown>): Promise<number> {
      await ctx.page().evaluate(() => {
        const page = window as unknown as { framesStarted: number; framesWatch?: MutationObserver };
        page.framesStarted = 0;
        page.framesWatch ??= new MutationObserver((changes) => {
          for (const change of changes) for (const node of change.addedNodes) if (node.nodeName === 'IFRAME') page.framesStarted++;
        });
        page.framesWatch.observe(document.body, { childList: true, subtree: true });
      });
      await fn();
      return ctx.page().evaluate(() => (window as unknown as { framesStarted: number }).framesStarted);
    }
    const frames = () => ctx.page().evaluate(() => document.querySelectorAll('iframe').length);
    /** Sandbox `id` created with checkpoints (and `options`), after a cell `x = n` for each of `values`, idle: its checkpoints. */
    async function checkpointsOf(id: string, options: { warmSpare?: boolean }, values: number[]) {
      const made = ctx.sandbox(id);
      await made.create({ checkpoints: true, ...options });
      for (const x of values) {
        expect((await made.run(`x = ${x}`)).outcome).toBe('OUTCOME_OK');
        await made.whenIdle();
      }
      return { sandbox: made, checkpoints: await made.checkpoints() };
    }
    /** `made` rewound to `checkpoint` by a staged worker (no frame started meanwhile): its next run reads `x` as `value`, and says where it came from. */
    async function expectStagedRewind(made: ReturnType<typeof ctx.sandbox>, checkpoint: { id: string }, value: string) {
      expect(await framesStartedDuring(() => made.rewind(checkpoint.id))).toBe(0);
      expect(await made.run('x')).toMatchObject({ result: value, restoredFrom: { source: 'checkpoint', id: checkpoint.id } });
    }

    test(
      'after a rewind, the next one takes the worker staged for it (no frame starts during it) and restores its checkpoint',
      async () => {
        const {
          sandbox: staged,
          checkpoints: [first, second],
        } = await checkpointsOf('staged', {}, [1, 2, 3]);
        const framesBefore = await frames();
        await staged.rewind(second.id);
        // The run after a restore stages a worker for the next one, in a frame of its own.
        expect((await staged.run('x')).result).toBe('2');
        await expect.poll(frames, { timeout: 30_000 }).toBe(framesBefore + 1);
        await expectStagedRewind(staged, first, '1');
      },
      TIMEOUT_MS,
    );

    test(
      'with warmSpare: true, the first rewind takes a worker staged from the first run',
      async () => {
        const {
          sandbox: eager,
          checkpoints: [first],
        } = await checkpointsOf('eager', { warmSpare: true }, [1, 2]);
        await expectStagedRewind(eager, first, '1');
      },
      TIMEOUT_MS,
    );

    test(
      'a fork and its parent each change a variable, and neither sees the other',
      async () => {
        await sandbox.run('x = 1');
        await sandbox.fork('fork');
        const fork = ctx.sandbox('fork');
        expect(await fork.run('x = 2\nx')).toMatchObject({ result: '2', restoredFrom: { source: 'fork' } });
        await sandbox.run('x = 3');
        expect((await sandbox.run('x')).result).toBe('3');
        expect((await fork.run('x')).result).toBe('2');
      },
      TIMEOUT_MS,
    );
  });
});
