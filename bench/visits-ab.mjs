/**
 * Diagnosis: first visits (fresh context) and return visits (a new page of the same context) of
 * two builds side by side, alternating: `node bench/visits-ab.mjs ROOT_A ROOT_B [rounds]`, each
 * root a checkout with `dist/` built. Run under the browser lock.
 */
import { fileURLToPath } from 'node:url';
import { runnerImport } from 'vite';
import { withBenchPage, withContext } from './bench-page.mjs';

const REPO_ROOT = fileURLToPath(new URL('../', import.meta.url));
const helper = async (name) => (await runnerImport(`${REPO_ROOT}test/support/${name}`, { configFile: false, logLevel: 'silent' })).module;
const [server, chromiumLauncher] = await Promise.all(['static-server.ts', 'chromium.ts'].map(helper));
const [rootA, rootB, rounds = '5'] = process.argv.slice(2);
const sites = await Promise.all([rootA, rootB].map((root) => server.startStaticServer({ root, crossOriginIsolated: true })));
const browser = await chromiumLauncher.launchChromium();
const out = [
  { first: [], again: [] },
  { first: [], again: [] },
];
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
try {
  for (let round = 0; round < Number(rounds); round++) {
    for (const i of round % 2 ? [1, 0] : [0, 1]) {
      await withContext(browser, async (context) => {
        const once = () => withBenchPage(context, sites[i], (page) => page.evaluate(() => window.bench.visit('sandbox', {})));
        out[i].first.push((await once()).ms);
        out[i].again.push((await once()).ms);
      });
    }
  }
  for (const [i, root] of [rootA, rootB].entries())
    console.log(
      `${root}: first visit ${median(out[i].first).toFixed(0)} ms [${out[i].first.map((x) => x.toFixed(0))}], return visit ${median(out[i].again).toFixed(0)} ms [${out[i].again.map((x) => x.toFixed(0))}]`,
    );
} finally {
  await browser.close();
  await Promise.all(sites.map((s) => s.close()));
}
