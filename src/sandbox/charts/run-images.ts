import { isNode } from '../../shared/is-node.js';
import type { ChartOutput, ImageOutput, RunResult } from '../../shared/types.js';

/**
 * What a model sees of a run as images: its images, then its charts drawn as PNGs, where the host
 * drew them (`withChartImages`). One list for every way a result reaches a model.
 */
export function runImages(result: RunResult): ImageOutput[] {
  return [...result.images, ...result.charts.flatMap((chart) => (chart.image ? [chart.image] : []))];
}

/** How a page draws a chart as a PNG (`drawChartsWith`). */
export type ChartPicture = (chart: Pick<ChartOutput, 'mimeType' | 'spec'>) => Promise<ImageOutput>;

let pagePicture: ChartPicture | undefined;

/**
 * How this page draws charts for the model (the widget's chart chunk, loaded by the first chart):
 * a page has no drawing of its own without one, so its models see a chart's spec and no picture.
 */
export function drawChartsWith(picture: ChartPicture | undefined): void {
  pagePicture = picture;
}

/**
 * The result with its charts drawn as PNGs where this host draws them: Node (`drawCharts`, a chunk
 * of its own, loaded by the first run with a chart), or a page given a way (`drawChartsWith`). A
 * chart that cannot be drawn keeps no picture; the run is not failed for it.
 */
export async function withChartImages(result: RunResult): Promise<RunResult> {
  if (result.charts.length === 0) return result;
  if (isNode) return (await import('./render-node.js')).drawCharts(result);
  const picture = pagePicture;
  if (!picture) return result;
  const charts = await Promise.all(
    result.charts.map(async (chart) => {
      if (chart.image) return chart;
      const image = await picture(chart).catch(() => undefined);
      return image ? { ...chart, image } : chart;
    }),
  );
  return { ...result, charts };
}
