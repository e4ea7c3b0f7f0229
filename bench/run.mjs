/**
 * `npm run bench` (after `npm run build`): the sandbox against raw Pyodide in a worker, in Node
 * (worker_threads) and in headless Chromium (a cross-origin-isolated page), plus native python3
 * for CPU-bound code. Prints two Markdown tables (stdout) — the targets (targets.mjs) with a
 * breakdown of boot time, then the general comparison — and writes bench/results.json.
 * Progress goes to stderr. `BENCH_QUICK=1` runs a handful of samples (checks the bench itself).
 * `BENCH_ONLY=browser-cost` runs only the browser-cost rows (browser-cost.mjs); `BENCH_ONLY=code-mode`
 * only code mode's (code-mode.mjs); `BENCH_ONLY=stops` only the plain page's stops (stops.mjs);
 * `BENCH_ONLY=mcp-tools` only code mode over MCP (mcp-tools.mjs); `BENCH_ONLY=mcp-balancer` only MCP
 * servers behind the shipped balancer (mcp-balancer.mjs); `BENCH_ONLY=mcp-sessions` only the MCP
 * server's sessions held per GiB with idle interpreters saved (mcp-sessions.mjs);
 * `BENCH_ONLY=saved-state` only saved state (saved-state.mjs); `BENCH_ONLY=browser-saves` only saved
 * state in the three browser engines (browser-saves.mjs); `BENCH_ONLY=browser-rewind` only rewinds
 * in them (browser-rewind.mjs); `BENCH_ONLY=timeline` only checkpoints'
 * rewinds and per-run cost (timeline.mjs); `BENCH_ONLY=charts` only the widget's charts in the
 * three engines (charts.mjs).
 * `BENCH_PHONE=1` runs only the phone first visit (phone.mjs; 1 round with BENCH_QUICK).
 * Its CDP-throttled reference rows get 1 round (phoneCdpRounds): each round is ~35 s of the bench.
 *
 * Everything runs one thing at a time: the machine has 2 cores, and parallel work would skew it.
 */
import { execFile, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { withFreshBenchPage } from './bench-page.mjs';
import { CPU_PRIMES, PRINT_100K } from './programs.mjs';
import { freezeBuild } from './frozen-build.mjs';
import { humanEvalPrograms } from './humaneval.mjs';
import { nodeTargets } from './node-targets.mjs';
import { enginesTable, markdownTable, phaseTable, targetsTable } from './report.mjs';
import { DEFAULT_COUNTS, measureWarm, median, pairedRounds, repeat } from './suite.mjs';
import { GOALS, chromiumPackages, chromiumSlowVisits, chromiumVisits, evaluateTargets, nodePackages, nodeVisits } from './targets.mjs';
import { phoneFirstVisits, phoneTable, phoneTargets } from './phone.mjs';
import { engineVisits } from './engines.mjs';
import { benchBrowserCost } from './browser-cost.mjs';
import { MCP_COUNTS, MCP_QUICK_COUNTS, benchMcp, mcpTable } from './mcp.mjs';
import { CODE_MODE_COUNTS, CODE_MODE_QUICK_COUNTS, benchCodeMode, codeModeTable, codeModeTargets } from './code-mode.mjs';
import { STOPS_COUNTS, STOPS_QUICK_COUNTS, benchStops, stopsTable, stopsTargets } from './stops.mjs';
import { MCP_TOOLS_COUNTS, MCP_TOOLS_QUICK_COUNTS, benchMcpTools, mcpToolsTable } from './mcp-tools.mjs';
import { MCP_BALANCER_COUNTS, MCP_BALANCER_QUICK_COUNTS, benchMcpBalancer, mcpBalancerTable } from './mcp-balancer.mjs';
import { MCP_SESSIONS_COUNTS, MCP_SESSIONS_QUICK_COUNTS, benchMcpSessions, mcpSessionsTable } from './mcp-sessions.mjs';
import { testSupport } from './run-alone.mjs';
import { RESTART_POINTS_COUNTS, RESTART_POINTS_QUICK_COUNTS, benchRestartPoints, restartPointsTable } from './restart-points.mjs';
import { SAVED_STATE_COUNTS, SAVED_STATE_QUICK_COUNTS, benchSavedState, savedStateTable } from './saved-state.mjs';
import { TIMELINE_COUNTS, TIMELINE_QUICK_COUNTS, benchTimeline, timelineTable } from './timeline.mjs';
import { BROWSER_SAVES_COUNTS, BROWSER_SAVES_QUICK_COUNTS, benchBrowserSaves, browserSavesTable } from './browser-saves.mjs';
import { BROWSER_REWIND_COUNTS, BROWSER_REWIND_QUICK_COUNTS, benchBrowserRewind, browserRewindTable } from './browser-rewind.mjs';
import { CHARTS_COUNTS, CHARTS_QUICK_COUNTS, benchCharts, chartsTable } from './charts.mjs';
import { SAVE_COST_COUNTS, SAVE_COST_QUICK_COUNTS, benchSaveCost, saveCostTable } from './save-cost.mjs';
import { nodeBinary } from '../scripts/node-binary.mjs';

// The bench measures a supported Node (22 or later): started on an older one, it runs itself on
// Node 24, found or installed as npm test's first pass finds it (scripts/node-binary.mjs).
if (Number(process.versions.node.split('.')[0]) < 22) {
  const { binary, version } = await nodeBinary(24);
  console.error(`[bench] Node ${process.version} is past its end of life: running on Node ${version}`);
  const { status, signal } = spawnSync(binary, process.argv.slice(1), { stdio: 'inherit' });
  process.exit(status ?? (signal ? 1 : 0));
}

const run = promisify(execFile);
const REPO_ROOT = fileURLToPath(new URL('../', import.meta.url));
const QUICK = process.env.BENCH_QUICK === '1';
const ONLY = process.env.BENCH_ONLY;
const GROUPS = [
  'browser-cost',
  'code-mode',
  'stops',
  'mcp-tools',
  'mcp-balancer',
  'mcp-sessions',
  'restart-points',
  'saved-state',
  'browser-saves',
  'timeline',
  'browser-rewind',
  'charts',
];
if (ONLY !== undefined && !GROUPS.includes(ONLY)) throw new Error(`BENCH_ONLY=${ONLY}: the choices are ${GROUPS.join(', ')}`);
const PHONE_ONLY = process.env.BENCH_PHONE === '1';
/**
 * visitRounds: first visits per variant (each followed by return visits), in Node, Chromium,
 * Firefox and WebKit; slowVisitRounds: likewise over the emulated slow link (a reference row,
 * ~10 s a visit); packageRounds: likewise for imports. The visit targets' ratios are medians
 * over the rounds: raw Pyodide's own boot varies by ±20% on this shared machine, and with 3
 * rounds one slow or fast raw boot moved a ratio past its goal.
 */
const COUNTS = QUICK
  ? {
      visitRounds: 1,
      slowVisitRounds: 1,
      returnVisits: 1,
      packageRounds: 1,
      humanEvalRounds: 1,
      smallRunRounds: 3,
      memoryRounds: 1,
      roundTrips: 50,
      interrupts: 3,
      restarts: 2,
      printRounds: 1,
      cpu: 1,
      phoneRounds: 1,
      phoneCdpRounds: 1,
    }
  : {
      visitRounds: 5,
      slowVisitRounds: 3,
      returnVisits: 2,
      packageRounds: 5,
      humanEvalRounds: 7,
      smallRunRounds: 15,
      memoryRounds: 3,
      ...DEFAULT_COUNTS,
      phoneRounds: 3,
      phoneCdpRounds: 1,
    };
const log = (message) => console.error(`[bench] ${message}`);

if (!existsSync(`${REPO_ROOT}dist/index.node.js`)) throw new Error('dist/index.node.js is missing: run `npm run build` first');

// The test helpers are TypeScript; vite (already a dev dependency) loads them for this plain-JS script.
const [server, chromiumLauncher, tinyWheel, firefoxEngine, webkitEngine, mcpServers] = await Promise.all(
  ['static-server.ts', 'chromium.ts', 'tiny-wheel.ts', 'engines/firefox.ts', 'engines/webkit.ts', 'mcp-servers.ts'].map(testSupport),
);
const build = freezeBuild();
const { DEFAULT_LIMITS } = await import(pathToFileURL(join(build.distDir, 'index.node.js')).href);

const started = performance.now();
const results = { machine: await describeMachine(), targets: [], node: {}, chromium: {}, engines: {}, native: {}, phone: undefined };
const wheels = await tinyWheel.serveTinyWheel();
try {
  if (ONLY === 'browser-cost') results.chromium = { cost: await benchCost() };
  else if (ONLY === 'code-mode') results.codeMode = await codeMode();
  else if (ONLY === 'stops') results.stops = await stops();
  else if (ONLY === 'mcp-tools') results.mcpTools = await mcpTools();
  else if (ONLY === 'mcp-balancer') results.mcpBalancer = await mcpBalancer();
  else if (ONLY === 'mcp-sessions') results.mcpSessions = await mcpSessions();
  else if (ONLY === 'restart-points') results.restartPoints = await restartPoints();
  else if (ONLY === 'saved-state') results.savedState = await savedState();
  else if (ONLY === 'timeline') results.timeline = await timeline();
  else if (ONLY === 'browser-saves') results.browserSaves = await browserSaves();
  else if (ONLY === 'save-cost') results.saveCost = await saveCost();
  else if (ONLY === 'browser-rewind') results.browserRewind = await browserRewind();
  else if (ONLY === 'charts') results.charts = await charts();
  else if (!PHONE_ONLY) {
    log('native python3: CPU-bound');
    results.native.cpuSeconds = median(await repeat(COUNTS.cpu, nativeCpuSeconds));
    results.node = await benchNode();
    results.restartPoints = await restartPoints();
    results.savedState = await savedState();
    results.timeline = await timeline();
    results.chromium = await benchChromium();
    results.browserSaves = await browserSaves();
    results.saveCost = await saveCost();
    results.browserRewind = await browserRewind();
    results.charts = await charts();
    results.engines = await benchEngines();
    results.codeMode = await codeMode();
    results.stops = await stops();
    results.mcpTools = await mcpTools();
    results.mcpBalancer = await mcpBalancer();
    results.mcpSessions = await mcpSessions();
  }
  if (!ONLY)
    results.phone = await phoneFirstVisits({
      launchChromium: chromiumLauncher.launchChromium,
      distDir: build.distDir,
      rounds: COUNTS.phoneRounds,
      cdpRounds: COUNTS.phoneCdpRounds,
      log,
    });
} finally {
  await wheels.close();
  build.remove();
}
results.machine.chromium ??= results.phone?.chromium ?? results.codeMode?.chromium?.version ?? results.stops?.chromium ?? results.mcpTools?.chromium?.version;
results.targets = [
  ...(PHONE_ONLY ? [] : evaluateTargets(results)),
  ...codeModeTargets(results.codeMode, GOALS),
  ...stopsTargets(results.stops),
  ...phoneTargets(results.phone, GOALS),
];
results.machine.benchSeconds = Math.round((performance.now() - started) / 1000);
results.machine.loadAverage.end = loadavg()[0];

writeFileSync(new URL('./results.json', import.meta.url), `${JSON.stringify(results, null, 2)}\n`);
log(`done in ${results.machine.benchSeconds} s; wrote bench/results.json`);
console.log(
  (ONLY
    ? [
        targetsTable(results),
        codeModeTable(results.codeMode),
        stopsTable(results.stops),
        mcpToolsTable(results.mcpTools),
        mcpBalancerTable(results.mcpBalancer),
        mcpSessionsTable(results.mcpSessions),
        restartPointsTable(results.restartPoints),
        savedStateTable(results.savedState),
        timelineTable(results.timeline),
        browserRewindTable(results.browserRewind),
        browserSavesTable(results.browserSaves),
        saveCostTable(results.saveCost),
        chartsTable(results.charts),
      ]
    : PHONE_ONLY
      ? [targetsTable(results), phoneTable(results.phone)]
      : [
          targetsTable(results),
          phaseTable(results),
          phoneTable(results.phone),
          markdownTable(results),
          enginesTable(results),
          mcpTable(results.node?.mcp),
          codeModeTable(results.codeMode),
          stopsTable(results.stops),
          mcpToolsTable(results.mcpTools),
          mcpBalancerTable(results.mcpBalancer),
          mcpSessionsTable(results.mcpSessions),
          restartPointsTable(results.restartPoints),
          savedStateTable(results.savedState),
          timelineTable(results.timeline),
          browserRewindTable(results.browserRewind),
          browserSavesTable(results.browserSaves),
          saveCostTable(results.saveCost),
          chartsTable(results.charts),
        ]
  ).join('\n\n'),
);

async function benchNode() {
  const visits = await nodeVisits({ distDir: build.distDir, rounds: COUNTS.visitRounds, returnVisits: COUNTS.returnVisits, log });
  const packages = await nodePackages({ distDir: build.distDir, wheels, rounds: COUNTS.packageRounds, log });
  const targets = await nodeTargets(build.distDir);
  const programs = humanEvalPrograms();
  if (!programs) log('HumanEval: ../shared/eval/HumanEval.jsonl.gz not found beside the repository; skipped');
  const humanEval = programs && (await pairedRounds(targets, programs, COUNTS.humanEvalRounds, 'HumanEval', log));
  const prints = await pairedRounds(targets, [PRINT_100K], COUNTS.printRounds, 'print', (line) => log(`node ${line}`));
  const out = { visits, packages, humanEval, prints };
  out.mcp = await benchMcp({ distDir: build.distDir, counts: QUICK ? MCP_QUICK_COUNTS : MCP_COUNTS, log });
  for (const kind of ['sandbox', 'raw']) {
    log(`node ${kind}: warm measurements`);
    const warm = await measureWarm(targets[kind], COUNTS, (step) => log(`node ${kind}: ${step}`));
    // Time to ready: create() resolved, in the first and return visits above.
    out[kind] = summarize(visits[kind], warm, prints[kind]);
  }
  return out;
}

/**
 * One target's results for the general table: medians up front, every sample kept under
 * `samples`. Time to ready comes from the visits (`created` mark).
 */
function summarize(visits, warm, prints) {
  const readyMs = visits.first.map((s) => s.marks.created);
  const snapshotReadyMs = visits.return.filter((s) => s.bootPath === 'snapshot').map((s) => s.marks.created);
  const printMs = prints.map((s) => s.ms);
  return {
    readyMs: median(readyMs),
    snapshotReadyMs: median(snapshotReadyMs),
    print100kMs: median(printMs),
    ...warm,
    samples: { ...warm.samples, readyMs, snapshotReadyMs, printMs },
  };
}

/** Code mode's rows (code-mode.mjs): a call's round trip in Node and Chromium, the model traffic of one task. */
function codeMode() {
  return benchCodeMode({
    distDir: build.distDir,
    root: build.root,
    counts: QUICK ? CODE_MODE_QUICK_COUNTS : CODE_MODE_COUNTS,
    launchChromium: chromiumLauncher.launchChromium,
    startStaticServer: server.startStaticServer,
    log,
  });
}

/** The plain page's stops (stops.mjs): yields for stops against the same page without them, in Chromium. */
function stops() {
  return benchStops({
    root: build.root,
    distDir: build.distDir,
    counts: QUICK ? STOPS_QUICK_COUNTS : STOPS_COUNTS,
    programs: humanEvalPrograms(),
    launchChromium: chromiumLauncher.launchChromium,
    startStaticServer: server.startStaticServer,
    log,
  });
}

/** Saved state in Node (saved-state.mjs): save and restore, small and ~100 MB, against a fresh boot. */
function savedState() {
  return benchSavedState({ distDir: build.distDir, counts: QUICK ? SAVED_STATE_QUICK_COUNTS : SAVED_STATE_COUNTS, log });
}

/** Rewind in Chromium, Firefox and WebKit (browser-rewind.mjs): against a `create()` in the same page. */
function browserRewind() {
  return benchBrowserRewind({ root: build.root, counts: QUICK ? BROWSER_REWIND_QUICK_COUNTS : BROWSER_REWIND_COUNTS, log });
}

/** Saved state in Chromium, Firefox and WebKit (browser-saves.mjs): the widget's save and a reload's restore, with the page's longest pause. */
/** What the saves that keep state cost a run in Chromium (save-cost.mjs). */
function saveCost() {
  return benchSaveCost({
    root: build.root,
    counts: QUICK ? SAVE_COST_QUICK_COUNTS : SAVE_COST_COUNTS,
    launchChromium: chromiumLauncher.launchChromium,
    startStaticServer: server.startStaticServer,
    log,
  });
}

function browserSaves() {
  return benchBrowserSaves({ root: build.root, counts: QUICK ? BROWSER_SAVES_QUICK_COUNTS : BROWSER_SAVES_COUNTS, log });
}

/** Checkpoints in Node (timeline.mjs): a rewind against a snapshot boot, and the per-run cost against restart points and neither. */
function timeline() {
  return benchTimeline({ distDir: build.distDir, counts: QUICK ? TIMELINE_QUICK_COUNTS : TIMELINE_COUNTS, log });
}

/** Charts in the widget in Chromium, Firefox and WebKit (charts.mjs): the chart on screen after the run's end, the chunk's size. */
function charts() {
  return benchCharts({ root: build.root, counts: QUICK ? CHARTS_QUICK_COUNTS : CHARTS_COUNTS, log });
}

/** Restart points in Node (restart-points.mjs): their memory and time, paired against none. */
function restartPoints() {
  return benchRestartPoints({ distDir: build.distDir, counts: QUICK ? RESTART_POINTS_QUICK_COUNTS : RESTART_POINTS_COUNTS, log });
}

/** Code mode over MCP (mcp-tools.mjs): the model traffic of two tasks through real MCP servers, an MCP call's round trip from Python in Node and Chromium. */
function mcpTools() {
  return benchMcpTools({
    distDir: build.distDir,
    root: build.root,
    counts: QUICK ? MCP_TOOLS_QUICK_COUNTS : MCP_TOOLS_COUNTS,
    launchChromium: chromiumLauncher.launchChromium,
    startStaticServer: server.startStaticServer,
    startEverythingOverHttp: mcpServers.startEverythingOverHttp,
    log,
  });
}

/** MCP servers behind the shipped balancer (mcp-balancer.mjs): 30 clients' calls through one server and through three. */
function mcpBalancer() {
  return benchMcpBalancer({ distDir: build.distDir, counts: QUICK ? MCP_BALANCER_QUICK_COUNTS : MCP_BALANCER_COUNTS, log });
}

/** The MCP server's sessions per GiB with idle interpreters saved (mcp-sessions.mjs): live against saved, in memory and in a state folder. */
function mcpSessions() {
  return benchMcpSessions({ distDir: build.distDir, counts: QUICK ? MCP_SESSIONS_QUICK_COUNTS : MCP_SESSIONS_COUNTS, log });
}

/** The browser-cost rows (browser-cost.mjs): its own browsers, an isolated site and a plain one. */
async function benchCost() {
  const site = await server.startStaticServer({ root: build.root, crossOriginIsolated: true });
  const plainSite = await server.startStaticServer({ root: build.root });
  const launchOptions = { headless: true, executablePath: chromiumLauncher.chromiumExecutablePath(), args: chromiumLauncher.CHROMIUM_ARGS };
  try {
    return await benchBrowserCost({
      launch: async (args = []) => {
        const browser = await chromiumLauncher.launchChromium({ args });
        results.machine.chromium ??= browser.version();
        return browser;
      },
      launchOptions,
      site,
      plainSite,
      programs: humanEvalPrograms(),
      counts: COUNTS,
      log,
    });
  } finally {
    await site.close();
    await plainSite.close();
  }
}

async function benchChromium() {
  const cost = await benchCost();
  const site = await server.startStaticServer({ root: build.root, crossOriginIsolated: true });
  const browser = await chromiumLauncher.launchChromium();
  results.machine.chromium = browser.version();
  try {
    const visits = await chromiumVisits({ browser, site, rounds: COUNTS.visitRounds, returnVisits: COUNTS.returnVisits, log });
    const slowVisits = await chromiumSlowVisits({ browser, site, rounds: COUNTS.slowVisitRounds, log });
    const packages = await chromiumPackages({ browser, site, wheels, rounds: COUNTS.packageRounds, log });
    const prints = await withFreshBenchPage(
      browser,
      site,
      (page) => page.evaluate((rounds) => window.bench.pairedPrints(rounds), COUNTS.printRounds),
      (line) => log(`chromium ${line}`),
    );
    // create() without options: chromiumVisits checked that every such sandbox ran in a sandboxed iframe.
    const out = { defaultIsolation: visits.frame.first[0].isolation, visits: { ...visits, slowVisits }, packages, prints, cost };
    for (const kind of ['sandbox', 'raw']) {
      log(`chromium ${kind}: warm measurements (default options)`);
      const warm = await withFreshBenchPage(
        browser,
        site,
        (page) => page.evaluate(([k, counts]) => window.bench.measureWarm(k, counts), [kind, COUNTS]),
        (line) => log(`chromium ${line}`),
      );
      // The general table's sandbox column is the default create(), i.e. frame isolation.
      out[kind] = summarize(kind === 'raw' ? visits.raw : visits.frame, warm, prints[kind]);
    }
    return out;
  } finally {
    await browser.close();
    await site.close();
  }
}

/** First and return visits in Firefox and WebKit (skipped, saying so, where one is not installed). */
async function benchEngines() {
  const site = await server.startStaticServer({ root: build.root, crossOriginIsolated: true });
  const out = {};
  try {
    for (const engine of [firefoxEngine.firefox(), webkitEngine.webkit({ sharedArrayBuffer: true })]) {
      if (engine.missing) {
        log(`${engine.name}: skipped (${engine.missing})`);
        continue;
      }
      try {
        out[engine.name] = await engineVisits({ engine, site, rounds: COUNTS.visitRounds, log });
      } finally {
        await engine.close();
      }
    }
    return out;
  } finally {
    await site.close();
  }
}

async function nativeCpuSeconds() {
  const { stdout } = await run('python3', ['-c', `${CPU_PRIMES}\nprint(elapsed)`]);
  return Number.parseFloat(stdout);
}

async function describeMachine() {
  const { stdout: python3 } = await run('python3', ['-c', 'import platform; print(platform.python_version())']);
  const { info } = JSON.parse(readFileSync(join(build.distDir, 'pyodide/pyodide-lock.json'), 'utf8'));
  return {
    date: new Date().toISOString().slice(0, 10),
    node: process.versions.node,
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown CPU',
    python3: python3.trim(),
    pyodide: JSON.parse(readFileSync(new URL('../node_modules/pyodide/package.json', import.meta.url), 'utf8')).version,
    pyodidePython: info.python,
    interruptGraceMs: DEFAULT_LIMITS.interruptGraceMs,
    // The machine is shared: the 1-minute load average says how much other work ran meanwhile.
    loadAverage: { start: loadavg()[0] },
    quick: QUICK,
    counts: COUNTS,
  };
}
