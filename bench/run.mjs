/**
 * `npm run bench` (after `npm run build`): the sandbox against raw Pyodide in a worker, in Node
 * (worker_threads) and in headless Chromium (a cross-origin-isolated page), plus native python3
 * for CPU-bound code. Prints a Markdown table (stdout) and writes bench/results.json.
 * Progress goes to stderr. `BENCH_QUICK=1` runs a handful of samples (checks the bench itself).
 *
 * Everything runs one thing at a time: the machine has 2 cores, and parallel work would skew it.
 */
import { execFile } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { runnerImport } from 'vite';
import { CPU_PRIMES } from './programs.mjs';
import { markdownTable } from './report.mjs';
import { DEFAULT_COUNTS, median, repeat } from './suite.mjs';

const run = promisify(execFile);
const REPO_ROOT = fileURLToPath(new URL('../', import.meta.url));
const QUICK = process.env.BENCH_QUICK === '1';
const COUNTS = QUICK ? { cold: 1, roundTrips: 50, interrupts: 3, restarts: 1, prints: 1, cpu: 1 } : { cold: 3, ...DEFAULT_COUNTS };
const log = (message) => console.error(`[bench] ${message}`);

if (!existsSync(`${REPO_ROOT}dist/index.js`)) throw new Error('dist/index.js is missing: run `npm run build` first');

// The test helpers are TypeScript; vite (already a dev dependency) loads them for this plain-JS script.
const { module: server } = await runnerImport(`${REPO_ROOT}test/support/static-server.ts`, { configFile: false, logLevel: 'silent' });
const { module: chromiumLauncher } = await runnerImport(`${REPO_ROOT}test/support/chromium.ts`, { configFile: false, logLevel: 'silent' });
const { DEFAULT_LIMITS, PythonSandbox } = await import('../dist/index.js');

const started = performance.now();
const results = { machine: await describeMachine(), node: {}, chromium: {}, native: {} };

log('native python3: CPU-bound');
results.native.cpuSeconds = median(await repeat(COUNTS.cpu, nativeCpuSeconds));

results.node = await benchNode();
results.chromium = await benchChromium();

const table = markdownTable(results);
writeFileSync(new URL('./results.json', import.meta.url), `${JSON.stringify(results, null, 2)}\n`);
log(`done in ${((performance.now() - started) / 1000).toFixed(0)} s; wrote bench/results.json`);
console.log(table);

async function benchNode() {
  const { NODE_TARGETS } = await import('./node-targets.mjs');
  const out = { sandbox: {}, raw: {} };
  for (const kind of ['sandbox', 'raw']) {
    log(`node ${kind}: cold boots in fresh processes`);
    const cold = await repeat(COUNTS.cold, async () => {
      const { stdout } = await run(process.execPath, [fileURLToPath(new URL('./cold-ready.mjs', import.meta.url)), kind]);
      return JSON.parse(stdout).ms;
    });
    log(`node ${kind}: warm measurements`);
    const warm = await measureWarmLogged(NODE_TARGETS[kind], `node ${kind}`);
    out[kind] = { readyMs: median(cold), ...warm, samples: { ...warm.samples, readyMs: cold } };
  }
  return out;
}

async function measureWarmLogged(create, label) {
  const { measureWarm } = await import('./suite.mjs');
  return measureWarm(create, COUNTS, (step) => log(`${label}: ${step}`));
}

async function benchChromium() {
  const site = await server.startStaticServer({ root: REPO_ROOT, crossOriginIsolated: true });
  const browser = await chromiumLauncher.launchChromium();
  results.machine.chromium = browser.version();
  try {
    const out = { sandbox: {}, raw: {} };
    for (const kind of ['sandbox', 'raw']) {
      log(`chromium ${kind}: cold boots in fresh browser contexts`);
      const cold = await repeat(COUNTS.cold, () => withBenchPage(browser, site, (page) => page.evaluate((k) => window.bench.timeToReady(k), kind)));
      log(`chromium ${kind}: warm measurements`);
      const warm = await withBenchPage(browser, site, (page) => {
        page.on('console', (message) => message.text().startsWith('bench ') && log(`chromium ${message.text().slice(6)}`));
        return page.evaluate(([k, counts]) => window.bench.measureWarm(k, counts), [kind, COUNTS]);
      });
      out[kind] = { readyMs: median(cold), ...warm, samples: { ...warm.samples, readyMs: cold } };
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
  const probe = await PythonSandbox.create();
  const { pyodide, python } = probe.versions;
  await probe.dispose();
  return {
    date: new Date().toISOString().slice(0, 10),
    node: process.versions.node,
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown CPU',
    python3: python3.trim(),
    pyodide,
    pyodidePython: python,
    interruptGraceMs: DEFAULT_LIMITS.interruptGraceMs,
    counts: COUNTS,
  };
}
