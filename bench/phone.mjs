/**
 * The phone first visit: the demo site as the README serves it (`npm start`: `vite preview`
 * of dist/), opened on an emulated phone — Chromium, CPU ×4 on every thread of its renderer
 * processes (cpu-throttle.mjs), 9 Mbit/s down, 1.5 Mbit/s up, 150 ms RTT (phone-link.mjs),
 * 390×844, a fresh context (nothing cached) — until the first Python output of the primes demo
 * (its card picked and sent as soon as it shows; the widget runs the recorded code live). Beside
 * it, raw Pyodide: a page of the same server loading the same (plain) files with `loadPyodide()`
 * in a module worker (raw-worker.mjs), then running the same code.
 *
 * Bytes on the wire are what went down the link (headers and bodies of every request of the page,
 * its frame, its workers and its service worker), per visit, and per request with when its last
 * byte arrived (the phases).
 *
 * The CPU: a phone is slow on every thread, and Python boots or restores in a worker on both
 * sides. Chromium's own CPU throttling (CDP `Emulation.setCPUThrottlingRate`) slows the page's
 * main thread only, not workers (a loop 4.1–4.3× as long on the main thread, 1.0× in a worker),
 * which left Python at this desktop's speed and undercounted raw Pyodide's boot most. So the
 * rows of record duty-cycle the whole renderer processes with SIGSTOP/SIGCONT instead (the same
 * for both contestants), and a calibration before the visits times a loop on the main thread and
 * in a worker, unthrottled and under each throttle (≈4× on both under the whole-renderer one).
 * A few rounds with CDP's throttle instead are kept as reference rows, to compare with earlier runs.
 */
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomUUID } from 'node:crypto';
import { preview } from 'vite';
import { loopTimes, slowdown } from './cpu-calibration.mjs';
import { browserPid, startCpuThrottle } from './cpu-throttle.mjs';
import { startPhoneLink } from './phone-link.mjs';

const REPO_ROOT = fileURLToPath(new URL('../', import.meta.url));

/** The emulated phone (Chrome DevTools units: bytes per second, milliseconds). */
export const PHONE = {
  network: { downBytesPerSecond: 9e6 / 8, upBytesPerSecond: 1.5e6 / 8, rttMs: 150 },
  cpuThrottlingRate: 4,
  viewport: { width: 390, height: 844 },
};

/**
 * Chromium flags for the phone: Chrome on Android keeps a page's sandboxed iframe in the page's
 * process (site isolation there covers only sites people log in to), and CPU throttling applies
 * per renderer process, so the frame and its worker are throttled like the page.
 */
export const PHONE_CHROMIUM_ARGS = ['--disable-site-isolation-trials', '--disable-features=IsolateSandboxedIframes,IsolateOrigins,site-per-process'];

/** The Python the primes demo runs first (public/demos/primes.json), and what it prints. */
function primesCode(distDir) {
  const recording = JSON.parse(readFileSync(join(distDir, 'demos/primes.json'), 'utf8'));
  const call = recording.messages[0].turns[0].parts.find((part) => part.functionCall).functionCall;
  return call.args.code;
}
const PRIMES_OUTPUT = '5117';

/** Writes the raw Pyodide page into the (frozen) build, so the preview server serves it beside the site. */
function writeRawPage(distDir) {
  const dir = join(distDir, 'bench-phone');
  mkdirSync(dir, { recursive: true });
  for (const file of ['raw-worker.mjs', 'raw-pyodide.mjs']) copyFileSync(join(REPO_ROOT, 'bench', file), join(dir, file));
  writeFileSync(
    join(dir, 'raw.html'),
    `<!doctype html>
<html lang="en"><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>raw Pyodide</title>
<pre id="output"></pre>
<script type="module">
import { RawPyodide } from './raw-pyodide.mjs';
const indexURL = new URL('../pyodide/', location.href).href;
const raw = await RawPyodide.start({ workerUrl: new URL('./raw-worker.mjs', import.meta.url), pyodideUrl: indexURL + 'pyodide.mjs', indexURL });
window.rawReadyMs = performance.now();
const reply = await raw.run(${JSON.stringify(primesCode(distDir))});
document.getElementById('output').textContent = reply.ok ? reply.stdout : 'error: ' + reply.error;
</script>
</html>
`,
  );
  return '/bench-phone/raw.html';
}

async function freePort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** `vite preview` of the frozen build's dist/ with this repository's config (what `npm start` runs), behind the phone link. */
async function startPreview(distDir) {
  const port = await freePort();
  const server = await preview({
    configFile: join(REPO_ROOT, 'vite.config.ts'),
    logLevel: 'silent',
    build: { outDir: distDir },
    preview: { host: '127.0.0.1', port, strictPort: true, open: false },
  });
  const link = await startPhoneLink(port, PHONE.network);
  return {
    origin: link.origin,
    bytesWritten: () => link.bytesDown(),
    takeLog: () => link.takeLog(),
    close: async () => {
      await link.close();
      await server.close();
    },
  };
}

/**
 * A fresh phone context and page. `cpu: 'cdp'`: its main thread throttled by CDP before anything
 * loads (the reference rows); otherwise the whole-renderer throttle, already running, slows it.
 */
async function phonePage(browser, cpu) {
  const context = await browser.newContext({ viewport: PHONE.viewport, isMobile: true, hasTouch: true, deviceScaleFactor: 3 });
  const page = await context.newPage();
  if (cpu === 'cdp') {
    const cdp = await context.newCDPSession(page);
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: PHONE.cpuThrottlingRate });
  }
  return { context, page };
}

/**
 * Each throttle's slowdown of a loop on the main thread and in a worker (cpu-calibration.mjs):
 * `reps` times unthrottled, under CDP's throttle and under the whole-renderer one, back to back
 * (the machine is shared: its load changes over a minute), the medians of each rep's ratios.
 */
async function calibrate(browser, rootPid, reps = 3) {
  const samples = [];
  for (let rep = 0; rep < reps; rep++) {
    const unthrottled = await phoneLoopTimes(browser, 'none');
    const cdp = await phoneLoopTimes(browser, 'cdp');
    const throttle = await startCpuThrottle({ rootPid, factor: PHONE.cpuThrottlingRate });
    let renderer;
    try {
      renderer = await phoneLoopTimes(browser, 'renderer');
    } finally {
      await throttle.stop();
    }
    samples.push({ unthrottled, cdp, renderer, slowdown: { cdp: slowdown(unthrottled, cdp), renderer: slowdown(unthrottled, renderer) } });
  }
  const of = (kind, thread) => median(samples.map((s) => s.slowdown[kind][thread]));
  // Other work on the machine (its 1-minute load average) makes the unthrottled loop slower and the ratios smaller.
  return {
    loadAverage: loadavg()[0],
    samples,
    slowdown: { renderer: { main: of('renderer', 'main'), worker: of('renderer', 'worker') }, cdp: { main: of('cdp', 'main'), worker: of('cdp', 'worker') } },
  };
}

/** The calibration loop's times (cpu-calibration.mjs) in a fresh phone page. */
async function phoneLoopTimes(browser, cpu) {
  const { context, page } = await phonePage(browser, cpu);
  try {
    await page.goto('data:text/html,<title>calibration</title>');
    return await loopTimes(page, 1);
  } finally {
    await context.close();
  }
}

/** Polls `locator` until its text contains `text`; returns when (ms since `t0`). */
async function whenText(locator, text, t0, timeoutMs = 180_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const found = await locator
      .first()
      .textContent({ timeout: 1000 })
      .catch(() => '');
    if (found?.includes(text)) return Date.now() - t0;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`"${text}" did not appear within ${timeoutMs} ms`);
}

/**
 * One first visit of the demo page: the primes card picked and sent as soon as it shows.
 * `withoutShippedSnapshot`: the server answers 404 for the snapshot shipped in the package (what
 * `shippedSnapshot: false` does), so Python boots instead of being restored.
 */
async function sandboxVisit(browser, site, withoutShippedSnapshot = false, cpu = 'renderer') {
  const { context, page } = await phonePage(browser, cpu);
  if (withoutShippedSnapshot) await context.route('**/sandbox-snapshot.bin.gz', (route) => route.fulfill({ status: 404, body: '' }));
  // When the widget's Python is ready, and when its code cell shows (ms since navigation).
  await page.addInitScript(() => {
    document.addEventListener('cec-sandbox-ready', () => (window.benchReadyMs = performance.now()), { once: true });
  });
  try {
    const before = site.bytesWritten();
    site.takeLog();
    const t0 = Date.now();
    await page.goto(`${site.origin}/index.html`, { waitUntil: 'commit' });
    const card = page.locator('code-exec-chat .welcome cec-demo-picker button[data-demo="primes"]');
    await card.waitFor({ timeout: 120_000 });
    const cardsMs = Date.now() - t0;
    await card.click();
    const send = page.locator('code-exec-chat cec-composer button[aria-label="Send message"]');
    await send.click({ timeout: 60_000 });
    const sentMs = Date.now() - t0;
    const firstOutputMs = await whenText(page.locator('code-exec-chat .cell pre.output'), PRIMES_OUTPUT, t0);
    const readyMs = Math.round(await page.evaluate(() => window.benchReadyMs));
    await untilLinkIdle(site);
    return { ms: firstOutputMs, cardsMs, sentMs, readyMs, bytes: site.bytesWritten() - before, requests: site.takeLog() };
  } finally {
    await context.close();
  }
}

/**
 * Waits, after the first output, until nothing has gone down the link for `quietMs`: a visit's
 * bytes are all it downloads (the sandbox's standard library may still be on its way at its first
 * output, and the service worker registers after the first answer), not what came before the output.
 */
async function untilLinkIdle(site, quietMs = 1_500, capMs = 60_000) {
  const start = Date.now();
  let last = site.bytesWritten();
  let quietSince = Date.now();
  while (Date.now() - quietSince < quietMs && Date.now() - start < capMs) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    const now = site.bytesWritten();
    if (now !== last) [last, quietSince] = [now, Date.now()];
  }
}

/** One first visit of the raw Pyodide page. */
async function rawVisit(browser, site, rawPath, cpu = 'renderer') {
  const { context, page } = await phonePage(browser, cpu);
  try {
    const before = site.bytesWritten();
    site.takeLog();
    const t0 = Date.now();
    await page.goto(`${site.origin}${rawPath}`, { waitUntil: 'commit' });
    const firstOutputMs = await whenText(page.locator('#output'), PRIMES_OUTPUT, t0);
    const readyMs = Math.round(await page.evaluate(() => window.rawReadyMs));
    await untilLinkIdle(site);
    return { ms: firstOutputMs, readyMs, bytes: site.bytesWritten() - before, requests: site.takeLog() };
  } finally {
    await context.close();
  }
}

/**
 * `rounds` rounds, each a first visit of the demo page (as served, and without the shipped
 * snapshot) and of the raw page, the order rotating, every renderer thread throttled
 * (cpu-throttle.mjs); then `cdpRounds` rounds of the demo page and the raw page with CDP's
 * main-thread-only throttle instead (the reference rows). Before them, the calibration: a loop's
 * slowdown on the main thread and in a worker under each throttle. Launches its own Chromium
 * (the phone flags above).
 */
export async function phoneFirstVisits({ launchChromium, distDir, rounds, cdpRounds, log }) {
  const rawPath = writeRawPage(distDir);
  const site = await startPreview(distDir);
  const tag = randomUUID();
  const browser = await launchChromium({ args: [...PHONE_CHROMIUM_ARGS, `--bench-tag=${tag}`] });
  const rootPid = browserPid(tag);
  const kinds = ['sandbox', 'raw', 'sandboxBooted'];
  const out = { sandbox: [], sandboxBooted: [], raw: [], cdp: { sandbox: [], raw: [] }, chromium: browser.version() };
  let throttle;
  try {
    log('phone: calibrating the CPU throttles (a loop on the main thread and in a worker)');
    out.calibration = await calibrate(browser, rootPid);
    const x = (n) => `${n.toFixed(2)}×`;
    const { renderer, cdp } = out.calibration.slowdown;
    log(
      `  loop slowdown, every renderer thread throttled: main thread ${x(renderer.main)}, worker ${x(renderer.worker)}; CDP: main thread ${x(cdp.main)}, worker ${x(cdp.worker)} (load average ${out.calibration.loadAverage.toFixed(1)})`,
    );
    throttle = await startCpuThrottle({ rootPid, factor: PHONE.cpuThrottlingRate });
    for (let round = 0; round < rounds; round++) {
      for (const kind of [...kinds.slice(round % 3), ...kinds.slice(0, round % 3)]) {
        log(`phone first visit, round ${round + 1}/${rounds}: ${kind}`);
        const sample = kind === 'raw' ? await rawVisit(browser, site, rawPath) : await sandboxVisit(browser, site, kind === 'sandboxBooted');
        log(`  ${kind}: first output at ${(sample.ms / 1000).toFixed(1)} s, ${(sample.bytes / 1e6).toFixed(2)} MB on the wire`);
        out[kind].push({ ...sample, round });
      }
    }
    out.throttle = await throttle.stop();
    const t = out.throttle;
    log(
      `  throttle: ${t.cycles} cycles, renderers stopped ${(t.stoppedShare * 100).toFixed(1)}% of the time, running parts ${t.meanRunMs.toFixed(1)} ms on average, at most ${t.maxRenderers} renderers at once${t.niced ? '' : ', cycler not prioritized (no permission for nice −20)'}`,
    );
    for (let round = 0; round < cdpRounds; round++) {
      for (const kind of round % 2 ? ['raw', 'sandbox'] : ['sandbox', 'raw']) {
        log(`phone first visit, CDP throttle (main thread only), round ${round + 1}/${cdpRounds}: ${kind}`);
        const sample = kind === 'raw' ? await rawVisit(browser, site, rawPath, 'cdp') : await sandboxVisit(browser, site, false, 'cdp');
        log(`  ${kind}: first output at ${(sample.ms / 1000).toFixed(1)} s`);
        out.cdp[kind].push({ ...sample, round });
      }
    }
    return out;
  } finally {
    await throttle?.stop();
    await browser.close();
    await site.close();
  }
}

const median = (values) => {
  const sorted = values.filter((v) => v !== undefined).sort((a, b) => a - b);
  if (!sorted.length) return undefined;
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/** Per round: the variant's value ÷ raw's, for rounds where both have one. */
function perRound(samples, references, value) {
  return samples.flatMap((s) => {
    const r = references.find((x) => x.round === s.round);
    return r ? [value(s) / value(r)] : [];
  });
}

/**
 * The targets table's rows for the phone (report.mjs `targetsTable`): time to the first output
 * and bytes on the wire, each ÷ raw Pyodide's in the same round. `goals`: targets.mjs GOALS.
 */
export function phoneTargets(phone, goals) {
  if (!phone) return [];
  const rows = [];
  const TIME =
    '5. Phone first visit (CPU ×4 on every renderer thread, 9 Mbit/s, 150 ms RTT, 390×844, fresh context): page opened → first Python output of the primes demo';
  const BYTES = '5. Phone first visit: bytes on the wire (every request, service worker included)';
  const variants = [
    ['sandbox', 'Demo page as `npm start` serves it (shipped snapshot)', true, phone],
    ['sandboxBooted', 'Same, shipped snapshot not served (Python boots)', false, phone],
    ['sandbox', "Demo page, CPU ×4 by CDP instead (the page's main thread only, workers at full speed)", false, phone.cdp, 'time'],
  ];
  const range = (values) => (values.length ? [Math.min(...values), Math.max(...values)] : undefined);
  const ms = (s) => s.ms;
  const bytes = (s) => s.bytes;
  for (const [name, where, withGoal, from, only] of variants) {
    const samples = from?.[name];
    if (!samples?.length || !from.raw?.length) continue;
    const timeRatios = perRound(samples, from.raw, ms);
    const timeRatio = median(timeRatios);
    rows.push({
      target: TIME,
      where,
      value: median(samples.map(ms)),
      unit: 'ms',
      n: samples.length,
      range: range(samples.map(ms)),
      reference: median(from.raw.map(ms)),
      referenceLabel: from === phone ? 'raw Pyodide, same server and link' : 'raw Pyodide, same link, CDP throttle',
      ratio: timeRatio,
      perRound: timeRatios,
      ratioRange: range(timeRatios),
      ...(withGoal ? { goal: `≤ ${goals.phoneFirstVisitRatio}× raw`, met: timeRatio <= goals.phoneFirstVisitRatio } : { goal: 'reference', met: undefined }),
    });
    if (only === 'time') continue;
    const byteRatios = perRound(samples, from.raw, bytes);
    const byteRatio = median(byteRatios);
    rows.push({
      target: BYTES,
      where,
      value: median(samples.map(bytes)) / 1e6,
      unit: 'MB',
      n: samples.length,
      reference: median(from.raw.map(bytes)) / 1e6,
      referenceLabel: 'raw Pyodide',
      ratio: byteRatio,
      perRound: byteRatios,
      ratioRange: range(byteRatios),
      ...(withGoal ? { goal: `≤ ${goals.phoneBytesRatio}× raw`, met: byteRatio <= goals.phoneBytesRatio } : { goal: 'reference', met: undefined }),
    });
  }
  return rows;
}

/** Where a phone visit's time and bytes go: medians per variant, then the bytes of each file. */
export function phoneTable(phone) {
  if (!phone) return '';
  const s = (ms) => (ms === undefined || Number.isNaN(ms) ? '—' : `${(ms / 1000).toFixed(1)} s`);
  const mb = (bytes) => (bytes === undefined ? '—' : `${(bytes / 1e6).toFixed(2)} MB`);
  const names = [
    ['sandbox', 'Sandbox: demo page (shipped snapshot)'],
    ['sandboxBooted', 'Sandbox: snapshot not served'],
    ['raw', 'Raw Pyodide'],
  ];
  const present = names.filter(([name]) => phone[name]?.length);
  const cdpNames = [
    ['sandbox', 'CDP throttle (main thread only): sandbox demo page'],
    ['raw', 'CDP throttle (main thread only): raw Pyodide'],
  ].filter(([name]) => phone.cdp?.[name]?.length);
  const lines = [
    '### Phone first visit: phases (medians)',
    '',
    '| Variant | Demo cards shown | Message sent | Python ready | First output | Last byte received | On the wire |',
    '| --- | --- | --- | --- | --- | --- | --- |',
  ];
  const lastByte = (sample) => Math.max(...(sample.requests ?? []).map((r) => r.endMs ?? 0), 0) || undefined;
  for (const [samples, label] of [...present.map(([name, label]) => [phone[name], label]), ...cdpNames.map(([name, label]) => [phone.cdp[name], label])]) {
    const m = (key) => median(samples.map((x) => x[key]));
    lines.push(
      `| ${label} | ${s(m('cardsMs'))} | ${s(m('sentMs'))} | ${s(m('readyMs'))} | ${s(m('ms'))} | ${s(median(samples.map(lastByte)))} | ${mb(m('bytes'))} |`,
    );
  }
  const files = [...new Set(present.flatMap(([name]) => phone[name].flatMap((x) => (x.requests ?? []).map((r) => r.path))))];
  lines.push('', `| File | ${present.map(([, label]) => label).join(' | ')} |`, `| --- |${present.map(() => ' --- |').join('')}`);
  const perFile = (samples, path) => median(samples.map((x) => (x.requests ?? []).filter((r) => r.path === path).reduce((sum, r) => sum + r.bytes, 0)));
  const rowsOf = files.map((path) => [path, present.map(([name]) => perFile(phone[name], path))]).filter(([, values]) => values.some((v) => v >= 10_000));
  rowsOf.sort((a, b) => Math.max(...b[1]) - Math.max(...a[1]));
  for (const [path, values] of rowsOf) lines.push(`| \`${path}\` | ${values.map((v) => (v ? mb(v) : '—')).join(' | ')} |`);
  const x = (n) => (n === undefined ? '—' : `${n.toFixed(2)}×`);
  const slow = phone.calibration?.slowdown;
  const stopped = phone.throttle ? `, stopped ${(phone.throttle.stoppedShare * 100).toFixed(1)}% of the time` : '';
  lines.push(
    '',
    `Chromium ${phone.chromium}, ${phone.raw.length} rounds (CDP reference: ${phone.cdp?.raw?.length ?? 0}); times from navigation. The link (bench/phone-link.mjs) carries every request of the page, its frame, workers and service worker; a visit's bytes are every byte down the link until it has been idle 1.5 s after the first output (the sandbox's standard library may still be downloading at its first output); files under 10 kB are left out of the file table, not the totals. CPU ×4 on every thread of the browser's renderer processes (bench/cpu-throttle.mjs: SIGSTOP/SIGCONT, 5 ms of every 20 ms running${stopped}): a loop ran ${x(slow?.renderer.main)} as long on the page's main thread and ${x(slow?.renderer.worker)} in a worker (1-minute load average ${phone.calibration?.loadAverage?.toFixed(1)} then: other work on the machine slows the unthrottled loop and shrinks the ratios). CDP's throttle (\`Emulation.setCPUThrottlingRate\`, the reference rows) slows the main thread only: ${x(slow?.cdp.main)} there, ${x(slow?.cdp.worker)} in a worker, where Python runs on both sides.`,
  );
  return lines.join('\n');
}
