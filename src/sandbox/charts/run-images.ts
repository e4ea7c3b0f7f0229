import { isNode } from '../../shared/is-node.js';
import type { ImageOutput, RunResult } from '../../shared/types.js';

/**
 * What a model sees of a run as images: its images, then its charts drawn as PNGs, where the host
 * drew them (`withChartImages`). One list for every way a result reaches a model.
 */
export function runImages(result: RunResult): ImageOutput[] {
  return [...result.images, ...result.charts.flatMap((chart) => (chart.image ? [chart.image] : []))];
}

/**
 * The result with its charts drawn as PNGs where this host draws them: Node (`drawCharts`, a chunk
 * of its own, loaded by the first run with a chart). Elsewhere as it is: a page draws its own.
 */
export async function withChartImages(result: RunResult): Promise<RunResult> {
  if (!isNode || result.charts.length === 0) return result;
  return (await import('./render-node.js')).drawCharts(result);
}
