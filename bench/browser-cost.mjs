/**
 * What every run and every megabyte costs in the browser (Chromium, default options:
 * the isolation frame), side by side with raw Pyodide (bench/raw-worker.mjs):
 *   - HumanEval 164 and 100 small runs (`x = i * 2`), both targets in one page, paired
 *     (suite.mjs `pairedRounds`);
 *   - renderer memory (PSS) after boot and after the HumanEval pass, a browser of its own per
 *     contestant (rendererPss below says why PSS, and how the processes are found);
 *   - a return visit in a persistent profile: first visit, browser closed, relaunched, measured;
 *   - the restart after a forced stop on a page that cannot interrupt (no COOP/COEP), and on an
 *     isolated page, where the spare is made only after the first forced stop (interpreters.ts).
 * `BENCH_ONLY=browser-cost` runs only these (with `BENCH_QUICK=1`: a round each), to iterate.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { withBenchPage, withFreshBenchPage } from './bench-page.mjs';
import { browserPid, rendererPids } from './cpu-throttle.mjs';

/** The browser-cost goals. */
export const COST_GOALS = { humanEvalRatio: 1.0, smallRunsRatio: 1.1, memoryRatio: 1.1, persistentReturnRatio: 0.25, afterKillMs: 150 };

/** Chromium keeps an empty renderer ready for the next navigation; memory is measured without it. */
const SPARE_RENDERER_OFF = '--disable-features=SpareRendererForSitePerProcess';

/** `x = 0 * 2` … `x = 99 * 2`: one round of small runs. */
export const SMALL_RUNS = Array.from({ length: 100 }, (_, i) => `x = ${i} * 2`);

/**
 * Every browser-cost measurement in Chromium. `launch(args)` starts a browser (test/support/chromium.ts);
 * `site` serves the bench page cross-origin isolated, `plainSite` without COOP/COEP.
 */
export async function benchBrowserCost({ launch, launchOptions, site, plainSite, programs, counts, log }) {
  const out = {};
  const browser = await launch();
  try {
    out.smallRuns = await withFreshBenchPage(
      browser,
      site,
      (page) => page.evaluate(([p, r]) => window.bench.pairedRuns(p, r, 'small runs'), [SMALL_RUNS, counts.smallRunRounds]),
      (line) => log(`chromium ${line}`),
    );
    if (programs)
      out.humanEval = await withFreshBenchPage(
        browser,
        site,
        (page) => page.evaluate(([p, r]) => window.bench.pairedRuns(p, r, 'HumanEval'), [programs, counts.humanEvalRounds]),
        (line) => log(`chromium ${line}`),
      );
    log('chromium: restarts after a forced stop, page without COOP/COEP (cannot interrupt)');
    out.plainRestarts = await withFreshBenchPage(browser, plainSite, (page) => page.evaluate((n) => window.bench.restarts(n), counts.restarts), undefined, {
      isolated: false,
    });
    log('chromium: restarts after a forced stop, isolated page (spare made after the first)');
    out.isolatedRestarts = await withFreshBenchPage(browser, site, (page) => page.evaluate((n) => window.bench.restarts(n), counts.restarts));
  } finally {
    await browser.close();
  }
  out.memory = await memoryRounds({ launch, site, programs, rounds: counts.memoryRounds, log });
  out.persistentVisits = await persistentVisits({ launchOptions, site, rounds: counts.visitRounds, log });
  return out;
}

/**
 * Memory, per round and contestant in a browser of its own (so no process is shared): the
 * target made and settled (the sandbox's `whenIdle()`: any spare booted, snapshot stored), PSS;
 * then the HumanEval pass in it, PSS again. `contestants`: name → the sandbox's options (`raw`:
 * raw Pyodide), in rotating order.
 */
export async function memoryRounds({ launch, site, programs, rounds, log, contestants = { sandbox: undefined, raw: undefined } }) {
  const names = Object.keys(contestants);
  const out = Object.fromEntries(names.map((name) => [name, []]));
  for (let round = 0; round < rounds; round++) {
    for (const kind of names.map((_, i) => names[(i + round) % names.length])) {
      const tag = randomUUID();
      const browser = await launch([`--bench-tag=${tag}`, SPARE_RENDERER_OFF]);
      try {
        const sample = await withFreshBenchPage(browser, site, async (page) => {
          await page.evaluate(([k, o]) => window.bench.hold(k === 'raw' ? 'raw' : 'sandbox', o), [kind, contestants[kind] ?? null]);
          const afterBoot = await settledPss(tag);
          if (programs) await page.evaluate((p) => window.bench.runHeld(p), programs);
          const afterHumanEval = programs ? await settledPss(tag) : undefined;
          await page.evaluate(() => window.bench.release());
          return { afterBoot, afterHumanEval };
        });
        log(
          `chromium memory round ${round + 1}: ${kind} ${sample.afterBoot.mb.toFixed(0)} MB after boot, ${sample.afterHumanEval?.mb.toFixed(0)} MB after HumanEval (renderers: ${sample.afterBoot.each.map((mb) => mb.toFixed(0)).join(' + ')} MB)`,
        );
        out[kind].push({ ...sample, round });
      } finally {
        await browser.close();
      }
    }
  }
  return out;
}

/** PSS once the renderers have had a moment to finish what the last step started (a GC, freeing). */
async function settledPss(tag) {
  await new Promise((resolve) => setTimeout(resolve, 1000));
  return rendererPss(tag);
}

/**
 * The summed PSS (MB) of the renderer processes of the browser launched with `--bench-tag=tag`.
 * PSS (proportional set size, /proc/PID/smaps_rollup) counts each page a process maps once,
 * shared pages divided among the processes sharing them: so summing it over processes neither
 * double-counts the code every renderer maps from the Chromium binary (RSS would) nor misses a
 * process's private heap (as USS-style counts of shared memory would not). Dedicated workers live
 * in the renderer process of their document, so the page's renderer, the frame's (if Chromium
 * gives the opaque-origin frame its own) and every worker are counted; the browser, GPU and
 * utility processes are the same for both contestants and are left out. Renderers are found as
 * the descendants of the tagged browser process (through the zygote) with `--type=renderer`
 * (cpu-throttle.mjs finds them, for the phone's throttle too).
 * The browser is launched without Chromium's spare renderer (an empty process kept ready for the
 * next navigation: not the page's, and the same for both), see SPARE_RENDERER_OFF.
 */
export function rendererPss(tag) {
  const pids = rendererPids(browserPid(tag));
  const each = pids.map((pid) => Number(/^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'))?.[1] ?? 0) / 1024);
  return { mb: each.reduce((sum, mb) => sum + mb, 0), processes: pids.length, each };
}

/**
 * Return visits as a browser that keeps its profile sees them: per round and contestant, a
 * persistent profile in a new temporary folder; a first visit; the browser closed and launched
 * again on that profile; the visit measured (HTTP cache, Cache Storage and V8's code cache from disk).
 */
async function persistentVisits({ launchOptions, site, rounds, log }) {
  const out = { sandbox: [], raw: [] };
  for (let round = 0; round < rounds; round++) {
    for (const kind of round % 2 ? ['raw', 'sandbox'] : ['sandbox', 'raw']) {
      const profile = mkdtempSync(join(tmpdir(), 'bench-profile-'));
      try {
        const visitOnce = async () => {
          const context = await chromium.launchPersistentContext(profile, launchOptions);
          try {
            return await withBenchPage(context, site, (page) => page.evaluate((k) => window.bench.visit(k, k === 'sandbox' ? {} : undefined), kind));
          } finally {
            await context.close();
          }
        };
        await visitOnce();
        const sample = await visitOnce();
        log(`chromium persistent-profile return visit, round ${round + 1}: ${kind} ${sample.ms.toFixed(0)} ms (${sample.bootPath})`);
        if (kind === 'sandbox' && (sample.bootPath !== 'snapshot' || sample.isolation !== 'frame'))
          throw new Error(`persistent return visit: ${sample.bootPath} boot, ${sample.isolation} isolation`);
        out[kind].push({ ...sample, round });
      } finally {
        rmSync(profile, { recursive: true, force: true });
      }
    }
  }
  return out;
}

/** The browser-cost rows of the targets table, through targets.mjs's `compare`. */
export function browserCostRows(cost, { compare }) {
  if (!cost) return;
  if (cost.humanEval)
    compare(
      'Per-run overhead: the 164 HumanEval programs, one `run` each, in one interpreter',
      "Chromium: `isolation: 'frame'` (default)",
      cost.humanEval.sandbox,
      cost.humanEval.raw,
      'raw Pyodide, same page',
      COST_GOALS.humanEvalRatio,
    );
  compare(
    'Per-run overhead: 100 small runs (`x = i * 2`), one interpreter',
    "Chromium: `isolation: 'frame'` (default)",
    cost.smallRuns.sandbox,
    cost.smallRuns.raw,
    'raw Pyodide, same page',
    COST_GOALS.smallRunsRatio,
  );
  const mb = (key) => (s) => s[key] && { ms: s[key].mb, round: s.round };
  const MEMORY = "Renderer memory (PSS of the page's renderer processes), a browser per contestant";
  compare(
    MEMORY,
    'Chromium, default options: after boot (settled)',
    cost.memory.sandbox.map(mb('afterBoot')),
    cost.memory.raw.map(mb('afterBoot')),
    'raw Pyodide, its own browser',
    COST_GOALS.memoryRatio,
    'MB',
  );
  if (cost.memory.sandbox[0]?.afterHumanEval)
    compare(
      MEMORY,
      'Chromium, default options: after the HumanEval pass',
      cost.memory.sandbox.map(mb('afterHumanEval')),
      cost.memory.raw.map(mb('afterHumanEval')),
      'raw Pyodide, its own browser',
      COST_GOALS.memoryRatio,
      'MB',
    );
  compare(
    '1. Return visit in a persistent profile (browser closed and relaunched)',
    "Chromium: `isolation: 'frame'` (default)",
    cost.persistentVisits.sandbox,
    cost.persistentVisits.raw,
    'raw, relaunched on its profile',
    COST_GOALS.persistentReturnRatio,
  );
}

/**
 * The restart rows of Chromium (targets.mjs puts them beside Node's): the goal holds where a stop
 * must terminate (a page without COOP/COEP: the spare is kept from the start); on an isolated
 * page the first replacement restores from the snapshot (no spare yet), later ones take the spare.
 */
export function browserRestartRows(cost, { absolute }, KILL, FATAL) {
  if (!cost) return;
  const plain = 'Chromium, default options, page without COOP/COEP (cannot interrupt: spare from the start)';
  const isolated = 'Chromium, default options, isolated page (no spare until the first replacement): first, then later';
  absolute(KILL, plain, cost.plainRestarts.afterKillMs, COST_GOALS.afterKillMs);
  absolute(KILL, isolated, cost.isolatedRestarts.afterKillMs);
  absolute(FATAL, plain, cost.plainRestarts.afterFatalMs, COST_GOALS.afterKillMs);
  absolute(FATAL, isolated, cost.isolatedRestarts.afterFatalMs);
}
