/**
 * The chart view's chunk (`chart-view.ts`: vega, vega-lite and vega-embed, built as
 * dist/widget-chart.js), loaded once, when a conversation first needs it. A run whose code looks
 * like a chart starts the load while it runs, so the chart is drawn soon after the run's end.
 */

type ChartViewModule = typeof import('./chart-view.js');

let loading: Promise<ChartViewModule> | undefined;

/** The chunk; a failed load is tried again by the next chart. */
export function loadChartView(): Promise<ChartViewModule> {
  loading ??= import('./chart-view.js').catch((error: unknown) => {
    loading = undefined;
    throw error;
  });
  return loading;
}

/** Code that builds a Vega-Lite spec or an Altair chart (a guess: a miss only costs the chart some time). */
const LOOKS_LIKE_A_CHART = /vega|altair|["']mark["']|\$schema/i;

/** Starts loading the chunk when `code` looks like it makes a chart, or a run made one; the chart that needs it waits for the same load. */
export function warmChartView(code: string, madeCharts = false): void {
  if (madeCharts || LOOKS_LIKE_A_CHART.test(code)) loadChartView().catch(() => undefined);
}

/** Live charts being drawn now, and who waits for them all to be drawn. */
let drawing = 0;
const waiting: (() => void)[] = [];

/** A live chart starts drawing: call the returned function once it is drawn, or failed. */
export function liveChartStarted(): () => void {
  drawing++;
  let done = false;
  return () => {
    if (done) return;
    done = true;
    if (--drawing > 0) return;
    for (const resolve of waiting.splice(0)) resolve();
  };
}

/** How long a chart's picture for the model waits for the live charts, at most: a chart takes seconds on a loaded phone; this is for one that never settles. */
const LIVE_CHARTS_WAIT_MS = 5000;

/**
 * Resolves once no live chart is being drawn (or after LIVE_CHARTS_WAIT_MS), checked after a
 * task, so that a chart the page renders now counts: the reader sees the charts before the
 * model's pictures of them are drawn.
 */
export async function liveChartsDrawn(): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 0));
  if (drawing === 0) return;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, LIVE_CHARTS_WAIT_MS);
    waiting.push(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}
