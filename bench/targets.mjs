/**
 * The speed and first-visit targets, measured side by side with raw Pyodide in the same run:
 *   1. return visit and 2. first visit — `create()` until `run('1+1')` returned (suite.mjs `visit`);
 *   3. a working interpreter after a kill — from `measureWarm` (suite.mjs); `print` 100,000 lines
 *      (suite.mjs `pairedRounds`, like HumanEval);
 *   4. packages — the first `import tinypkg` (the local test wheel), with and without preloading,
 *      and on a return visit.
 * Samples are interleaved: each round measures every variant once, in an order that rotates, so
 * load from other work on the (shared) machine spreads over all of them. A ratio is the median of
 * the rounds' own ratios (each round's pair ran back to back, under the same load).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { withBenchPage, withContext } from './bench-page.mjs';
import { browserCostRows, browserRestartRows } from './browser-cost.mjs';
import { median } from './suite.mjs';

const execFileAsync = promisify(execFile);
const VISITS_SCRIPT = fileURLToPath(new URL('./visits.mjs', import.meta.url));

/** The goals (the phone rows: phone.mjs `phoneTargets`). */
export const GOALS = {
  returnVisitRatio: 0.25,
  firstVisitRatio: 0.4,
  afterKillMs: 150,
  humanEvalRatio: 1.1,
  printRatio: 1.25,
  phoneFirstVisitRatio: 0.6,
  phoneBytesRatio: 1,
  /** Code mode: one call's round trip from Python to a page function and back, p50, Chromium frame isolation. */
  codeCallP50Ms: 1,
};

/**
 * Node. Sandbox: a fresh process with an empty snapshot folder (first visit) and a second visit
 * in that process, then `returnVisits` new processes with that folder (return visits). Raw
 * Pyodide: a fresh process (cold), then a second boot in it (warm: V8 shares compiled wasm code
 * between the workers of one process; nothing else is cached between boots).
 */
export async function nodeVisits({ distDir, rounds, returnVisits, log }) {
  const out = { sandbox: { first: [], returnSameProcess: [], return: [] }, raw: { first: [], return: [] } };
  for (let round = 0; round < rounds; round++) {
    for (const kind of rotate(['sandbox', 'raw'], round)) {
      log(`node visits, round ${round + 1}/${rounds}: ${kind}`);
      if (kind === 'raw') {
        const [cold, warm] = await visitsInProcess({ kind, distDir, visits: 2 });
        out.raw.first.push({ ...cold, round });
        out.raw.return.push({ ...warm, round });
        continue;
      }
      const directory = mkdtempSync(join(tmpdir(), 'bench-snapshots-'));
      try {
        const sandboxOptions = { snapshotCache: { directory } };
        const [first, again] = await visitsInProcess({ kind, distDir, visits: 2, sandboxOptions });
        const later = [];
        for (let i = 0; i < returnVisits; i++) later.push(...(await visitsInProcess({ kind, distDir, visits: 1, sandboxOptions })));
        // The first visit restores the snapshot shipped with the package; later ones the stored one.
        expectBootPaths('node sandbox', { snapshot: [first, again, ...later] });
        out.sandbox.first.push({ ...first, round });
        out.sandbox.returnSameProcess.push({ ...again, round });
        out.sandbox.return.push(...later.map((sample) => ({ ...sample, round })));
      } finally {
        rmSync(directory, { recursive: true, force: true });
      }
    }
  }
  return out;
}

/**
 * What each Chromium variant creates: [kind, sandbox options]. `frame` is `create()` with no
 * options (the default); `frameBooted` is the same without the shipped snapshot, so a first visit
 * boots Python without the shipped snapshot (the trade-off: fewer bytes, more CPU).
 */
const CHROMIUM_VARIANTS = {
  frame: ['sandbox', {}],
  frameBooted: ['sandbox', { shippedSnapshot: false }],
  worker: ['sandbox', { isolation: 'worker' }],
  raw: ['raw', undefined],
};

/**
 * Chromium. Each round gives every variant a fresh browser context: one page (first visit),
 * then `returnVisits` more pages in the same context (return visits: HTTP cache, V8's code cache
 * and Cache Storage warm).
 */
export async function chromiumVisits({ browser, site, rounds, returnVisits, log }) {
  const out = Object.fromEntries(Object.keys(CHROMIUM_VARIANTS).map((name) => [name, { first: [], return: [] }]));
  for (let round = 0; round < rounds; round++) {
    for (const name of rotate(Object.keys(CHROMIUM_VARIANTS), round)) {
      log(`chromium visits, round ${round + 1}/${rounds}: ${name}`);
      const [kind, options] = CHROMIUM_VARIANTS[name];
      const visitPage = (context) => withBenchPage(context, site, (page) => page.evaluate(([k, o]) => window.bench.visit(k, o), [kind, options]));
      await withContext(browser, async (context) => {
        const bytes = countBytes(context);
        out[name].first.push({ ...(await visitPage(context)), bytes: await bytes.total(), round });
        for (let i = 0; i < returnVisits; i++) out[name].return.push({ ...(await visitPage(context)), round });
      });
    }
  }
  for (const name of ['frame', 'frameBooted', 'worker']) {
    const made = new Set([...out[name].first, ...out[name].return].map((s) => s.isolation));
    const isolation = name === 'worker' ? 'worker' : 'frame';
    if (made.size !== 1 || !made.has(isolation)) throw new Error(`chromium ${name}: create() made ${[...made].join(' and ')} isolation`);
  }
  expectBootPaths('chromium frame', { snapshot: [...out.frame.first, ...out.frame.return] });
  expectBootPaths('chromium worker', { snapshot: [...out.worker.first, ...out.worker.return] });
  expectBootPaths('chromium frame without the shipped snapshot', { fresh: out.frameBooted.first, snapshot: out.frameBooted.return });
  return out;
}

/** An emulated 20 Mbit/s link (Chrome DevTools' throttling: 2.5 MB/s down, 20 ms latency). */
const SLOW_LINK = { offline: false, latency: 20, downloadThroughput: 2.5e6, uploadThroughput: 2.5e6 };

/**
 * First visits over a 20 Mbit/s link (does shipping the snapshot still pay?): the default
 * sandbox, the sandbox without the shipped snapshot, raw Pyodide; a fresh context each.
 */
export async function chromiumSlowVisits({ browser, site, rounds, log }) {
  const names = ['frame', 'frameBooted', 'raw'];
  const out = Object.fromEntries(names.map((name) => [name, []]));
  for (let round = 0; round < rounds; round++) {
    for (const name of rotate(names, round)) {
      log(`chromium first visits at 20 Mbit/s, round ${round + 1}/${rounds}: ${name}`);
      const [kind, options] = CHROMIUM_VARIANTS[name];
      await withContext(browser, async (context) => {
        const throttle = async (page) => {
          const cdp = await context.newCDPSession(page);
          await cdp.send('Network.enable');
          await cdp.send('Network.emulateNetworkConditions', SLOW_LINK);
        };
        out[name].push({
          ...(await withBenchPage(context, site, (page) => page.evaluate(([k, o]) => window.bench.visit(k, o), [kind, options]), undefined, throttle)),
          round,
        });
      });
    }
  }
  return out;
}

/** Bytes the context's pages and workers receive (headers and bodies), from now on. */
function countBytes(context) {
  const sizes = [];
  context.on('requestfinished', (request) =>
    sizes.push(
      request.sizes().then(
        (s) => s.responseHeadersSize + s.responseBodySize,
        () => 0,
      ),
    ),
  );
  return { total: async () => (await Promise.all(sizes)).reduce((sum, n) => sum + n, 0) };
}

const PACKAGE_VARIANTS = {
  withoutPreload: {},
  withPreload: { preloadPackages: ['tinypkg'] },
};

/**
 * Chromium, default (frame) isolation. A fresh context per variant and round: a first visit
 * (wheel downloaded by the host), then a return visit in the same context (wheel in Cache
 * Storage). No warm spare, so its boot does not compete with the import being timed.
 */
export async function chromiumPackages({ browser, site, wheels, rounds, log }) {
  const out = Object.fromEntries(Object.keys(PACKAGE_VARIANTS).map((name) => [name, { first: [], return: [] }]));
  for (let round = 0; round < rounds; round++) {
    for (const name of rotate(Object.keys(PACKAGE_VARIANTS), round)) {
      log(`chromium packages, round ${round + 1}/${rounds}: ${name}`);
      const options = { packageBaseUrl: wheels.baseUrl, lockFileContents: wheels.lockFileContents, warmSpare: false, ...PACKAGE_VARIANTS[name] };
      await withContext(browser, async (context) => {
        for (const visitKind of ['first', 'return']) {
          const sample = await countingWheelRequests(wheels, () =>
            withBenchPage(context, site, (page) => page.evaluate((o) => window.bench.importVisit(o), options)),
          );
          out[name][visitKind].push({ ...sample, round });
        }
      });
    }
  }
  return out;
}

/**
 * Node: a fresh process with an empty wheel cache (the broker's verified wheels,
 * `python-sandbox-wheels` under the process's TMPDIR: src/sandbox/packages/wheel-store.ts), then a new
 * process sharing it. `preloadPackages` is not measured: the
 * sandbox only uses it in frame isolation (browsers).
 */
export async function nodePackages({ distDir, wheels, rounds, log }) {
  const out = { withoutPreload: { first: [], return: [] } };
  for (let round = 0; round < rounds; round++) {
    log(`node packages, round ${round + 1}/${rounds}`);
    const home = mkdtempSync(join(tmpdir(), 'bench-packages-'));
    try {
      const sandboxOptions = {
        packageBaseUrl: wheels.baseUrl,
        lockFileContents: wheels.lockFileContents,
        warmSpare: false,
        snapshotCache: { directory: join(home, 'snapshots') },
      };
      for (const visitKind of ['first', 'return']) {
        const sample = await countingWheelRequests(
          wheels,
          async () => (await visitsInProcess({ kind: 'sandbox', distDir, measure: 'import', sandboxOptions }, { TMPDIR: home }))[0],
        );
        out.withoutPreload[visitKind].push({ ...sample, round });
      }
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  }
  return out;
}

/** Runs visits.mjs in a fresh Node process (the spec goes through a file: a lock file is too long for argv). */
async function visitsInProcess(spec, env = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'bench-spec-'));
  try {
    const file = join(dir, 'spec.json');
    writeFileSync(file, JSON.stringify(spec));
    const { stdout } = await execFileAsync(process.execPath, [VISITS_SCRIPT, file], { env: { ...process.env, ...env }, maxBuffer: 1 << 20 });
    return JSON.parse(stdout);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function countingWheelRequests(wheels, fn) {
  const count = () => wheels.requests.filter((path) => path.endsWith('.whl')).length;
  const before = count();
  const sample = await fn();
  return { ...sample, wheelRequests: count() - before };
}

/** A measurement of the wrong path is worse than none. */
function expectBootPaths(label, expected) {
  for (const [bootPath, samples] of Object.entries(expected)) {
    const wrong = samples.filter((s) => s.bootPath !== bootPath);
    if (wrong.length) throw new Error(`${label}: expected boots from "${bootPath}", got "${wrong[0].bootPath}"`);
  }
}

/** `items` rotated left by `by`: round 0 runs a, b, c; round 1 b, c, a; … */
function rotate(items, by) {
  const k = by % items.length;
  return [...items.slice(k), ...items.slice(0, k)];
}

/** Per-round ratio of medians (samples carry their `round`), for rounds where both sides have samples. */
export function roundRatios(samples, references, value = (s) => s.ms) {
  const rounds = [...new Set(samples.map((s) => s.round))];
  const ratios = [];
  for (const round of rounds) {
    const a = median(samples.filter((s) => s.round === round).map(value));
    const b = median(references.filter((s) => s.round === round).map(value));
    if (a !== undefined && b) ratios.push(a / b);
  }
  return ratios;
}

/**
 * The targets table's rows (see report.mjs `targetsTable`): each with the sandbox's median,
 * the reference it is compared with, the ratio (median over rounds) with its range, the goal
 * and whether it is met.
 */
export function evaluateTargets(results) {
  const { node, chromium } = results;
  const rows = [];
  const ms = (s) => s.ms;
  // The ratio is the median of the rounds' own ratios: pairs measured back to back share the
  // machine's load at the time, which drifts over a run (the shared machine).
  const compare = (target, where, samples, references, referenceLabel, goalRatio, unit = 'ms') => {
    const value = median(samples.map(ms));
    const reference = median(references.map(ms));
    const perRound = roundRatios(samples, references);
    const ratio = median(perRound);
    // No goal: a row for reference (a trade-off shown beside the targets).
    const goal = goalRatio === undefined ? { goal: 'reference', met: undefined } : { goal: `≤ ${goalRatio}× raw`, met: ratio <= goalRatio };
    rows.push({
      target,
      where,
      value,
      unit,
      n: samples.length,
      reference,
      referenceLabel,
      referenceN: references.length,
      ratio,
      ratioOfMedians: value / reference,
      perRound,
      ratioRange: range(perRound),
      ...goal,
    });
  };
  const absolute = (target, where, samples, goalMs) => {
    const value = median(samples);
    const goal = goalMs === undefined ? { goal: 'reference', met: undefined } : { goal: `≤ ${goalMs} ms`, met: value <= goalMs };
    rows.push({ target, where, value, unit: 'ms', n: samples.length, range: range(samples), ...goal });
  };
  // BENCH_ONLY=browser-cost: the browser-cost rows alone.
  const KILL = "3. After a forced terminate: killed run resolved → next `run('1+1')` returned";
  const FATAL = "3. After a fatal error (`os._exit(0)`): its run resolved → next `run('1+1')` returned";
  if (!node.visits) {
    browserCostRows(chromium.cost, { compare, absolute });
    browserRestartRows(chromium.cost, { absolute }, KILL, FATAL);
    return rows;
  }

  const RETURN = "1. Return visit: `create()` → `run('1+1')` returned, boot snapshot stored";
  compare(
    RETURN,
    'Node: new process, `snapshotCache: { directory }`',
    node.visits.sandbox.return,
    node.visits.raw.return,
    'raw, 2nd boot in the same process',
    GOALS.returnVisitRatio,
  );
  compare(
    RETURN,
    'Node: same process (2nd visit)',
    node.visits.sandbox.returnSameProcess,
    node.visits.raw.return,
    'raw, 2nd boot in the same process',
    GOALS.returnVisitRatio,
  );
  compare(
    RETURN,
    "Chromium: `isolation: 'frame'` (default)",
    chromium.visits.frame.return,
    chromium.visits.raw.return,
    'raw, 2nd page in the same context',
    GOALS.returnVisitRatio,
  );
  compare(
    RETURN,
    "Chromium: `isolation: 'worker'`",
    chromium.visits.worker.return,
    chromium.visits.raw.return,
    'raw, 2nd page in the same context',
    GOALS.returnVisitRatio,
  );

  const FIRST = "2. First visit: `create()` → `run('1+1')` returned, nothing stored (the shipped snapshot restored)";
  compare(FIRST, 'Node: fresh process, empty snapshot folder', node.visits.sandbox.first, node.visits.raw.first, 'raw, fresh process', GOALS.firstVisitRatio);
  compare(
    FIRST,
    "Chromium: `isolation: 'frame'` (default), fresh context",
    chromium.visits.frame.first,
    chromium.visits.raw.first,
    'raw, fresh context',
    GOALS.firstVisitRatio,
  );
  compare(
    FIRST,
    "Chromium: `isolation: 'worker'`, fresh context",
    chromium.visits.worker.first,
    chromium.visits.raw.first,
    'raw, fresh context',
    GOALS.firstVisitRatio,
  );
  for (const [name, visits] of Object.entries(results.engines ?? {})) {
    compare(FIRST, `${name}: default options, fresh profile`, visits.first, visits.raw, 'raw, fresh profile', GOALS.firstVisitRatio);
  }
  const FIRST_BOOTED = '2. First visit without the shipped snapshot (`shippedSnapshot: false`: Python boots)';
  compare(FIRST_BOOTED, "Chromium: `isolation: 'frame'`, fresh context", chromium.visits.frameBooted.first, chromium.visits.raw.first, 'raw, fresh context');
  const bytes = (samples) => median(samples.map((s) => s.bytes));
  for (const [name, label] of [
    ['frame', 'default (shipped snapshot)'],
    ['frameBooted', '`shippedSnapshot: false`'],
  ]) {
    const value = bytes(chromium.visits[name].first);
    const reference = bytes(chromium.visits.raw.first);
    rows.push({
      target: '2. Bytes received on a first visit (page, runtime, snapshot)',
      where: `Chromium: ${label}`,
      value: value / 1e6,
      unit: 'MB',
      n: chromium.visits[name].first.length,
      reference: reference / 1e6,
      referenceLabel: 'raw Pyodide',
      ratio: value / reference,
      goal: 'reference',
      met: undefined,
    });
  }
  if (chromium.visits.slowVisits) {
    const SLOW = '2. First visit over an emulated 20 Mbit/s link';
    compare(SLOW, 'Chromium: default (shipped snapshot)', chromium.visits.slowVisits.frame, chromium.visits.slowVisits.raw, 'raw, same link');
    compare(SLOW, 'Chromium: `shippedSnapshot: false`', chromium.visits.slowVisits.frameBooted, chromium.visits.slowVisits.raw, 'raw, same link');
  }

  if (node.humanEval) {
    compare(
      'Per-run overhead: the 164 HumanEval programs, one `run` each, in one interpreter',
      'Node',
      node.humanEval.sandbox,
      node.humanEval.raw,
      'raw Pyodide, same programs',
      GOALS.humanEvalRatio,
    );
  }
  browserCostRows(chromium.cost, { compare, absolute });

  const PRINT = '3. `print` 100,000 lines, one run';
  compare(PRINT, 'Node', node.prints.sandbox, node.prints.raw, 'raw Pyodide, same run', GOALS.printRatio);
  compare(PRINT, "Chromium: `isolation: 'frame'` (default)", chromium.prints.sandbox, chromium.prints.raw, 'raw Pyodide, same page', GOALS.printRatio);

  absolute(KILL, 'Node', node.sandbox.samples.afterKillMs, GOALS.afterKillMs);
  absolute(FATAL, 'Node', node.sandbox.samples.afterFatalMs, GOALS.afterKillMs);
  browserRestartRows(chromium.cost, { absolute }, KILL, FATAL);

  const imports = (samples) => ({
    value: median(samples.map((s) => s.importMs)),
    n: samples.length,
    requests: samples.reduce((sum, s) => sum + s.wheelRequests, 0),
  });
  const packages = [
    ["Chromium: `isolation: 'frame'` (default)", chromium.packages],
    ['Node', node.packages],
  ];
  for (const [where, measured] of packages) {
    const without = imports(measured.withoutPreload.first);
    rows.push({
      target: '4. First `import tinypkg` right after `create()`, first visit, no preload',
      where,
      unit: 'ms',
      ...without,
      goal: 'reference',
      met: undefined,
    });
    if (measured.withPreload) {
      const preload = imports(measured.withPreload.first);
      const perRound = roundRatios(measured.withPreload.first, measured.withoutPreload.first, (s) => s.importMs);
      const ratio = median(perRound);
      rows.push({
        target: "… with `preloadPackages: ['tinypkg']`",
        where,
        unit: 'ms',
        ...preload,
        reference: without.value,
        referenceLabel: 'no preload',
        ratio,
        ratioOfMedians: preload.value / without.value,
        perRound,
        ratioRange: range(perRound),
        goal: '< 1× no preload',
        met: ratio < 1,
      });
    } else {
      rows.push({
        target: "… with `preloadPackages: ['tinypkg']`",
        where,
        unit: 'ms',
        value: undefined,
        goal: 'not applicable: preloading is frame isolation only',
        met: undefined,
      });
    }
    for (const [variant, label] of [
      ['withoutPreload', 'no preload'],
      ['withPreload', 'with preload'],
    ]) {
      if (!measured[variant]) continue;
      const again = imports(measured[variant].return);
      rows.push({
        target: `4. Return visit, first \`import tinypkg\` (${label})`,
        where,
        unit: 'ms',
        ...again,
        goal: '0 wheel requests',
        met: again.requests === 0,
      });
    }
  }
  return rows;
}

function range(values) {
  return values.length ? [Math.min(...values), Math.max(...values)] : undefined;
}
