/**
 * Charts in the widget, per engine (Chromium, Firefox, WebKit): how long after the run's end the
 * live chart is on screen, in a fresh profile each round (so the chart's chunk is fetched and
 * compiled each time, as on a first visit), on the tests' host page playing the chart recording
 * (test/ui/pages/chart.recording.json: a cell that passes a Vega-Lite dict to display()). Also the
 * gzipped sizes of widget.js and its chart chunk, and whether a conversation without charts asks
 * for the chunk. The target: the chart on screen within 300 ms of the run's end.
 *
 * In Node (no browser): a 1,000-point line chart drawn as SVG alone and as PNG (the SVG rasterized
 * by resvg's WebAssembly build), alternately in the same drawing process, after one of each to
 * warm it. The target: the PNG within 2× the SVG's CPU time (the drawing process's own).
 */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { createServer } from 'vite';
import { runAloneIfMain, testSupport } from './run-alone.mjs';

const REPO_ROOT = fileURLToPath(new URL('../', import.meta.url));

export const CHARTS_COUNTS = { rounds: 5, nodeRounds: 10 };
export const CHARTS_QUICK_COUNTS = { rounds: 1, nodeRounds: 3 };
export const CHART_PAINT_GOAL_MS = 300;
/** The PNG's time over the SVG's, in Node, at most. */
export const NODE_PNG_GOAL_RATIO = 2;
const NODE_CHART_POINTS = 1000;
/**
 * A first visit's own files (widget.js and worker.js gzipped -9 by Node's zlib, the shipped
 * snapshot as it is) in the last build before charts, f6962d4, built and measured as
 * `benchCharts` measures them. The goal: a conversation without charts downloads at most 1 kB
 * more than that.
 */
export const BEFORE_CHARTS = { commit: 'f6962d4', bytes: 256_740 + 69_554 + 3_672_580, goalExtraBytes: 1000 };

const CHART_PAGE = '/test/ui/pages/host.html?demo=/test/ui/pages/chart.recording.json';
const PLAIN_PAGE = '/test/ui/pages/host.html?demo=/dist/demos/primes.json';
const TIMEOUT_MS = 120_000;

/** Every sample, by engine; `root`: the frozen build's (frozen-build.mjs), which serves the tests' pages beside dist/. */
export async function benchCharts({ root, counts, log }) {
  const [{ startStaticServer }, { chromium }, { firefox }, { webkit }] = await Promise.all(
    ['static-server.ts', 'engines/chromium.ts', 'engines/firefox.ts', 'engines/webkit.ts'].map(testSupport),
  );
  const gzipped = (file) => gzipSync(readFileSync(join(root, 'dist', file)), { level: 9 }).length;
  const widget = gzipped('widget.js');
  // What a first visit without charts downloads of this build's own files: Pyodide's runtime
  // files are the same in every build, the chart chunk is not fetched, the snapshot is gzipped already.
  const firstVisit = widget + gzipped('worker.js') + statSync(join(root, 'dist', 'pyodide', 'sandbox-snapshot.bin.gz')).size;
  const bytes = { widget, chart: gzipped('widget-chart.js'), firstVisit };
  const out = { counts, goalMs: CHART_PAINT_GOAL_MS, bytes, engines: {} };
  out.node = await nodePictures(counts.nodeRounds, log);
  const server = await startStaticServer({ root, crossOriginIsolated: true });
  try {
    for (const engine of [chromium(), firefox(), webkit({ sharedArrayBuffer: true })]) {
      if (engine.missing) {
        out.engines[engine.name] = { skipped: engine.missing };
        continue;
      }
      const paints = [];
      let chunkWithoutCharts;
      try {
        for (let round = 0; round < counts.rounds; round++) {
          log(`charts, ${engine.name}, round ${round + 1}/${counts.rounds}`);
          const page = await engine.open(`${server.origin}${CHART_PAGE}`, null);
          try {
            paints.push(await page.evaluate(playedDemo, { timeoutMs: TIMEOUT_MS, chart: true }));
          } finally {
            await page.close();
          }
        }
        const plain = await engine.open(`${server.origin}${PLAIN_PAGE}`, null);
        try {
          chunkWithoutCharts = await plain.evaluate(playedDemo, { timeoutMs: TIMEOUT_MS, chart: false });
        } finally {
          await plain.close();
        }
      } finally {
        await engine.close();
      }
      const sorted = paints.map((p) => p.paintMs).sort((a, b) => a - b);
      out.engines[engine.name] = { paintMs: sorted, medianMs: sorted[Math.floor(sorted.length / 2)], maxMs: sorted.at(-1), chunkWithoutCharts };
    }
  } finally {
    await server.close();
  }
  return out;
}

/** Wall and CPU milliseconds of a 1,000-point line chart drawn in Node as SVG and as PNG, alternately. */
async function nodePictures(rounds, log) {
  // A module loader kept open while the charts are drawn: the drawing imports its packages lazily.
  const loader = await createServer({
    configFile: false,
    logLevel: 'silent',
    appType: 'custom',
    optimizeDeps: { noDiscovery: true, include: [] },
    server: { middlewareMode: true, hmr: false },
  });
  try {
    const { renderChart, renderChartSvg } = await loader.ssrLoadModule(`${REPO_ROOT}src/sandbox/charts/render-node.ts`);
    const { lineChartSpec } = await testSupport('chart-specs.ts');
    return await timePictures(renderChart, renderChartSvg, lineChartSpec, rounds, log);
  } finally {
    await loader.close();
  }
}

async function timePictures(renderChart, renderChartSvg, lineChartSpec, rounds, log) {
  const chart = { mimeType: 'application/vnd.vegalite.v6+json', spec: JSON.stringify(lineChartSpec(NODE_CHART_POINTS)) };
  const timed = async (draw) => {
    const started = performance.now();
    const { cpuMs } = await draw(chart);
    return { ms: performance.now() - started, cpuMs };
  };
  await timed(renderChartSvg);
  await timed(renderChart);
  const svg = [];
  const png = [];
  for (let round = 0; round < rounds; round++) {
    log(`charts, Node, round ${round + 1}/${rounds}`);
    svg.push(await timed(renderChartSvg));
    png.push(await timed(renderChart));
  }
  const median = (samples, key) => {
    const sorted = samples.map((sample) => sample[key]).sort((a, b) => a - b);
    return Math.round(sorted[Math.floor(sorted.length / 2)] * 10) / 10;
  };
  const result = {
    points: NODE_CHART_POINTS,
    rounds,
    svgMs: median(svg, 'ms'),
    pngMs: median(png, 'ms'),
    svgCpuMs: median(svg, 'cpuMs'),
    pngCpuMs: median(png, 'cpuMs'),
  };
  const ratio = (png, svg) => Math.round((png / svg) * 100) / 100;
  // The goal reads CPU time (the drawing process's own), which other work on the machine leaves alone.
  return { ...result, ratio: ratio(result.pngCpuMs, result.svgCpuMs), wallRatio: ratio(result.pngMs, result.svgMs), goalRatio: NODE_PNG_GOAL_RATIO };
}

/**
 * In the page (sent as source: nothing from this module's scope). Plays the demo the page's
 * widget was given and watches its DOM. `chart`: the time from the run's end (the sandbox's
 * answer to the chat's `run`) to the chart's bars (the browser paints them at its next frame),
 * the chart's picture for the model included; else, once the answer is in, how many times the
 * page asked for the chart chunk.
 */
async function playedDemo({ timeoutMs, chart }) {
  const started = performance.now();
  const find = (selector) => {
    const roots = [document];
    while (roots.length > 0) {
      const root = roots.shift();
      const hit = root.querySelector(selector);
      if (hit) return hit;
      for (const el of root.querySelectorAll('*')) if (el.shadowRoot) roots.push(el.shadowRoot);
    }
    return null;
  };
  const until = async (what, probe) => {
    for (;;) {
      const value = probe();
      if (value) return value;
      if (performance.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  const chat = await until('the chat', () => document.querySelector('code-exec-chat'));
  const sandbox = await until("the chat's Python", () => chat.sandbox);
  // The run's end is when the sandbox answers, before the page draws the chart's picture for the
  // model and shows the result: both are part of the wait the reader sees.
  let runEnd;
  const run = sandbox.run.bind(sandbox);
  sandbox.run = async (...args) => {
    const result = await run(...args);
    runEnd ??= performance.now();
    return result;
  };
  await until('the demo prompt', () => find('textarea')?.value);
  let painted;
  // A mutation observer: its callbacks run between the microtasks that draw, where a timer could
  // only run once the whole task (Lit's render and the chart's drawing) had ended.
  const observer = new MutationObserver(() => {
    const now = performance.now();
    if (runEnd !== undefined && painted === undefined && find('cec-chart svg.marks .mark-rect path')) painted = now;
  });
  if (chart) observer.observe(chat.shadowRoot, { subtree: true, childList: true, attributes: true });
  (await until('an enabled Send button', () => find('button[aria-label="Send message"]:not([aria-disabled="true"])'))).click();
  if (chart) {
    await until('the chart', () => painted !== undefined);
    observer.disconnect();
    return { paintMs: Math.round(painted - runEnd) };
  }
  await until('the answer', () => find('.cell .badge.ok') && !find('[aria-busy="true"]'));
  return performance.getEntriesByType('resource').filter((entry) => /widget-chart\.js/.test(entry.name)).length;
}

/** The bench's rows: paint time per engine against the goal, the sizes, the requests without charts. */
export function chartsTable(results) {
  if (!results) return '';
  const kB = (bytes) => `${(bytes / 1000).toFixed(1)} kB`;
  const extra = results.bytes.firstVisit - BEFORE_CHARTS.bytes;
  const rows = Object.entries(results.engines).map(([name, r]) =>
    r.skipped
      ? `| ${name} | skipped: ${r.skipped} | | |`
      : `| ${name} | ${r.medianMs} ms (${r.paintMs.join(', ')}) | ${r.maxMs <= results.goalMs ? 'yes' : 'no'} | ${r.chunkWithoutCharts} |`,
  );
  const node = results.node;
  const nodeLines = node
    ? [
        '',
        `In Node, a ${node.points.toLocaleString('en')}-point line chart (median of ${node.rounds}, alternately in one drawing process): SVG ${node.svgMs} ms (${node.svgCpuMs} ms CPU), PNG ${node.pngMs} ms (${node.pngCpuMs} ms CPU): ${node.ratio}× in CPU time, ${node.wallRatio}× in wall time (goal ≤ ${node.goalRatio}× in CPU time: ${node.ratio <= node.goalRatio ? 'yes' : 'no'}).`,
      ]
    : [];
  return [
    `### Charts in the widget (${results.counts.rounds} fresh profiles per engine)`,
    '',
    `widget.js ${kB(results.bytes.widget)} gzipped; the chart chunk (widget-chart.js) ${kB(results.bytes.chart)} gzipped, loaded only by a conversation that shows a chart.`,
    '',
    `A first visit without charts, this build's own files (widget.js and worker.js gzipped, the shipped snapshot): ${kB(results.bytes.firstVisit)}; before charts (${BEFORE_CHARTS.commit}): ${kB(BEFORE_CHARTS.bytes)}; goal ≤ ${BEFORE_CHARTS.goalExtraBytes.toLocaleString('en')} bytes more: ${extra <= BEFORE_CHARTS.goalExtraBytes ? 'yes' : 'no'} (${extra > 0 ? '+' : ''}${extra.toLocaleString('en')} bytes).`,
    '',
    `| engine | chart on screen after the run's end: median (each round) | every round ≤ ${results.goalMs} ms | chunk requests, conversation without charts |`,
    '|---|---|---|---|',
    ...rows,
    ...nodeLines,
  ].join('\n');
}

await runAloneIfMain(import.meta.url, { bench: benchCharts, table: chartsTable, counts: CHARTS_COUNTS, quickCounts: CHARTS_QUICK_COUNTS });
