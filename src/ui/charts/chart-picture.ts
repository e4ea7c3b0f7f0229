/**
 * A chart's picture for the model, drawn in the page: the model sees every chart as a PNG (as
 * Gemini's own code execution shows its plots), which Node draws with resvg (render-node.ts) and
 * a page with its canvas. The spec is checked again, compiled by vega-lite and drawn by vega with
 * its expressions interpreted (no `eval` or `Function`) and a loader that refuses every URL. Part
 * of the chart chunk (chart-view.ts re-exports it), so a page without charts never loads vega.
 */
import { vega, vegaLite } from 'vega-embed';
import { expressionInterpreter } from 'vega-interpreter';
import { checkChart } from '../../sandbox/charts/check-chart.js';
import type { ChartOutput, ImageOutput } from '../../shared/types.js';

/** The longest side of a picture, in pixels, as in Node: a larger chart is drawn smaller. */
const MAX_SIDE = 2000;

const refuse = async (uri: unknown): Promise<never> => {
  throw new Error(`a chart loads nothing (${String(uri).slice(0, 100)})`);
};
/** Every URL a spec names is refused: data, images, fonts. The checked spec has none; this holds if one slipped through. */
export const refusingLoader = { load: refuse, sanitize: refuse, http: refuse, file: refuse };

/**
 * `chart` checked again (it is hostile data wherever it came from): its spec parsed, and what the
 * check removed from it, in one sentence.
 * @throws {Error} the spec is refused: its message says why, in one line.
 */
export function checkedSpec(chart: Pick<ChartOutput, 'mimeType' | 'spec'>): { spec: Record<string, unknown>; note?: string } {
  const checked = checkChart(chart);
  if (checked.refused !== undefined) throw new Error(`The chart was refused: ${checked.refused}.`);
  return { spec: JSON.parse(checked.chart.spec) as Record<string, unknown>, note: checked.chart.note };
}

/**
 * `chart` as a PNG the model can see.
 * @throws {Error} the spec is refused, or vega cannot draw it (the run's result then has no picture of it).
 */
export async function chartPicture(chart: Pick<ChartOutput, 'mimeType' | 'spec'>): Promise<ImageOutput> {
  const compiled = vegaLite.compile(checkedSpec(chart).spec as never, { logger: vega.logger(vega.None) }).spec;
  const view = new vega.View(vega.parse(compiled, undefined, { ast: true }), {
    renderer: 'none',
    loader: refusingLoader as never,
    expr: expressionInterpreter as never,
    logLevel: vega.None,
  });
  try {
    // Sized once at scale 1 to find the zoom that keeps the longest side within MAX_SIDE.
    const probe = await view.toCanvas(1);
    const scale = Math.min(1, MAX_SIDE / Math.max(probe.width, probe.height, 1));
    const canvas = scale < 1 ? await view.toCanvas(scale) : probe;
    const url = canvas.toDataURL('image/png');
    return { mimeType: 'image/png', data: url.slice(url.indexOf(',') + 1) };
  } finally {
    view.finalize();
  }
}
