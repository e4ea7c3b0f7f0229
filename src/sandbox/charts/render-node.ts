/**
 * A chart's picture in Node, with no browser and no native module: vega-lite compiles the checked
 * spec, vega draws it as SVG and resvg's WebAssembly build rasterizes the SVG to PNG, with a font
 * read from `dejavu-fonts-ttf` (resvg's wasm sees no system font), in a process of their own
 * (render-process.ts). The packages are optional peer dependencies, loaded the first time a chart
 * is drawn: an install that never draws one needs none of them.
 */
import type { ChartOutput, RunResult } from '../../shared/types.js';
import { checkChart } from './check-chart.js';
import { type ProcessSetup, type RenderJob, renderInProcess } from './render-process.js';

/** A chart drawn: its PNG and the SVG it was rasterized from. */
export interface ChartPicture {
  png: Uint8Array;
  svg: string;
  /** The PNG's size in pixels. */
  width: number;
  height: number;
  /** CPU time the drawing process spent on it (SVG and PNG), in milliseconds. */
  cpuMs: number;
}

/** Options of `renderChart`. */
export interface RenderChartOptions {
  /** Pixels per SVG unit (default 1: a chart of Vega-Lite's default size is about 400 px wide). */
  scale?: number;
}

/** The longest side a PNG is given, in pixels: a larger chart (a wide facet, say) is scaled down to it. */
export const MAX_PICTURE_SIDE = 2000;

/** What `renderChart` needs beside this package; named in its error when one is missing. */
export const CHART_PACKAGES = ['vega', 'vega-lite', 'vega-interpreter', '@resvg/resvg-wasm', 'dejavu-fonts-ttf'] as const;

/** A chart that could not be drawn: refused by `checkChart`, a package missing, over the drawing's time or memory, or vega's own error. */
export class ChartRenderError extends Error {
  override name = 'ChartRenderError';
}

/**
 * Draws a chart as PNG (and SVG) in Node, in a process of its own. The spec is checked first
 * (`checkChart`), so a chart from anywhere may be passed; nothing it names is fetched.
 * @throws {ChartRenderError} the chart is refused, a package of `CHART_PACKAGES` is not installed, or it cannot be drawn.
 */
export async function renderChart(chart: Pick<ChartOutput, 'mimeType' | 'spec'>, options: RenderChartOptions = {}): Promise<ChartPicture> {
  const answer = await draw(chart, { scale: options.scale ?? 1, svgOnly: false });
  return { png: answer.png as Uint8Array, svg: answer.svg, width: answer.width as number, height: answer.height as number, cpuMs: answer.cpuMs };
}

/**
 * A chart as SVG text alone (what `renderChart` rasterizes), checked first as it is, with the CPU
 * time the drawing process spent on it.
 * @throws {ChartRenderError} as `renderChart`.
 */
export async function renderChartSvg(chart: Pick<ChartOutput, 'mimeType' | 'spec'>): Promise<{ svg: string; cpuMs: number }> {
  const { svg, cpuMs } = await draw(chart, { scale: 1, svgOnly: true });
  return { svg, cpuMs };
}

/**
 * The result with each chart's PNG in `image`, for a model that sees images. A chart that cannot
 * be drawn (a renderer package not installed, say) keeps its spec and gets a line in the output
 * and in its `note`: the run goes on.
 */
export async function drawCharts(result: RunResult, options?: RenderChartOptions): Promise<RunResult> {
  if (result.charts.length === 0) return result;
  let notes = '';
  const charts: ChartOutput[] = [];
  for (const [index, chart] of result.charts.entries()) {
    if (chart.image) {
      charts.push(chart);
      continue;
    }
    try {
      const { png } = await renderChart(chart, options);
      charts.push({ ...chart, image: { mimeType: 'image/png', data: Buffer.from(png.buffer, png.byteOffset, png.byteLength).toString('base64') } });
    } catch (error) {
      const why = (error as Error).message;
      notes += `[chart ${index + 1} not drawn as an image: ${why}]\n`;
      charts.push({ ...chart, note: chart.note ? `${chart.note}; not drawn: ${why}` : `not drawn: ${why}` });
    }
  }
  if (!notes) return { ...result, charts };
  const sep = (text: string) => (text && !text.endsWith('\n') ? '\n' : '');
  return { ...result, charts, output: result.output + sep(result.output) + notes, stderr: result.stderr + sep(result.stderr) + notes };
}

async function draw(chart: Pick<ChartOutput, 'mimeType' | 'spec'>, job: Omit<RenderJob, 'spec'>) {
  const checked = checkChart(chart);
  if (checked.refused !== undefined) throw new ChartRenderError(`The chart was refused: ${checked.refused}.`);
  const answer = await renderInProcess({ ...job, spec: checked.chart.spec }, processSetup);
  if (answer.error !== undefined) throw new ChartRenderError(`The chart could not be drawn: ${answer.error}.`);
  return answer;
}

/** Finds the packages from this module (the app's install), and reads resvg's wasm and the fonts. */
async function processSetup(): Promise<ProcessSetup> {
  try {
    const [{ readFile }, { createRequire }, { pathToFileURL }] = await Promise.all([
      import(/* @vite-ignore */ 'node:fs/promises'),
      import(/* @vite-ignore */ 'node:module'),
      import(/* @vite-ignore */ 'node:url'),
    ]);
    const require = createRequire(import.meta.url);
    const url = (name: string) => pathToFileURL(require.resolve(name)).href;
    const read = async (name: string) => new Uint8Array(await readFile(require.resolve(name)));
    const modules = { vega: url('vega'), vegaLite: url('vega-lite'), interpreter: url('vega-interpreter'), resvg: url('@resvg/resvg-wasm') };
    // One face: resvg reads the fonts again for every picture, and a bold face would add a third
    // to a chart's raster time for its title alone (drawn in the regular face instead).
    const [wasm, ...fonts] = await Promise.all([read('@resvg/resvg-wasm/index_bg.wasm'), read('dejavu-fonts-ttf/ttf/DejaVuSans.ttf')]);
    return { modules, wasm, fonts, maxSide: MAX_PICTURE_SIDE };
  } catch (error) {
    throw new ChartRenderError(
      `Charts are drawn in Node with optional packages: install them beside this one (npm install ${CHART_PACKAGES.join(' ')}). ${(error as Error).message}`,
    );
  }
}
