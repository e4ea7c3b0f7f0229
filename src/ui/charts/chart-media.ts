/**
 * A cell's media with its charts picked out: the transcript holds each chart as its spec's part
 * (a Vega-Lite type) followed by its PNG where the host drew one (`toParts`), so a chart and the
 * image right after it are one item. No DOM, no Lit.
 */
import type { Blob as GenAIBlob } from '@google/genai';
import { base64ToBytes } from '../../sandbox/files/base64.js';
import type { ChartMimeType } from '../../shared/types.js';

const CHART_TYPES: readonly string[] = ['application/vnd.vegalite.v5+json', 'application/vnd.vegalite.v6+json'] satisfies ChartMimeType[];

/** A figure or file, or a chart with its PNG. */
export type MediaItem = { blob: GenAIBlob } | { chart: GenAIBlob & { mimeType: ChartMimeType }; image?: GenAIBlob };

function isChart(blob: GenAIBlob): blob is GenAIBlob & { mimeType: ChartMimeType } {
  return CHART_TYPES.includes(blob.mimeType ?? '') && !blob.displayName;
}

/** The media in order, each chart with the unnamed image that follows it (its PNG). */
export function mediaItems(blobs: readonly GenAIBlob[]): MediaItem[] {
  const items: MediaItem[] = [];
  for (const blob of blobs) {
    const last = items.at(-1);
    if (last && 'chart' in last && !last.image && !blob.displayName && /^image\//.test(blob.mimeType ?? '')) last.image = blob;
    else items.push(isChart(blob) ? { chart: blob } : { blob });
  }
  return items;
}

const specs = new WeakMap<GenAIBlob, string>();

/** The chart's spec as text (decoded once per part: the transcript re-renders as it streams); undefined when its data is not base64. */
export function chartSpec(chart: GenAIBlob): string | undefined {
  let spec = specs.get(chart);
  if (spec === undefined && chart.data) {
    try {
      spec = new TextDecoder().decode(base64ToBytes(chart.data));
    } catch {
      return undefined;
    }
    specs.set(chart, spec);
  }
  return spec;
}
