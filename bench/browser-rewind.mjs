/**
 * Rewind in each browser engine, on a page without cross-origin isolation (most static hosts),
 * with the default frame isolation: three sandboxes in one page, each with `checkpoints: true` and
 * a `warmSpare` of its own: the default (`auto`: a worker staged for the next restore once it has
 * restored, src/sandbox/session/interpreters.ts), `true` (one staged from the first run) and
 * `false` (every rewind a boot). Each gets 20 cells (each binds a variable and writes a file; the
 * sandbox idle between them, as between a model's turns), then each rewinds to checkpoints 20, 15,
 * 10, 5 and 2 in turn, timed in the page from the call to its resolve and checked by a run (the
 * cell's variable there, the next one's gone), then waits until idle (a staged worker ready);
 * each round of three beside a `create()` in the same page made just before it (a boot from the
 * snapshot, the runtime already in the page: the control; each ratio is its own round's). The
 * default's first rewind has no staged worker yet: it is reported apart. The target: a rewind
 * within 250 ms in Chromium. Runs on the tests' host page (test/browser/pages/host.html) with the
 * bench's frozen build.
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
      start: () => ({ controlMs: [], ...Object.fromEntries(['auto', 'first', 'eager', 'unstaged'].map((kind) => [kind, { ms: [], ratio: [] }])) }),
      round: (page, n, samples) => measure(page, `r${n}`, counts, samples),
      summarize,
    },
  );
  return { counts, engines };
}

/** The sandboxes compared, by `warmSpare`. */
const VARIANTS = { auto: {}, eager: { warmSpare: true }, unstaged: { warmSpare: false } };

async function measure(page, id, counts, out) {
  const byRun = {};
  for (const [variant, options] of Object.entries(VARIANTS)) {
    const sandbox = `${id}-${variant}`;
    await page.call('create', { checkpoints: true, ...options }, sandbox);
    for (let i = 1; i <= counts.cells; i++) {
      const ran = await page.call('run', `v${i} = ${i}\nopen("f${i}.txt", "w").write("${i}")`, {}, sandbox);
      if (ran.outcome !== 'OUTCOME_OK') throw new Error(`cell ${i}: ${ran.outcome}`);
      await page.call('whenIdle', sandbox);
    }
    byRun[variant] = new Map((await page.call('checkpoints', sandbox)).map((checkpoint) => [checkpoint.run, checkpoint.id]));
  }
  /** Rewinds `variant`'s sandbox to `cell`'s checkpoint and checks it: its time. */
  const rewind = async (variant, cell) => {
    const sandbox = `${id}-${variant}`;
    const checkpoint = byRun[variant].get(cell);
    if (!checkpoint) throw new Error(`no checkpoint of run ${cell}: ${[...byRun[variant].keys()].join(', ')}`);
    const { ms } = await page.call('rewind', checkpoint, sandbox);
    const check = await page.call('run', `import os\n(v${cell}, "v${cell + 1}" in globals(), os.path.exists("f${cell + 1}.txt"))`, {}, sandbox);
    if (check.result !== `(${cell}, False, False)`) throw new Error(`after the rewind to ${cell}: ${check.result ?? check.error?.message}`);
    await page.call('whenIdle', sandbox);
    return ms;
  };
  for (const [n, cell] of REWIND_TO.entries()) {
    const control = `${id}-control-${cell}`;
    const { ms: controlMs, bootPath } = await page.call('create', {}, control);
    if (bootPath !== 'snapshot') throw new Error(`the control booted ${bootPath}, not from the snapshot`);
    await page.call('dispose', control);
    out.controlMs.push(controlMs);
    for (const variant of Object.keys(VARIANTS)) {
      const ms = await rewind(variant, cell);
      // The default's first rewind is a boot: its staged worker comes after it.
      const kept = variant === 'auto' && n === 0 ? 'first' : variant;
      out[kept].ms.push(ms);
      out[kept].ratio.push(ms / controlMs);
    }
  }
  for (const variant of Object.keys(VARIANTS)) await page.call('dispose', `${id}-${variant}`);
}

function summarize(samples) {
  const summary = (s) => ({
    ms: Math.round(median(s.ms)),
    maxMs: Math.round(Math.max(...s.ms)),
    ratio: median(s.ratio),
    ratioRange: [Math.min(...s.ratio), Math.max(...s.ratio)],
  });
  return {
    samples,
    controlMs: Math.round(median(samples.controlMs)),
    ...Object.fromEntries(['auto', 'first', 'eager', 'unstaged'].map((kind) => [kind, summary(samples[kind])])),
  };
}

/** The Markdown table (medians). */
export function browserRewindTable(results) {
  if (!results) return '';
  const rows = [
    `### Rewind in the browser engines, plain page (${results.counts.rounds} rounds × ${REWIND_TO.length} rewinds, medians)`,
    '',
    '| engine | default: rewind with a staged worker (max) | ÷ control | default: first rewind (nothing staged yet) | ÷ control | `warmSpare: true`: every rewind (max) | ÷ control | `warmSpare: false`: every rewind a boot (max) | ÷ control | control: `create()` just before |',
    '|---|---|---|---|---|---|---|---|---|---|',
  ];
  const cell = (s) => `${s.ms} ms (${s.maxMs}) | ${s.ratio.toFixed(2)}× [${s.ratioRange[0].toFixed(2)}–${s.ratioRange[1].toFixed(2)}]`;
  for (const [engine, s] of Object.entries(results.engines)) {
    if (s.skipped) rows.push(`| ${engine} | skipped: ${s.skipped} | | | | | | | | |`);
    else
      rows.push(
        `| ${engine} | ${cell(s.auto)} | ${s.first.ms} ms | ${s.first.ratio.toFixed(2)}× | ${cell(s.eager)} | ${cell(s.unstaged)} | ${s.controlMs} ms |`,
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
