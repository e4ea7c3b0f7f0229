/**
 * Stops on a page without cross-origin isolation, in Chromium (JSPI): what Python's yields for
 * stops (worker/python/stops.py) cost and buy, paired against the same page with them off
 * (stop-runs.mjs measures in the page). The baseline is the built worker behind one line that
 * turns its yields off (worker/engine.ts `yieldsTurnedOff`), written into the bench's frozen copy
 * of dist/ here; nothing in the library's options reaches it.
 *
 * Alone: `BENCH_ONLY=stops npm run bench` (under the browser lock, where browsers are shared).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { withFreshBenchPage } from './bench-page.mjs';
import { NO_YIELDS_WORKER } from './stop-runs.mjs';
import { median, percentile } from './suite.mjs';
import { roundRatios } from './targets.mjs';

/** 11 paired rounds: with 7, the loop's rounds spread ±4% on the shared bench machine, twice the goal's margin. */
export const STOPS_COUNTS = { humanEvalRounds: 11, loopRounds: 11, stops: 20 };
export const STOPS_QUICK_COUNTS = { humanEvalRounds: 1, loopRounds: 1, stops: 3 };
/** The goals: the yields cost at most 2% of a run; a stop or deadline ends the run within 100 ms (p95). */
export const STOPS_GOALS = { ratio: 1.02, p95Ms: 100 };

/** Measures the group in a fresh Chromium; `programs`: HumanEval's or undefined. */
export async function benchStops({ root, distDir, counts, programs, launchChromium, startStaticServer, log }) {
  const worker = readFileSync(join(distDir, 'worker.js'), 'utf8');
  writeFileSync(join(distDir, NO_YIELDS_WORKER.replace('/dist/', '')), `globalThis.__sandboxYieldsOff = true;\n${worker}`);
  if (!programs) log('stops: HumanEval: ../shared/eval/HumanEval.jsonl.gz not found beside the repository; that row is skipped');
  const site = await startStaticServer({ root });
  const browser = await launchChromium();
  try {
    const measured = await withFreshBenchPage(
      browser,
      site,
      (page) => page.evaluate(([p, c]) => window.bench.stops(p, c), [programs, counts]),
      (line) => log(`chromium ${line}`),
      { isolated: false },
    );
    const { interrupt } = measured.stops;
    // What is measured must be what is meant: the yields keep the interpreter, the baseline replaces it.
    if (interrupt.yields.some((s) => s.stateLost)) throw new Error('a stop with yields replaced the interpreter: the engine has no JSPI?');
    if (interrupt.noYields.some((s) => !s.stateLost)) throw new Error('a stop without yields kept the interpreter: the baseline still yields');
    return { chromium: browser.version(), counts, ...measured };
  } finally {
    await browser.close();
    await site.close();
  }
}

const WHERE = 'Chromium, page without COOP/COEP (JSPI), default options';
const BASELINE = 'same page, yields off';

/** Target rows (report.mjs `targetsTable`). */
export function stopsTargets(stops) {
  if (!stops) return [];
  const rows = [];
  const paired = (target, samples) => {
    if (!samples) return;
    const perRound = roundRatios(samples.yields, samples.noYields);
    const ratio = median(perRound);
    rows.push({
      target,
      where: WHERE,
      value: median(samples.yields.map((s) => s.ms)),
      unit: 'ms',
      n: samples.yields.length,
      reference: median(samples.noYields.map((s) => s.ms)),
      referenceLabel: BASELINE,
      ratio,
      ratioRange: [Math.min(...perRound), Math.max(...perRound)],
      ratioDigits: 3,
      goal: `≤ ${STOPS_GOALS.ratio}× ${BASELINE}`,
      met: ratio <= STOPS_GOALS.ratio,
    });
  };
  paired('Stops on a plain page, their cost: the 164 HumanEval programs, one `run` each, in one interpreter', stops.humanEval);
  paired(`Stops on a plain page, their cost: a pure-Python loop in a function (${stops.loopIterations / 1e6} M iterations, 2 to 3 s), one \`run\``, stops.loop);
  const p95 = (target, samples, key, goalMs) => {
    const values = samples.yields.map((s) => s[key]);
    const reference = samples.noYields.map((s) => s[key]);
    const value = percentile(values, 95);
    const goal = goalMs === undefined ? { goal: 'reference', met: undefined } : { goal: `p95 ≤ ${goalMs} ms`, met: value <= goalMs };
    rows.push({ target, where: WHERE, value, unit: 'ms', n: values.length, reference: percentile(reference, 95), referenceLabel: `${BASELINE}, p95`, ...goal });
  };
  const { interrupt, deadline } = stops.stops;
  p95('Stops on a plain page: `interrupt()` 300–374 ms into `while True: pass` → the run ended, p95', interrupt, 'toEndMs', STOPS_GOALS.p95Ms);
  p95("〃 → the next `run('1+1')` returned, p95", interrupt, 'toNextMs');
  p95('Stops on a plain page: a 300 ms deadline on `while True: pass` → the run ended, p95', deadline, 'toEndMs', STOPS_GOALS.p95Ms);
  p95("〃 → the next `run('1+1')` returned, p95", deadline, 'toNextMs');
  return rows;
}

/** The group's own table: medians and p95 of every stop time, both variants. */
export function stopsTable(stops) {
  if (!stops) return '';
  const ms = (v) => (v === undefined ? '—' : `${v.toFixed(v < 10 ? 1 : 0)} ms`);
  const lines = [
    '### Stops on a plain page',
    '',
    '| Stop | Measured | Yields (default) p50 | p95 | max | Yields off p50 | p95 | max |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const [stop, label] of [
    ['interrupt', '`interrupt()` 300–374 ms into `while True: pass`'],
    ['deadline', 'a 300 ms deadline on `while True: pass`'],
  ]) {
    for (const [key, what] of [
      ['toEndMs', '→ the run ended'],
      ['toNextMs', "→ the next `run('1+1')` returned"],
    ]) {
      const cells = ['yields', 'noYields'].flatMap((kind) => {
        const values = stops.stops[stop][kind].map((s) => s[key]);
        return [ms(median(values)), ms(percentile(values, 95)), ms(Math.max(...values))];
      });
      lines.push(`| ${label} | ${what} | ${cells.join(' | ')} |`);
    }
  }
  const lost = (stop, kind) => stops.stops[stop][kind].filter((s) => s.stateLost).length;
  const c = stops.counts;
  lines.push(
    '',
    `${c.stops} stops and ${c.stops} deadlines per variant, alternating; interpreters replaced: yields ${lost('interrupt', 'yields')} and ${lost('deadline', 'yields')}, yields off ${lost('interrupt', 'noYields')} and ${lost('deadline', 'noYields')} (stops and deadlines). HumanEval and the loop: ${c.humanEvalRounds} and ${c.loopRounds} paired rounds. Chromium ${stops.chromium}.`,
  );
  return lines.join('\n');
}
