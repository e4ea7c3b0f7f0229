/** Turns bench results into Markdown tables for the README. */
import { median } from './suite.mjs';

/** [label, key in a warm/cold result, unit] in table order; `ratio` rows compare with raw Pyodide. */
const ROWS = [
  ['Time to ready, first visit (`create()` until resolved)', 'readyMs', 'ms'],
  ['Time to ready, return visit ¹', 'snapshotReadyMs', 'ms'],
  ['Run round trip `x = 1`, median', 'roundTripMedianMs', 'ms'],
  ['Run round trip `x = 1`, p99', 'roundTripP99Ms', 'ms'],
  ['Interrupt latency, `while True: pass`', 'interruptMs', 'ms'],
  ['Interrupts lost (run ended by terminate instead) ²', 'interruptsLost', 'count'],
  ['Working interpreter after a forced terminate, from the deadline ³', 'restartMs', 'ms'],
  ['`print` 100,000 lines', 'print100kMs', 'ms'],
  ['CPU-bound: count primes below 200,000 (pure Python) ⁴', 'cpuSeconds', 's'],
];

export function markdownTable(results) {
  const header = [
    'Metric',
    'Node: sandbox',
    'Node: raw Pyodide',
    'Node: sandbox ÷ raw',
    'Chromium: sandbox',
    'Chromium: raw Pyodide',
    'Chromium: sandbox ÷ raw',
  ];
  const lines = [row(header), row(header.map(() => '---'))];
  for (const [label, key, unit] of ROWS) {
    const cells = [label];
    for (const env of ['node', 'chromium']) {
      const sandbox = results[env]?.sandbox?.[key];
      const raw = results[env]?.raw?.[key];
      if (unit === 'count')
        cells.push(`${sandbox ?? '—'} of ${results.machine.counts.interrupts}`, `${raw ?? '—'} of ${results.machine.counts.interrupts}`, '');
      else cells.push(formatValue(sandbox, unit), formatValue(raw, unit), formatRatio(sandbox, raw));
    }
    lines.push(row(cells));
  }
  const native = results.native.cpuSeconds;
  const vsNative = ['CPU-bound, × native `python3` ⁴'];
  for (const env of ['node', 'chromium']) {
    vsNative.push(formatRatio(results[env]?.sandbox?.cpuSeconds, native), formatRatio(results[env]?.raw?.cpuSeconds, native), '');
  }
  lines.push(row(vsNative));
  const m = results.machine;
  return [
    ...lines,
    '',
    '¹ Sandbox: restored from the boot snapshot stored by the first visit (Node: a new process, `snapshotCache: { directory }`; Chromium: a new page in the same context, Cache Storage). Raw Pyodide has no snapshot: a second boot with warm caches.',
    '² Pyodide reads and clears the interrupt buffer non-atomically, so an interrupt written in between is dropped.',
    `³ The sandbox gives Python \`interruptGraceMs\` (${m.interruptGraceMs} ms, the default) to stop, then switches to its warm spare; raw Pyodide is terminated at once and boots anew. The code swallows \`KeyboardInterrupt\` so both really terminate.`,
    `⁴ Time measured inside Python (\`time.perf_counter\`). Native: \`python3\` ${m.python3} (${formatValue(native, 's')}); Pyodide runs Python ${m.pyodidePython}.`,
    '',
    `Medians unless marked; first visits: ${m.counts.visitRounds} fresh processes / browser contexts each; return visits: ${m.counts.visitRounds * m.counts.returnVisits}; round trips: ${m.counts.roundTrips}; interrupts: ${m.counts.interrupts}; restarts and CPU: ${m.counts.restarts}/${m.counts.cpu} runs; prints: ${m.counts.printRounds} rounds, both targets back to back in each (one page or process). Chromium page served with COOP/COEP (cross-origin isolated).`,
    machineLine(m),
  ].join('\n');
}

function machineLine(m) {
  const load = m.loadAverage ? `, 1-min load average ${m.loadAverage.start.toFixed(1)} at the start and ${m.loadAverage.end?.toFixed(1)} at the end` : '';
  return `Machine: ${m.cpus}× ${m.cpuModel}, Node ${m.node}, Chromium ${m.chromium}, Pyodide ${m.pyodide}, ${m.date}; whole bench ${m.benchSeconds} s${load}${m.quick ? ' (BENCH_QUICK: too few samples to trust)' : ''}.`;
}

/** The targets (rows from targets.mjs `evaluateTargets`), met or not. */
export function targetsTable(results) {
  const header = ['Target', 'Where', 'Sandbox', 'Compared with', 'Ratio (range over rounds)', 'Goal', 'Met'];
  const lines = ['### Targets', '', row(header), row(header.map(() => '---'))];
  let previous;
  for (const r of results.targets) {
    const requests = r.requests === undefined ? '' : ` · ${formatCount(r.requests / r.n)} wheel request${r.requests === r.n ? '' : 's'} per visit`;
    const value =
      r.value === undefined
        ? '—'
        : `${formatValue(r.value, r.unit)}${requests}${r.range ? ` (${formatValue(r.range[0], r.unit)}–${formatValue(r.range[1], r.unit)})` : ''}`;
    const reference = r.reference === undefined ? '—' : `${formatValue(r.reference, r.unit)} (${r.referenceLabel})`;
    // Goals of a few percent get a third decimal: 1.021× would read as 1.02× and "not met".
    const digits = r.ratioDigits ?? 2;
    const ratio =
      r.ratio === undefined
        ? '—'
        : `${r.ratio.toFixed(digits)}×${r.ratioRange ? ` (${r.ratioRange[0].toFixed(digits)}–${r.ratioRange[1].toFixed(digits)})` : ''}`;
    const met = r.met === undefined ? '' : r.met ? '✅ met' : '❌ not met';
    lines.push(row([r.target === previous ? '〃' : r.target, r.where, value, reference, ratio, r.goal, met]));
    previous = r.target;
  }
  const m = results.machine;
  return [
    ...lines,
    '',
    `Times are medians, in brackets their range (kills). Ratios: each round measured every variant once, back to back, in rotating order; the ratio is the median over rounds of each round's own sandbox ÷ reference, in brackets the lowest and highest round. ${m.counts.visitRounds} rounds of visits (1 first + ${m.counts.returnVisits} return visits per round and variant; ${m.counts.slowVisitRounds} over the slow link), ${m.counts.packageRounds} of package imports, ${m.counts.humanEvalRounds} of HumanEval (each program run in both targets back to back, the order alternating), ${m.counts.restarts} kills and fatal errors each.`,
    "Visits: `create()` until `run('1+1')` returned, timed inside the page or process. Raw Pyodide: a module worker (Node: worker_threads) doing `loadPyodide()` then `runPythonAsync('1+1')`, from the same files. Chromium default options are `isolation: 'frame'` (a sandboxed iframe; checked for every sample). Return visits are new pages in the same browser context (HTTP cache, V8 code cache and Cache Storage warm); the static server answers with `Cache-Control: no-cache`, so cached files are revalidated (304).",
    "Browser cost (browser-cost.mjs): HumanEval and the 100 small runs pair the default sandbox with raw Pyodide in one page, like Node's. Memory: the summed PSS (/proc/PID/smaps_rollup) of the renderer processes of a browser launched for one contestant (found as descendants of its browser process; Chromium's spare renderer off, its UI renderer left out), 1 s after the target settled, then after the HumanEval pass. Persistent profile: `launchPersistentContext` on a new folder, a first visit, the browser closed and launched again on it, the visit timed.",
    "Kills: a run that swallows `KeyboardInterrupt` with `timeoutMs: 200`, after `whenIdle()` (any spare booted); the killed run resolves after the interrupt grace. Chromium: on a page without COOP/COEP the default keeps a spare from the start; on an isolated page the first replacement restores from the snapshot and later ones take the spare made after it (`warmSpare: 'auto'`). Packages: a pure-Python wheel served from localhost with `packageBaseUrl` + `lockFileContents`, `warmSpare: false` so no spare boot competes with the timed import; `import tinypkg` is run right after `create()` resolves. Wheel requests are counted at the wheel server.",
    machineLine(m),
  ].join('\n');
}

/** Where a visit's time goes, from the progress messages (medians per column: they need not add up to the total). */
export function phaseTable(results) {
  const header = ['Visit', 'Start → `loadPyodide` called ᵃ', '`loadPyodide` (boot or restore) ᵇ', 'Runner setup + boot reply ᶜ', "First `run('1+1')`", 'Total'];
  const lines = ['### Where the visit time goes', '', row(header), row(header.map(() => '---'))];
  const variants = [
    ['Node sandbox', results.node.visits?.sandbox],
    ['Node raw', results.node.visits?.raw],
    ["Chromium sandbox, `isolation: 'frame'`", results.chromium.visits?.frame],
    ["Chromium sandbox, `isolation: 'worker'`", results.chromium.visits?.worker],
    ['Chromium raw', results.chromium.visits?.raw],
  ];
  for (const [label, visits] of variants) {
    for (const [kind, name] of [
      ['first', 'first visit'],
      ['returnSameProcess', 'return, same process'],
      ['return', 'return visit'],
    ]) {
      const samples = visits?.[kind];
      if (!samples?.length) continue;
      const phases = samples.map(visitPhases);
      const column = (key) => formatValue(median(phases.map((p) => p[key]).filter((v) => v !== undefined)), 'ms');
      lines.push(row([`${label}, ${name}`, column('setup'), column('load'), column('runner'), column('firstRun'), column('total')]));
    }
  }
  return [
    ...lines,
    '',
    'Times are when the host received each progress message (`onProgress`; raw-worker.mjs posts the same "Loading the Python runtime" message before `loadPyodide`).',
    'ᵃ Worker (and frame) start, the host loading the snapshot and (frame isolation) the runtime, as Blobs from Cache Storage on return visits, the worker importing Pyodide\'s JavaScript (frame isolation: both modules, while the wasm compiles) and reading the snapshot. ᵇ Until "Starting the sandbox runner" (raw: until ready), includes compiling the wasm module where it was not compiled before. ᶜ Until `create()` resolved.',
  ].join('\n');
}

/** Durations of a visit's steps (ms) from its marks; see suite.mjs `visit`. */
export function visitPhases({ ms, marks }) {
  const loaded = marks.runner ?? marks.created;
  return {
    setup: marks.loadPyodide,
    load: loaded - marks.loadPyodide,
    runner: marks.runner === undefined ? undefined : marks.created - marks.runner,
    firstRun: ms - marks.created,
    total: ms,
  };
}

function formatCount(value) {
  return Number.isInteger(value) ? String(value) : value.toFixed(1);
}

function row(cells) {
  return `| ${cells.join(' | ')} |`;
}

export function formatValue(value, unit) {
  if (value === undefined || Number.isNaN(value)) return '—';
  if (unit === 's') return `${value.toFixed(2)} s`;
  if (unit === 'MB') return `${value.toFixed(1)} MB`;
  if (value >= 1000) return `${(value / 1000).toFixed(2)} s`;
  if (value >= 100) return `${value.toFixed(0)} ms`;
  if (value >= 10) return `${value.toFixed(1)} ms`;
  return `${value.toFixed(2)} ms`;
}

export function formatRatio(value, reference) {
  if (value === undefined || reference === undefined || !reference) return '—';
  return `${(value / reference).toFixed(2)}×`;
}

/** Firefox and WebKit: first and return visits of the default sandbox beside a cold raw Pyodide boot (engines.mjs). */
export function enginesTable(results) {
  const header = [
    'Engine',
    'Raw Pyodide, cold boot + `1+1`',
    'Sandbox, first visit',
    'first ÷ raw',
    'Sandbox, return visit',
    'return ÷ raw',
    'Return visit measured in',
  ];
  const lines = ['### Firefox and WebKit (cross-origin isolated page, default frame isolation)', '', row(header), row(header.map(() => '---'))];
  const chromium = results.chromium?.visits;
  if (chromium) {
    const raw = median(chromium.raw.first.map((s) => s.ms));
    const first = median(chromium.frame.first.map((s) => s.ms));
    const back = median(chromium.frame.return.map((s) => s.ms));
    lines.push(
      row([
        'Chromium (from the targets above)',
        formatValue(raw, 'ms'),
        formatValue(first, 'ms'),
        formatRatio(first, raw),
        formatValue(back, 'ms'),
        formatRatio(back, raw),
        'a new page, same context',
      ]),
    );
  }
  for (const [name, visits] of Object.entries(results.engines ?? {})) {
    const raw = median(visits.raw.map((s) => s.ms));
    const first = median(visits.first.map((s) => s.ms));
    const back = median(visits.return.map((s) => s.ms));
    const where = [...new Set(visits.return.map((s) => s.returnIn))].join(', ');
    const paths = visits.return.every((s) => s.bootPath === 'snapshot') ? '' : ' (not every return visit restored a snapshot)';
    lines.push(
      row([name, formatValue(raw, 'ms'), formatValue(first, 'ms'), formatRatio(first, raw), formatValue(back, 'ms'), formatRatio(back, raw), where + paths]),
    );
  }
  lines.push(
    '',
    'Visits are `create()` until `run("1+1")` returned, timed in the page; medians over the rounds. Firefox ESR through WebDriver BiDi (a fresh browser context per round), WebKitGTK through WebDriver under Xvfb with SharedArrayBuffer on (a fresh browser per round).',
  );
  return lines.join('\n');
}
