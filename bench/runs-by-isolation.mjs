/**
 * Diagnosis: where a small run's cost goes in Chromium. 100 small runs (`x = i * 2`), the sandbox
 * paired with raw Pyodide in one page (as browser-cost.mjs pairs them), once with the default
 * isolation (the sandboxed frame) and once with `isolation: 'worker'`, each in a fresh context:
 * `node bench/runs-by-isolation.mjs [root] [rounds]`, root a checkout with `dist/` built. Run
 * under the browser lock.
 */
import { fileURLToPath } from 'node:url';
import { withFreshBenchPage } from './bench-page.mjs';
import { SMALL_RUNS } from './browser-cost.mjs';
import { testSupport } from './run-alone.mjs';

const [root = fileURLToPath(new URL('../', import.meta.url)), rounds = '7'] = process.argv.slice(2);
const [{ startStaticServer }, { launchChromium }] = await Promise.all(['static-server.ts', 'chromium.ts'].map(testSupport));
const site = await startStaticServer({ root, crossOriginIsolated: true });
const browser = await launchChromium();
const median = (samples) => samples.map((sample) => sample.ms).sort((a, b) => a - b)[Math.floor(samples.length / 2)];
try {
  for (const options of [undefined, { isolation: 'worker' }]) {
    const samples = await withFreshBenchPage(browser, site, (page) =>
      page.evaluate(([programs, n, o]) => window.bench.pairedRuns(programs, n, 'small runs', o ?? undefined), [SMALL_RUNS, Number(rounds), options]),
    );
    const [sandbox, raw] = [median(samples.sandbox), median(samples.raw)];
    console.log(
      `${options ? "isolation: 'worker'" : 'default (frame)'}: sandbox ${sandbox.toFixed(0)} ms, raw ${raw.toFixed(0)} ms, ${(sandbox / raw).toFixed(2)}×, ${((sandbox - raw) / SMALL_RUNS.length).toFixed(2)} ms a run more`,
    );
  }
} finally {
  await browser.close();
  await site.close();
}
process.exit(0);
