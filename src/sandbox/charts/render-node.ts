/**
 * A chart's picture in Node, with no browser and no native module: vega-lite compiles the checked
 * spec, vega draws it as SVG (no canvas: `renderer: 'none'`, expressions interpreted, not
 * compiled into functions, a loader that fetches nothing), and resvg's WebAssembly build
 * rasterizes the SVG to PNG with a font read from `dejavu-fonts-ttf` (resvg-wasm sees no system
 * fonts). The four packages are optional peer dependencies, imported the first time a chart is
 * drawn: an install that never draws one needs none of them.
 */
import type { ChartOutput, RunResult } from '../../shared/types.js';
import { checkChart } from './check-chart.js';

/** A chart drawn: its PNG and the SVG it was rasterized from. */
export interface ChartPicture {
  png: Uint8Array;
  svg: string;
  /** The PNG's size in pixels. */
  width: number;
  height: number;
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

/** A chart that could not be drawn: refused by `checkChart`, a renderer package missing, or vega's own error. */
export class ChartRenderError extends Error {
  override name = 'ChartRenderError';
}

type Vega = typeof import('vega');
type VegaLite = typeof import('vega-lite');
type Interpreter = typeof import('vega-interpreter');
type Resvg = typeof import('@resvg/resvg-wasm');
interface Renderer {
  vega: Vega;
  vegaLite: VegaLite;
  interpreter: Interpreter;
  resvg: Resvg;
  fonts: Uint8Array[];
}

let renderer: Promise<Renderer> | undefined;

/**
 * Draws a chart as PNG (and SVG) in Node. The spec is checked first (`checkChart`), so a chart
 * from anywhere may be passed; nothing it names is fetched.
 * @throws {ChartRenderError} the chart is refused, a package of `CHART_PACKAGES` is not installed, or vega fails on it.
 */
export async function renderChart(chart: Pick<ChartOutput, 'mimeType' | 'spec'>, options: RenderChartOptions = {}): Promise<ChartPicture> {
  const svg = await renderChartSvg(chart);
  const { resvg, fonts } = await loadedRenderer();
  const image = new resvg.Resvg(svg, {
    font: { fontBuffers: fonts, defaultFontFamily: 'DejaVu Sans', sansSerifFamily: 'DejaVu Sans', loadSystemFonts: false },
    fitTo: zoomWithin(svg, options.scale ?? 1),
  });
  try {
    const rendered = image.render();
    const picture = { png: rendered.asPng(), svg, width: rendered.width, height: rendered.height };
    rendered.free();
    return picture;
  } finally {
    image.free();
  }
}

/**
 * A chart as SVG text alone (what `renderChart` rasterizes), checked first as it is.
 * @throws {ChartRenderError} as `renderChart`.
 */
export async function renderChartSvg(chart: Pick<ChartOutput, 'mimeType' | 'spec'>): Promise<string> {
  const checked = checkChart(chart);
  if (checked.refused !== undefined) throw new ChartRenderError(`The chart was refused: ${checked.refused}.`);
  const { vega, vegaLite, interpreter } = await loadedRenderer();
  try {
    // Quiet: vega-lite's warnings (an unused channel, say) would go to the console of an MCP server.
    const compiled = vegaLite.compile(JSON.parse(checked.chart.spec), { logger: vega.logger(vega.None) }).spec;
    const view = new vega.View(vega.parse(compiled, undefined, { ast: true }), {
      renderer: 'none',
      loader: refusingLoader(),
      expr: interpreter.expressionInterpreter,
      logLevel: vega.None,
    });
    try {
      return await view.toSVG();
    } finally {
      view.finalize();
    }
  } catch (error) {
    throw new ChartRenderError(`The chart could not be drawn: ${(error as Error).message}`);
  }
}

function loadedRenderer(): Promise<Renderer> {
  if (!renderer) {
    renderer = loadRenderer();
    renderer.catch(() => {
      renderer = undefined; // installed later, they are found on the next chart
    });
  }
  return renderer;
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
      charts.push({ ...chart, image: { mimeType: 'image/png', data: base64(png) } });
    } catch (error) {
      const why = (error as Error).message;
      notes += `[chart ${index + 1} not drawn as an image: ${why}]\n`;
      charts.push({ ...chart, note: chart.note ? `${chart.note}; not drawn: ${why}` : `not drawn: ${why}` });
    }
  }
  const sep = (text: string) => (text && !text.endsWith('\n') ? '\n' : '');
  if (!notes) return { ...result, charts };
  return { ...result, charts, output: result.output + sep(result.output) + notes, stderr: result.stderr + sep(result.stderr) + notes };
}

function base64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

/** The zoom that gives `scale`, or a smaller one that keeps the longer side within `MAX_PICTURE_SIDE`. */
function zoomWithin(svg: string, scale: number): { mode: 'zoom'; value: number } {
  const size = (name: string) => Number(new RegExp(`^<svg[^>]*?\\s${name}="([\\d.]+)"`).exec(svg)?.[1] ?? 0);
  const longest = Math.max(size('width'), size('height'), 1);
  return { mode: 'zoom', value: Math.min(scale, MAX_PICTURE_SIDE / longest) };
}

/** A loader that refuses every URL and file: a checked spec names none, and none is fetched if one slips by. */
function refusingLoader() {
  const refuse = async (uri: unknown): Promise<never> => {
    throw new Error(`charts load nothing (${String(uri).slice(0, 100)})`);
  };
  return { load: refuse, sanitize: refuse, http: refuse, file: refuse };
}

async function loadRenderer(): Promise<Renderer> {
  // Names, not literals: bundlers leave these optional packages to the app's own install.
  const load = (name: string) => import(/* @vite-ignore */ name);
  try {
    const [vega, vegaLite, interpreter, resvg, { readFile }, { createRequire }] = await Promise.all([
      load(CHART_PACKAGES[0]) as Promise<Vega>,
      load(CHART_PACKAGES[1]) as Promise<VegaLite>,
      load(CHART_PACKAGES[2]) as Promise<Interpreter>,
      load(CHART_PACKAGES[3]) as Promise<Resvg>,
      import(/* @vite-ignore */ 'node:fs/promises'),
      import(/* @vite-ignore */ 'node:module'),
    ]);
    const require = createRequire(import.meta.url);
    const read = async (path: string) => new Uint8Array(await readFile(require.resolve(path)));
    const [wasm, ...fonts] = await Promise.all([
      read('@resvg/resvg-wasm/index_bg.wasm'),
      read('dejavu-fonts-ttf/ttf/DejaVuSans.ttf'),
      read('dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf'),
    ]);
    await initOnce(resvg, wasm);
    return { vega, vegaLite, interpreter, resvg, fonts };
  } catch (error) {
    throw new ChartRenderError(
      `Charts are drawn in Node with optional packages: install them beside this one (npm install ${CHART_PACKAGES.join(' ')}). ${(error as Error).message}`,
    );
  }
}

/** resvg's wasm can be initialized once per process; another copy of this module may have done it. */
async function initOnce(resvg: Resvg, wasm: Uint8Array): Promise<void> {
  try {
    await resvg.initWasm(wasm);
  } catch (error) {
    if (!/already initialized/i.test((error as Error).message)) throw error;
  }
}
