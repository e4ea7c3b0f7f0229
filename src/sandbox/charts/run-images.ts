import type { ImageOutput, RunResult } from '../../shared/types.js';

/**
 * What a model sees of a run as images: its images, then its charts drawn as PNGs, where the host
 * drew them (`drawCharts`, Node). One list for every way a result reaches a model.
 */
export function runImages(result: RunResult): ImageOutput[] {
  return [...result.images, ...result.charts.flatMap((chart) => (chart.image ? [chart.image] : []))];
}
