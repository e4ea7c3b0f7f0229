/**
 * What the saves that keep Python's state cost a run, in Chromium: the same programs in three
 * sandboxes of one page, paired run by run with raw Pyodide's (suite.mjs `pairedRounds`): the
 * default options, `restartPoints: true`, and `checkpoints: true` (the widget's). 100 small runs
 * (`x = i * 2`) and HumanEval's 164 programs, each sent as the one before answers, so each
 * sandbox's runs come a few milliseconds apart; and the renderers' memory (PSS) after boot and
 * after the HumanEval pass, a browser per variant (browser-cost.mjs `memoryRounds`). The goal: each with saves within 5 % of the
 * default, a round's own ratio (the median over rounds). The idle saves are made once a sandbox has
 * been idle for a while; before that (a save a turn after each run), a run that came meanwhile
 * waited for it.
 *
 * Alone: `node bench/save-cost.mjs` (after `npm run build`; `BENCH_QUICK=1` for one round).
 * In the whole bench: `BENCH_ONLY=save-cost npm run bench`.
 */
import { withFreshBenchPage } from './bench-page.mjs';
import { SMALL_RUNS, memoryRounds } from './browser-cost.mjs';
import { humanEvalPrograms } from './humaneval.mjs';
import { runAloneIfMain } from './run-alone.mjs';
import { median } from './suite.mjs';

export const SAVE_COST_COUNTS = { smallRunRounds: 9, humanEvalRounds: 5, memoryRounds: 3 };
export const SAVE_COST_QUICK_COUNTS = { smallRunRounds: 1, humanEvalRounds: 1, memoryRounds: 1 };
/** The most a run with saves may cost, against the same run without. */
export const SAVE_COST_GOAL = 1.05;

const VARIANTS = { default: undefined, restartPoints: { restartPoints: true }, checkpoints: { checkpoints: true } };

/** Per program set: each kind's per-round totals (`pairedRounds`' samples). */
export async function benchSaveCost({ root, counts, launchChromium, startStaticServer, log }) {
  const site = await startStaticServer({ root, crossOriginIsolated: true });
  const browser = await launchChromium();
  try {
    const sets = { '100 small runs': [SMALL_RUNS, counts.smallRunRounds] };
    const programs = humanEvalPrograms();
    if (programs) sets.HumanEval = [programs, counts.humanEvalRounds];
    else log('save cost: ../shared/eval/HumanEval.jsonl.gz not found beside the repository; HumanEval skipped');
    const out = {};
    for (const [name, [set, rounds]] of Object.entries(sets)) {
      log(`save cost: ${name}, ${rounds} rounds`);
      out[name] = await withFreshBenchPage(
        browser,
        site,
        (page) => page.evaluate(([p, r, n, v]) => window.bench.pairedVariants(p, r, n, v), [set, rounds, name, VARIANTS]),
        (line) => log(`save cost ${line}`),
      );
    }
    await browser.close();
    log(`save cost: renderer memory, ${counts.memoryRounds} rounds`);
    const memory = await memoryRounds({
      launch: (args = []) => launchChromium({ args }),
      site,
      programs,
      rounds: counts.memoryRounds,
      log: (line) => log(`save cost ${line}`),
      contestants: VARIANTS,
    });
    return { counts, sets: out, memory };
  } finally {
    await browser.close();
    await site.close();
  }
}

/** Each round's `kind` ÷ `base`: their median and range. */
function ratios(samples, kind, base) {
  const each = samples[kind].map((sample, i) => sample.ms / samples[base][i].ms).sort((a, b) => a - b);
  return { median: median(each), low: each[0], high: each.at(-1) };
}

const times = (r) => `${r.median.toFixed(2)}× [${r.low.toFixed(2)}–${r.high.toFixed(2)}]`;

/** The Markdown table: each variant's median round, its ratio to raw Pyodide, and to the default. */
export function saveCostTable(results) {
  if (!results) return '';
  const rows = [
    `### What saves cost a run, Chromium (the default frame; rounds: ${results.counts.smallRunRounds} small, ${results.counts.humanEvalRounds} HumanEval)`,
    '',
    `| programs | sandbox | a round (median) | ÷ raw Pyodide, same page | ÷ the default | within ${Math.round((SAVE_COST_GOAL - 1) * 100)} % |`,
    '|---|---|---|---|---|---|',
  ];
  for (const [name, samples] of Object.entries(results.sets)) {
    for (const kind of Object.keys(VARIANTS)) {
      const ms = median(samples[kind].map((sample) => sample.ms));
      const toDefault = kind === 'default' ? undefined : ratios(samples, kind, 'default');
      const met = toDefault === undefined ? '' : toDefault.median <= SAVE_COST_GOAL ? '✅' : '❌';
      rows.push(`| ${name} | ${kind} | ${ms.toFixed(0)} ms | ${times(ratios(samples, kind, 'raw'))} | ${toDefault ? times(toDefault) : '—'} | ${met} |`);
    }
  }
  if (results.memory) {
    const mb = (kind, when) => median(results.memory[kind].map((sample) => sample[when]?.mb ?? Number.NaN));
    for (const when of ['afterBoot', 'afterHumanEval']) {
      const label = when === 'afterBoot' ? 'renderer memory after boot' : 'renderer memory after HumanEval';
      for (const kind of Object.keys(VARIANTS)) {
        const ratio = mb(kind, when) / mb('default', when);
        const met = kind === 'default' ? '' : ratio <= SAVE_COST_GOAL ? '✅' : '❌';
        rows.push(`| ${label} | ${kind} | ${mb(kind, when).toFixed(1)} MB | — | ${kind === 'default' ? '—' : `${ratio.toFixed(2)}×`} | ${met} |`);
      }
    }
  }
  return rows.join('\n');
}

await runAloneIfMain(import.meta.url, {
  bench: benchSaveCost,
  table: saveCostTable,
  counts: SAVE_COST_COUNTS,
  quickCounts: SAVE_COST_QUICK_COUNTS,
});
