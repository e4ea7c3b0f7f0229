/**
 * Floods from a hostile worker, in every engine: a worker that sends more than an honest
 * one ever does is stopped before the host decodes or keeps anything, the run says so, the next
 * run works, and the page's main thread never pauses for more than 200 ms meanwhile.
 *
 * The pause is wall-clock time between 10 ms timer ticks, so another suite's browsers competing
 * for this machine's two cores would count as the host's own: test/passes.mjs runs this file
 * alone, first, and the bound grows by three times the page's idle pause measured just before
 * (support/browser/pause-bound.ts), for the machine's other load.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { chromium } from '../support/engines/chromium.js';
import type { Engine } from '../support/engines/engine.js';
import { firefox } from '../support/engines/firefox.js';
import { webkit } from '../support/engines/webkit.js';
import {
  ANSWER_AFTER_RUN,
  MIRROR_FLOOD,
  buildNextAnswerUnsent,
  MIRROR_FLOOD_RUNS,
  floodOutput,
  postAfterRun,
  sharedFiles,
  tamperWithNextAnswer,
  tamperWithNextResult,
} from '../support/forgery.js';
import { useHostPage } from '../support/browser/engine-host.js';
import { type PauseAgainstIdle, againstTwin, pauseAgainstIdle, pauseReport } from '../support/pause-bound.js';
import { requireLibBuild } from '../support/browser/repo.js';

const TIMEOUT_MS = 120_000;
/** The longest the page's main thread may pause while a flood is stopped (unbounded, these floods stalled it 55–63 s). */
const MAX_PAGE_STALL_MS = 200;
/** What a run may stream to the page: two 32 KB caps of output, and the cut notes. */
const MAX_STREAMED_CHARS = 32 * 1024 * 2 + 64 * 1024;

/** The longest pause per engine and flood: printed at the end (SECURITY.md quotes them). */
const pauses: string[] = [];
afterAll(() => console.log(`The page's longest pause under each flood:\n${pauses.join('\n')}`));

/**
 * WebKit with SharedArrayBuffer only: the buffer carries interrupts, and no flood here is stopped
 * by one (the frame and the host bound the messages), so WebKit without it would take the same
 * path again (about 37 s of this file, which runs alone). engines.browser.test.ts runs WebKit
 * without it where the path changes.
 */
const ENGINES: Engine[] = [chromium(), firefox(), webkit({ sharedArrayBuffer: true })];

describe.each(ENGINES)('$name', (engine) => {
  const ctx = useHostPage(engine, true);
  const bounded = ctx.sandbox('bounded');
  /** The page's longest pause while `fn` runs, and its bound against the idle page's just before. */
  const pausesDuring = <T>(fn: () => Promise<T>) => pauseAgainstIdle((watched) => bounded.longestStallDuring(watched), MAX_PAGE_STALL_MS, fn);
  /** The pause is under its bound, saying the numbers if not. */
  const expectNoLongPause = (pauses: PauseAgainstIdle<unknown>) => expect(pauses.stallMs, pauseReport(pauses)).toBeLessThan(pauses.boundMs);
  beforeAll(async () => {
    if (engine.missing) return;
    requireLibBuild();
    // 5 MB of files per run: no honest answer is then over ~15 MB of text, and the frame stops a worker that sends more.
    await bounded.create({ limits: { callTimeoutMs: 3000, maxTotalFileBytes: 5 * 1024 * 1024 } });
  }, TIMEOUT_MS);
  afterAll(() => engine.close());

  /**
   * Runs `code` (which arms a flood), expects the worker replaced for `reason`, and returns the
   * page's longest pause. It floods an idle sandbox: from the first replacement on, a warm spare
   * boots behind each one, and in Firefox a spare booting while the 8 MB flood was stopped paused
   * the page 392-811 ms (52-72 ms with no spare booting), which times the spare, not the flood.
   * `twin`: code doing the flood's work in the worker without sending it, the second control
   * (`againstTwin`) where the pause is over its bound.
   */
  async function floodAndRecover(
    flood: string,
    code: string,
    reason: RegExp,
    twin?: string,
  ): Promise<{ timed: PauseAgainstIdle<unknown>; streamedChars: number }> {
    await bounded.whenIdle();
    // A deadline far off: beside heavy other work a flood took past the default 30 s to be sent,
    // and the run met its deadline (OUTCOME_DEADLINE_EXCEEDED) before the flood was seen.
    const flooded = await pausesDuring(() => bounded.run(code, { timeoutMs: 90_000 }));
    const r = flooded.value;
    expect(r).toMatchObject({ outcome: 'OUTCOME_FAILED', stateLost: true, error: { name: 'SandboxCrash' } });
    expect(r.error?.message).toMatch(reason);
    expect(await bounded.run('6 * 7')).toMatchObject({ outcome: 'OUTCOME_OK', result: '42', stateLost: false });
    // The twin, where it runs, beside no booting spare either.
    await bounded.whenIdle();
    const timed = twin
      ? await againstTwin(
          flooded,
          (watched) => bounded.longestStallDuring(watched),
          async () => {
            expect((await bounded.run(twin, { timeoutMs: 90_000 })).outcome).toBe('OUTCOME_OK');
          },
        )
      : flooded;
    pauses.push(`${engine.name}, ${flood}: ${pauseReport(timed)}`);
    return { timed, streamedChars: r.streamed.reduce((n, c) => n + c.text.length, 0) };
  }

  // A pause is timed on a shared two-core machine, so a test over the bound is tried once more (one
  // WebKit round read 259 ms where 4–53 ms is usual); a flood that reaches the page pauses it for
  // seconds on every try (55–63 s unbounded).
  describe.skipIf(engine.missing)(engine.missing ? `(skipped: ${engine.missing})` : 'a cross-origin-isolated page (COOP + COEP)', { retry: 1 }, () => {
    test(
      '300 images fail the run and replace the worker; the page never pauses 200 ms',
      async () => {
        const images = "images: Array.from({ length: 300 }, () => ({ mimeType: 'image/png', data: 'iVBORw0KGgo=' }))";
        const { timed } = await floodAndRecover('300 images', tamperWithNextResult(images), /300 images \(at most 20 per run\)/);
        expectNoLongPause(timed);
      },
      TIMEOUT_MS,
    );

    test.each([
      ['26 files of 1 MB', 26, 1024 * 1024],
      ['60 files sharing one 8 MB string', 60, 6 * 1024 * 1024],
    ])(
      '%s (over the limits) stop the worker in its frame; the page never pauses 200 ms',
      async (name, count, bytes) => {
        // The frame measured the message and stopped the worker: the page never had to receive it.
        const { timed } = await floodAndRecover(
          name,
          tamperWithNextResult(sharedFiles(count, bytes)),
          /sent a message of more than \d+ characters \(no answer within its limits does\)/,
        );
        expectNoLongPause(timed);
      },
      TIMEOUT_MS,
    );

    // What for…in does not reach, which the page would still deserialize: refused by kind, or counted in bytes.
    test.each([
      ['a Map of 600 M characters', "new Map(Array.from({ length: 600 }, (_, i) => [i, 'x'.repeat(1e6) + i]))", /not plain data \(Map\)/],
      ['an Error of 100 M characters', "new Error('x'.repeat(1e8))", /not plain data \(Error\)/],
      ['three ArrayBuffers of 200 MiB', '[1, 2, 3].map(() => new ArrayBuffer(200 * 1024 * 1024))', /a message of more than \d+ bytes/],
      // A saved state's shape and size, which the gate lets through only as the answer to a save the page asked for.
      ["a saved state's 140 MiB, as a run's answer", "{ id: m.id, type: 'RAW', value: new Uint8Array(140 * 1024 * 1024) }", /a message of more than \d+ bytes/],
      ['a sparse array of 100 M holes', '{ ...m, value: new Array(1e8) }', /sparse array|more than \d+ characters/],
    ])(
      '%s as its answer stops the worker in its frame; the page never pauses 200 ms',
      async (name, answer, reason) => {
        const { timed } = await floodAndRecover(name, tamperWithNextAnswer(answer), reason, buildNextAnswerUnsent(answer));
        expectNoLongPause(timed);
      },
      TIMEOUT_MS,
    );

    test(
      '300 output events of 1 MB stop the worker after at most two caps reached the page; the page never pauses 200 ms',
      async () => {
        const { timed, streamedChars } = await floodAndRecover('300 output events of 1 MB', floodOutput(300, 1 << 20), /streamed more than .* characters/);
        expect(streamedChars).toBeLessThanOrEqual(MAX_STREAMED_CHARS);
        expectNoLongPause(timed);
      },
      TIMEOUT_MS,
    );

    // What the host drops (or a worker sends between runs) must cost the sender its worker, not
    // the page its turns: sent after the run, 50 every millisecond, without end. Empty output for
    // the run just ended adds nothing to its cap, but is more output than its result declared.
    test.each([
      ['output for the run that ended, over its cap', postAfterRun("{ type: 'output', runId, stream: 'stdout', text: 'x'.repeat(1024) }"), true],
      ['empty output for the run that ended', postAfterRun("{ type: 'output', runId, stream: 'stdout', text: '' }"), true],
      ['output for a run that is not going', postAfterRun("{ type: 'output', runId: runId + 5, stream: 'stdout', text: 'x' }"), true],
      ['progress lines between runs', postAfterRun("{ type: 'progress', phase: 'packages', message: 'x' }"), true],
      ['answers to calls the host never made', ANSWER_AFTER_RUN, true],
    ])(
      '%s, sent after the run without end: the page keeps half its ticks and never pauses 500 ms, and 1 + 1 answers within 2 s',
      async (name, arming, stopped) => {
        await bounded.whenIdle();
        expect((await bounded.run(arming)).outcome).toBe('OUTCOME_OK');
        const timed = await pauseAgainstIdle(
          (watched) => bounded.longestStallDuring(watched),
          500,
          async () => {
            // A second of the flood: its first messages reach the frame within milliseconds.
            await new Promise((resolve) => setTimeout(resolve, 1000));
            const started = performance.now();
            const next = await bounded.run('1 + 1');
            return { next, ms: performance.now() - started };
          },
        );
        const tickShare = timed.tickShare ?? 0;
        pauses.push(
          `${engine.name}, ${name} after the run: ${pauseReport(timed)}; ${Math.round(100 * tickShare)} % of ticks; 1 + 1 in ${Math.round(timed.value.ms)} ms (stateLost: ${timed.value.next.stateLost})`,
        );
        expect(timed.value.next).toMatchObject({ outcome: 'OUTCOME_OK', result: '2', stateLost: stopped });
        expectNoLongPause(timed);
        expect(timed.value.ms).toBeLessThan(2000 + 3 * timed.idleStallMs);
        expect(tickShare).toBeGreaterThanOrEqual(0.5);
      },
      TIMEOUT_MS,
    );

    // An honest run within every limit, 5,000 one-byte files with long names.
    test(
      'a run that writes 5,000 one-byte files with long names never pauses the page 200 ms',
      async () => {
        const code =
          'import os\nbase = "many/" + "n" * 200\nos.makedirs(base, exist_ok=True)\nfor i in range(5000): open(f"{base}/{\'f\' * 200}-{i:05d}", "w").write("x")';
        const timed = await pausesDuring(() => bounded.runCounted(code));
        pauses.push(`${engine.name}, 5,000 files with long names: ${pauseReport(timed)}`);
        expect(timed.value).toMatchObject({ outcome: 'OUTCOME_OK', stateLost: false, files: 5000 });
        expectNoLongPause(timed);
        await bounded.run('import shutil\nshutil.rmtree("many")');
      },
      TIMEOUT_MS,
    );

    test(
      `${MIRROR_FLOOD_RUNS} runs that each replace 5,000 empty files with long names never pause the page 200 ms, and a restart after them answers within seconds, not a minute`,
      async () => {
        const timed = await pausesDuring(async () => {
          const seen: string[] = [];
          for (let run = 0; run < MIRROR_FLOOD_RUNS; run++) seen.push((await bounded.runCounted(MIRROR_FLOOD)).outcome);
          return seen;
        });
        pauses.push(`${engine.name}, ${MIRROR_FLOOD_RUNS} runs of 5,000 long-named files: ${pauseReport(timed)}`);
        expect(timed.value).toEqual(Array(MIRROR_FLOOD_RUNS).fill('OUTCOME_OK'));
        expectNoLongPause(timed);
        expect((await bounded.run('import os\nos._exit(0)')).stateLost).toBe(true);
        // The run's own duration, timed in the page, includes waiting for the replacement and its files.
        const next = await bounded.run('6 * 7');
        pauses.push(`${engine.name}, the restart after them: the next run took ${Math.round(next.durationMs)} ms`);
        expect(next).toMatchObject({ outcome: 'OUTCOME_OK', result: '42' });
        // Before the write-back was bounded this restart took 53 s. Now 0.3-1 s alone, but up to 2.3 s
        // on a first round here (the replacement boots while the page writes the files back), more
        // on a loaded machine: the bound catches the unbounded write-back, and the speed itself is
        // not a unit test's to time.
        expect(next.durationMs).toBeLessThan(15_000);
        await bounded.run('import shutil\nshutil.rmtree("batch")');
      },
      TIMEOUT_MS,
    );

    // An honest run (no tampering), one line of 40 MB below sys.stdout.
    test(
      'one 40 MB line written below sys.stdout is capped by characters: Python is kept and the page never pauses 200 ms',
      async () => {
        const timed = await pausesDuring(() => bounded.run('import os\nos.write(1, b"A" * 40_000_000 + b"\\n")'));
        const r = timed.value;
        pauses.push(`${engine.name}, one 40 MB line below sys.stdout: ${pauseReport(timed)}`);
        expect(r).toMatchObject({ outcome: 'OUTCOME_OK', stateLost: false });
        expect(r.output).toContain('more output written below sys.stdout was dropped');
        expect(r.streamed.reduce((n, c) => n + c.text.length, 0)).toBeLessThanOrEqual(MAX_STREAMED_CHARS);
        expectNoLongPause(timed);
        expect(await bounded.run('6 * 7')).toMatchObject({ outcome: 'OUTCOME_OK', result: '42', stateLost: false });
      },
      TIMEOUT_MS,
    );
  });
});
