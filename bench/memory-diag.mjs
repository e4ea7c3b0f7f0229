/**
 * Diagnosis, not a bench row: where the renderer memory of a first visit sits. One browser per
 * contestant (`sandbox` or `raw`, argv[2]), the page's and the frame's renderer read apart (by start
 * order: the page's renderer starts first), after boot, after waiting, and after a forced GC in every
 * isolate (`--expose-gc`: page, frame, their workers). Run under the browser lock:
 *   flock /tmp/heavy-browser.lock node bench/memory-diag.mjs sandbox
 */
import { randomUUID } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { runnerImport } from 'vite';
import { withFreshBenchPage } from './bench-page.mjs';

const REPO_ROOT = fileURLToPath(new URL('../', import.meta.url));
const helper = async (name) => (await runnerImport(`${REPO_ROOT}test/support/${name}`, { configFile: false, logLevel: 'silent' })).module;
const [server, chromiumLauncher] = await Promise.all(['static-server.ts', 'chromium.ts'].map(helper));
const kind = process.argv[2] ?? 'sandbox';

function renderers(tag) {
  const procs = readdirSync('/proc')
    .filter((n) => /^\d+$/.test(n))
    .map((pid) => {
      try {
        const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
          .replace(/^.*\) /s, '')
          .split(' ');
        return { pid, ppid: stat[1], start: Number(stat[19]), cmdline };
      } catch {
        return undefined;
      }
    })
    .filter(Boolean);
  const root = procs.find((p) => p.cmdline.includes(`--bench-tag=${tag}`) && !p.cmdline.includes('--type='));
  const family = new Set([root.pid]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const p of procs) if (!family.has(p.pid) && family.has(p.ppid)) family.add(p.pid), (grew = true);
  }
  return procs
    .filter((p) => family.has(p.pid) && p.cmdline.includes('--type=renderer') && !p.cmdline.includes('--top-chrome-webui'))
    .sort((a, b) => a.start - b.start || a.pid - b.pid);
}
const pss = (tag) =>
  renderers(tag)
    .map(({ pid }) => {
      const text = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
      const kb = (k) => Number(new RegExp(`^${k}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? 0) / 1024;
      return `${pid}: ${kb('Pss').toFixed(1)} MB (anon ${kb('Pss_Anon').toFixed(1)}, file ${kb('Pss_File').toFixed(1)}, shmem ${kb('Pss_Shmem').toFixed(1)})`;
    })
    .join(' | ');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const site = await server.startStaticServer({ root: process.env.DIAG_ROOT ?? REPO_ROOT, crossOriginIsolated: true });
const tag = randomUUID();
const browser = await chromiumLauncher.launchChromium({
  args: [`--bench-tag=${tag}`, '--disable-features=SpareRendererForSitePerProcess', '--js-flags=--expose-gc'],
});
try {
  await withFreshBenchPage(browser, site, async (page) => {
    const t0 = performance.now();
    await page.evaluate((k) => window.bench.hold(k), kind);
    console.log(`${kind}: held in ${(performance.now() - t0).toFixed(0)} ms`);
    await sleep(1000);
    console.log(`after 1 s:     ${pss(tag)}`);
    await sleep(Number(process.env.DIAG_WAIT ?? 0));
    if (process.env.DIAG_WAIT) console.log(`after +${process.env.DIAG_WAIT} ms: ${pss(tag)}`);
    for (const frame of page.frames())
      await frame.evaluate(() => globalThis.gc?.()).catch((e) => console.log(`gc in frame failed: ${e.message.split('\n')[0]}`));
    for (const worker of page.workers())
      await worker.evaluate(() => globalThis.gc?.()).catch((e) => console.log(`gc in worker failed: ${e.message.split('\n')[0]}`));
    await sleep(1000);
    console.log(`after gc:      ${pss(tag)} (workers collected: ${page.workers().length})`);
    await page.evaluate(() => window.bench.release());
  });
} finally {
  await browser.close();
  await site.close();
}
