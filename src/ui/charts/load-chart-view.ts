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
