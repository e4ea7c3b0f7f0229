/**
 * Charts in the widget, per engine (Chromium, Firefox, WebKit): how long after the run's end the
 * live chart is on screen, in a fresh profile each round (so the chart's chunk is fetched and
 * compiled each time, as on a first visit), on the tests' host page playing the chart recording
 * (test/ui/pages/chart.recording.json: a cell that passes a Vega-Lite dict to display()). Also the
 * gzipped sizes of widget.js and its chart chunk, and whether a conversation without charts asks
 * for the chunk. The target: the chart on screen within 300 ms of the run's end.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { runAloneIfMain, testSupport } from './run-alone.mjs';

export const CHARTS_COUNTS = { rounds: 5 };
export const CHARTS_QUICK_COUNTS = { rounds: 1 };
export const CHART_PAINT_GOAL_MS = 300;

const CHART_PAGE = '/test/ui/pages/host.html?demo=/test/ui/pages/chart.recording.json';
const PLAIN_PAGE = '/test/ui/pages/host.html?demo=/dist/demos/primes.json';
const TIMEOUT_MS = 120_000;

/** Every sample, by engine; `root`: the frozen build's (frozen-build.mjs), which serves the tests' pages beside dist/. */
export async function benchCharts({ root, counts, log }) {
  const [{ startStaticServer }, { chromium }, { firefox }, { webkit }] = await Promise.all(
    ['static-server.ts', 'engines/chromium.ts', 'engines/firefox.ts', 'engines/webkit.ts'].map(testSupport),
  );
  const gzipped = (file) => gzipSync(readFileSync(join(root, 'dist', file)), { level: 9 }).length;
  const out = { counts, goalMs: CHART_PAINT_GOAL_MS, bytes: { widget: gzipped('widget.js'), chart: gzipped('widget-chart.js') }, engines: {} };
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

/**
 * In the page (sent as source: nothing from this module's scope). Plays the demo the page's
 * widget was given and watches its DOM. `chart`: the time from the run's end (its cell's `ok`
 * badge) to the chart's bars (the browser paints them at its next frame); else, once the answer is
 * in, how many times the page asked for the chart chunk.
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
  await until("the chat's Python", () => chat.sandbox);
  await until('the demo prompt', () => find('textarea')?.value);
  let runEnd;
  let painted;
  // A mutation observer: its callbacks run between the microtasks that draw, where a timer could
  // only run once the whole task (Lit's render and the chart's drawing) had ended.
  const observer = new MutationObserver(() => {
    const now = performance.now();
    if (runEnd === undefined && find('.cell .badge.ok')) runEnd = now;
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
  const rows = Object.entries(results.engines).map(([name, r]) =>
    r.skipped
      ? `| ${name} | skipped: ${r.skipped} | | |`
      : `| ${name} | ${r.medianMs} ms (${r.paintMs.join(', ')}) | ${r.maxMs <= results.goalMs ? 'yes' : 'no'} | ${r.chunkWithoutCharts} |`,
  );
  return [
    `### Charts in the widget (${results.counts.rounds} fresh profiles per engine)`,
    '',
    `widget.js ${kB(results.bytes.widget)} gzipped; the chart chunk (widget-chart.js) ${kB(results.bytes.chart)} gzipped, loaded only by a conversation that shows a chart.`,
    '',
    `| engine | chart on screen after the run's end: median (each round) | every round ≤ ${results.goalMs} ms | chunk requests, conversation without charts |`,
    '|---|---|---|---|',
    ...rows,
  ].join('\n');
}

await runAloneIfMain(import.meta.url, { bench: benchCharts, table: chartsTable, counts: CHARTS_COUNTS, quickCounts: CHARTS_QUICK_COUNTS });
