/**
 * Rewind in each browser engine, on a page without cross-origin isolation (most static hosts),
 * with the default frame isolation: 20 cells (each binds a variable and writes a file; the sandbox
 * idle between them, as between a model's turns), then `rewind` to checkpoints 20, 15, 10, 5 and 2
 * in turn, each timed in the page from the call to its resolve and checked by a run (the cell's
 * variable there, the next one's gone), each paired with a `create()` in the same page made just
 * before it (a boot from the snapshot, the runtime already in the page: the control; the ratio is
 * each pair's own). The target: a rewind within 250 ms in Chromium. Runs on the tests' host page
 * (test/browser/pages/host.html) with the bench's frozen build.
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
    { start: () => ({ rewindMs: [], controlMs: [], ratio: [] }), round: (page, n, samples) => measure(page, `r${n}`, counts, samples), summarize },
  );
  return { counts, engines };
}

async function measure(page, id, counts, out) {
  await page.call('create', { checkpoints: true }, id);
  for (let i = 1; i <= counts.cells; i++) {
    const ran = await page.call('run', `v${i} = ${i}\nopen("f${i}.txt", "w").write("${i}")`, {}, id);
    if (ran.outcome !== 'OUTCOME_OK') throw new Error(`cell ${i}: ${ran.outcome}`);
    await page.call('whenIdle', id);
  }
  const byRun = new Map((await page.call('checkpoints', id)).map((checkpoint) => [checkpoint.run, checkpoint.id]));
  for (const cell of REWIND_TO) {
    const checkpoint = byRun.get(cell);
    if (!checkpoint) throw new Error(`no checkpoint of run ${cell}: ${[...byRun.keys()].join(', ')}`);
    const control = `${id}-control-${cell}`;
    const { ms: controlMs, bootPath } = await page.call('create', {}, control);
    if (bootPath !== 'snapshot') throw new Error(`the control booted ${bootPath}, not from the snapshot`);
    await page.call('dispose', control);
    const { ms } = await page.call('rewind', checkpoint, id);
    const check = await page.call('run', `import os\n(v${cell}, "v${cell + 1}" in globals(), os.path.exists("f${cell + 1}.txt"))`, {}, id);
    if (check.result !== `(${cell}, False, False)`) throw new Error(`after the rewind to ${cell}: ${check.result ?? check.error?.message}`);
    await page.call('whenIdle', id);
    out.rewindMs.push(ms);
    out.controlMs.push(controlMs);
    out.ratio.push(ms / controlMs);
  }
  await page.call('dispose', id);
}

function summarize(samples) {
  return {
    samples,
    rewindMs: Math.round(median(samples.rewindMs)),
    maxRewindMs: Math.round(Math.max(...samples.rewindMs)),
    controlMs: Math.round(median(samples.controlMs)),
    ratio: median(samples.ratio),
    ratioRange: [Math.min(...samples.ratio), Math.max(...samples.ratio)],
  };
}

/** The Markdown table (medians). */
export function browserRewindTable(results) {
  if (!results) return '';
  const rows = [
    `### Rewind in the browser engines, plain page (${results.counts.rounds} rounds × ${REWIND_TO.length} rewinds, medians)`,
    '',
    '| engine | rewind to one of the last 20 checkpoints (max) | `create()` in the same page just before it | rewind ÷ its control [lowest–highest] |',
    '|---|---|---|---|',
  ];
  for (const [engine, s] of Object.entries(results.engines)) {
    if (s.skipped) rows.push(`| ${engine} | skipped: ${s.skipped} | | |`);
    else
      rows.push(
        `| ${engine} | ${s.rewindMs} ms (${s.maxRewindMs}) | ${s.controlMs} ms | ${s.ratio.toFixed(2)}× [${s.ratioRange[0].toFixed(2)}–${s.ratioRange[1].toFixed(2)}] |`,
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
