/**
 * `npm run bench` (after `npm run build`): the sandbox against raw Pyodide in a worker, in Node
 * (worker_threads) and in headless Chromium (a cross-origin-isolated page), plus native python3
 * for CPU-bound code. Prints a Markdown table (stdout) and writes bench/results.json.
 * Progress goes to stderr. `BENCH_QUICK=1` runs a handful of samples (checks the bench itself).
 *
 * Everything runs one thing at a time: the machine has 2 cores, and parallel work would skew it.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { runnerImport } from 'vite';
import { CPU_PRIMES } from './programs.mjs';
import { freezeBuild } from './frozen-build.mjs';
import { nodeTargets } from './node-targets.mjs';
import { markdownTable } from './report.mjs';
import { DEFAULT_COUNTS, measureWarm, median, repeat, timesToReadyFromSnapshot } from './suite.mjs';

const run = promisify(execFile);
const REPO_ROOT = fileURLToPath(new URL('../', import.meta.url));
const QUICK = process.env.BENCH_QUICK === '1';
const COUNTS = QUICK ? { cold: 1, snapshotReady: 1, roundTrips: 50, interrupts: 3, restarts: 1, prints: 1, cpu: 1 } : { cold: 3, ...DEFAULT_COUNTS };
const log = (message) => console.error(`[bench] ${message}`);

if (!existsSync(`${REPO_ROOT}dist/index.js`)) throw new Error('dist/index.js is missing: run `npm run build` first');

// The test helpers are TypeScript; vite (already a dev dependency) loads them for this plain-JS script.
const { module: server } = await runnerImport(`${REPO_ROOT}test/support/static-server.ts`, { configFile: false, logLevel: 'silent' });
const { module: chromiumLauncher } = await runnerImport(`${REPO_ROOT}test/support/chromium.ts`, { configFile: false, logLevel: 'silent' });
const build = freezeBuild();
const { DEFAULT_LIMITS } = await import(pathToFileURL(join(build.distDir, 'index.js')).href);

const started = performance.now();
const results = { machine: await describeMachine(), node: {}, chromium: {}, native: {} };
try {
  log('native python3: CPU-bound');
  results.native.cpuSeconds = median(await repeat(COUNTS.cpu, nativeCpuSeconds));
  results.node = await benchNode();
  results.chromium = await benchChromium();
} finally {
  build.remove();
}

const table = markdownTable(results);
writeFileSync(new URL('./results.json', import.meta.url), `${JSON.stringify(results, null, 2)}\n`);
log(`done in ${((performance.now() - started) / 1000).toFixed(0)} s; wrote bench/results.json`);
console.log(table);

async function benchNode() {
  const targets = await nodeTargets(build.distDir);
  const out = {};
  for (const kind of ['sandbox', 'raw']) {
    log(`node ${kind}: cold boots in fresh processes`);
    const cold = await repeat(COUNTS.cold, async () => {
      const { stdout } = await run(process.execPath, [fileURLToPath(new URL('./cold-ready.mjs', import.meta.url)), kind, build.distDir]);
      return JSON.parse(stdout).ms;
    });
    let snapshot = [];
    if (kind === 'sandbox') {
      log('node sandbox: boots from the snapshot');
      snapshot = await timesToReadyFromSnapshot(targets.sandbox, COUNTS.snapshotReady);
    }
    log(`node ${kind}: warm measurements`);
    const warm = await measureWarm(targets[kind], COUNTS, (step) => log(`node ${kind}: ${step}`));
    out[kind] = summarize(cold, snapshot, warm);
  }
  return out;
}

/** One target's results: medians up front, every sample kept under `samples`. */
function summarize(cold, snapshot, warm) {
  return {
    readyMs: median(cold),
    snapshotReadyMs: median(snapshot),
    ...warm,
    samples: { ...warm.samples, readyMs: cold, snapshotReadyMs: snapshot },
  };
}

async function benchChromium() {
  const site = await server.startStaticServer({ root: build.root, crossOriginIsolated: true });
  const browser = await chromiumLauncher.launchChromium();
  results.machine.chromium = browser.version();
  try {
    const out = {};
    for (const kind of ['sandbox', 'raw']) {
      log(`chromium ${kind}: cold boots in fresh browser contexts`);
      const cold = await repeat(COUNTS.cold, () => withBenchPage(browser, site, (page) => page.evaluate((k) => window.bench.timeToReady(k), kind)));
      let snapshot = [];
      if (kind === 'sandbox') {
        log('chromium sandbox: boots from the snapshot');
        snapshot = await withBenchPage(browser, site, (page) => page.evaluate((n) => window.bench.timesToReadyFromSnapshot(n), COUNTS.snapshotReady));
      }
      log(`chromium ${kind}: warm measurements`);
      const warm = await withBenchPage(browser, site, (page) => {
        page.on('console', (message) => message.text().startsWith('bench ') && log(`chromium ${message.text().slice(6)}`));
        return page.evaluate(([k, counts]) => window.bench.measureWarm(k, counts), [kind, COUNTS]);
      });
      out[kind] = summarize(cold, snapshot, warm);
    }
    return out;
  } finally {
    await browser.close();
    await site.close();
  }
}

/** A fresh browser context (empty HTTP and code caches) with the bench page loaded. */
async function withBenchPage(browser, site, fn) {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    await page.goto(`${site.origin}/bench/pages/bench.html`);
    await page.waitForFunction(() => window.bench ?? window.benchError);
    const state = await page.evaluate(() => ({ error: window.benchError, isolated: crossOriginIsolated }));
    if (state.error) throw new Error(`bench page failed to load: ${state.error}`);
    if (!state.isolated) throw new Error('bench page is not cross-origin isolated');
    return await fn(page);
  } finally {
    await context.close();
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
    counts: COUNTS,
  };
}
