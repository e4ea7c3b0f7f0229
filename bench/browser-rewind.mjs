/**
 * Rewind in each browser engine, on a page without cross-origin isolation (most static hosts),
 * with the default frame isolation: two sandboxes in one page, the default (which stages a worker
 * for the next restore once it has restored: src/sandbox/session/interpreters.ts) and one with
 * `warmSpare: false` (every rewind a boot), each given 20 cells (each binds a variable and writes
 * a file; the sandbox idle between them, as between a model's turns), then both `rewind` to
 * checkpoints 20, 15, 10, 5 and 2 in turn, each timed in the page from the call to its resolve and
 * checked by a run (the cell's variable there, the next one's gone), each pair beside a `create()`
 * in the same page made just before it (a boot from the snapshot, the runtime already in the page:
 * the control; each ratio is its own pair's). The default's first rewind has no staged worker yet:
 * it is reported apart. The target: a rewind within 250 ms in Chromium. Runs on the tests' host
 * page (test/browser/pages/host.html) with the bench's frozen build.
 *
 * Alone: `node bench/browser-rewind.mjs` (after `npm run build`; `BENCH_QUICK=1` for one round).
 * In the whole bench: `BENCH_ONLY=browser-rewind npm run bench`.
 */
import { onPlainPages } from './plain-page-engines.mjs';
import { runAloneIfMain } from './run-alone.mjs';
import { median } from './suite.mjs';

export const BROWSER_REWIND_COUNTS = { rounds: 3, cells: 20 };
export const BROWSER_REWIND_QUICK_COUNTS = { rounds: 1, cells: 20 };

/** Checkpoints rewound to, by cell: newest first, as a rewind drops the later ones. */
const REWIND_TO = [20, 15, 10, 5, 2];

/** Every sample, by engine; `root`: the frozen build's (frozen-build.mjs). */
export async function benchBrowserRewind({ root, counts, log }) {
  const engines = await onPlainPages(
    { root, rounds: counts.rounds, log, label: 'browser rewind' },
    {
      start: () => ({ rewindMs: [], firstMs: [], unstagedMs: [], controlMs: [], ratio: [], unstagedRatio: [], againstUnstaged: [] }),
      round: (page, n, samples) => measure(page, `r${n}`, counts, samples),
      summarize,
    },
  );
  return { counts, engines };
}

async function measure(page, id, counts, out) {
  const staged = id;
  const unstaged = `${id}-unstaged`;
  await page.call('create', { checkpoints: true }, staged);
  await page.call('create', { checkpoints: true, warmSpare: false }, unstaged);
  const byRun = {};
  for (const sandbox of [staged, unstaged]) {
    for (let i = 1; i <= counts.cells; i++) {
      const ran = await page.call('run', `v${i} = ${i}\nopen("f${i}.txt", "w").write("${i}")`, {}, sandbox);
      if (ran.outcome !== 'OUTCOME_OK') throw new Error(`cell ${i}: ${ran.outcome}`);
      await page.call('whenIdle', sandbox);
    }
    byRun[sandbox] = new Map((await page.call('checkpoints', sandbox)).map((checkpoint) => [checkpoint.run, checkpoint.id]));
  }
  /** Rewinds `sandbox` to `cell`'s checkpoint and checks it: its time. */
  const rewind = async (sandbox, cell) => {
    const checkpoint = byRun[sandbox].get(cell);
    if (!checkpoint) throw new Error(`no checkpoint of run ${cell}: ${[...byRun[sandbox].keys()].join(', ')}`);
    const { ms } = await page.call('rewind', checkpoint, sandbox);
    const check = await page.call('run', `import os\n(v${cell}, "v${cell + 1}" in globals(), os.path.exists("f${cell + 1}.txt"))`, {}, sandbox);
    if (check.result !== `(${cell}, False, False)`) throw new Error(`after the rewind to ${cell}: ${check.result ?? check.error?.message}`);
    // The default's staged worker for its next rewind is ready once it is idle.
    await page.call('whenIdle', sandbox);
    return ms;
  };
  for (const [n, cell] of REWIND_TO.entries()) {
    const control = `${id}-control-${cell}`;
    const { ms: controlMs, bootPath } = await page.call('create', {}, control);
    if (bootPath !== 'snapshot') throw new Error(`the control booted ${bootPath}, not from the snapshot`);
    await page.call('dispose', control);
    const ms = await rewind(staged, cell);
    const unstagedMs = await rewind(unstaged, cell);
    out.controlMs.push(controlMs);
    out.unstagedMs.push(unstagedMs);
    out.unstagedRatio.push(unstagedMs / controlMs);
    if (n === 0) {
      out.firstMs.push(ms);
      continue;
    }
    out.rewindMs.push(ms);
    out.ratio.push(ms / controlMs);
    out.againstUnstaged.push(ms / unstagedMs);
  }
  await page.call('dispose', staged);
  await page.call('dispose', unstaged);
}

function summarize(samples) {
  const range = (values) => [Math.min(...values), Math.max(...values)];
  return {
    samples,
    rewindMs: Math.round(median(samples.rewindMs)),
    maxRewindMs: Math.round(Math.max(...samples.rewindMs)),
    firstMs: Math.round(median(samples.firstMs)),
    unstagedMs: Math.round(median(samples.unstagedMs)),
    maxUnstagedMs: Math.round(Math.max(...samples.unstagedMs)),
    controlMs: Math.round(median(samples.controlMs)),
    ratio: median(samples.ratio),
    ratioRange: range(samples.ratio),
    unstagedRatio: median(samples.unstagedRatio),
    againstUnstaged: median(samples.againstUnstaged),
    againstUnstagedRange: range(samples.againstUnstaged),
  };
}

/** The Markdown table (medians). */
export function browserRewindTable(results) {
  if (!results) return '';
  const rows = [
    `### Rewind in the browser engines, plain page (${results.counts.rounds} rounds × ${REWIND_TO.length} rewinds, medians)`,
    '',
    '| engine | rewind, staged worker (max) | ÷ its control [lowest–highest] | ÷ unstaged, same cell [lowest–highest] | first rewind (nothing staged yet) | `warmSpare: false`: every rewind a boot (max) | ÷ its control | `create()` just before (the control) |',
    '|---|---|---|---|---|---|---|---|',
  ];
  const x = (ratio) => `${ratio.toFixed(2)}×`;
  const range = ([low, high]) => `[${low.toFixed(2)}–${high.toFixed(2)}]`;
  for (const [engine, s] of Object.entries(results.engines)) {
    if (s.skipped) rows.push(`| ${engine} | skipped: ${s.skipped} | | | | | | |`);
    else
      rows.push(
        `| ${engine} | ${s.rewindMs} ms (${s.maxRewindMs}) | ${x(s.ratio)} ${range(s.ratioRange)} | ${x(s.againstUnstaged)} ${range(s.againstUnstagedRange)} | ${s.firstMs} ms | ${s.unstagedMs} ms (${s.maxUnstagedMs}) | ${x(s.unstagedRatio)} | ${s.controlMs} ms |`,
      );
  }
  return rows.join('\n');
}

await runAloneIfMain(import.meta.url, {
  bench: benchBrowserRewind,
  table: browserRewindTable,
  counts: BROWSER_REWIND_COUNTS,
  quickCounts: BROWSER_REWIND_QUICK_COUNTS,
});
