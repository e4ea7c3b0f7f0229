/**
 * What a chart makes from one small number: bins from a bin step (a field's extent over the step;
 * vega-lite then lists every bin boundary for the axis), a scale's bins, quantiles from a step, an
 * impute's key sequence. A step that is tiny against its field's extent asks for billions: in Node
 * the drawing process runs out of its memory cap, but a page draws on its own main thread with no
 * cap, so such a chart is refused before anything draws it.
 */
import { isObject } from '../../common/json-object.js';

/** The most rows a `sequence` data generator may make, and bins, quantiles or keys a transform may ask for. */
export const MAX_GENERATED_ROWS = 100_000;

/** Why `spec` would make over {@link MAX_GENERATED_ROWS} bins, quantiles or keys; undefined when it would not. */
export function generatedRowsRefusal(spec: Record<string, unknown>): string | undefined {
  return visit(spec, '', inlineExtents(spec));
}

/** How many rows a `{start, stop, step}` generator makes (infinite when it is not a finite range). */
export function sequenceRows({ start, stop, step = 1 }: Record<string, unknown>): number {
  if (typeof start !== 'number' || typeof stop !== 'number' || typeof step !== 'number' || step === 0) return Number.POSITIVE_INFINITY;
  const rows = (stop - start) / step;
  return Number.isFinite(rows) ? Math.max(0, rows) : Number.POSITIVE_INFINITY;
}

const MAX = MAX_GENERATED_ROWS.toLocaleString('en');

function visit(node: unknown, path: string, extents: Map<string, [number, number]>): string | undefined {
  if (Array.isArray(node)) {
    for (const [index, item] of node.entries()) {
      const why = visit(item, `${path}[${index}]`, extents);
      if (why) return why;
    }
    return undefined;
  }
  if (!isObject(node)) return undefined;
  for (const [key, value] of Object.entries(node)) {
    const at = path ? `${path}.${key}` : key;
    // Inline data is only read: its rows hold any keys.
    if (key === 'values' || (key === 'datasets' && path === '')) continue;
    const why =
      ((key === 'bin' || key === 'bins') && isObject(value) && binsRefusal(value, at, node.field, extents)) ||
      (key === 'quantile' && typeof node.step === 'number' && !(node.step > 0 && 1 / node.step <= MAX_GENERATED_ROWS)
        ? `the quantile step at ${path || 'the top'} makes over ${MAX} quantiles`
        : undefined) ||
      (key === 'keyvals' && isObject(value) && sequenceRows(value) > MAX_GENERATED_ROWS ? `the keys at ${at} make over ${MAX} rows` : undefined) ||
      visit(value, at, extents);
    if (why) return why;
  }
  return undefined;
}

/** Why a bin (or a scale's bins) with a step would make too many; a bin without a step is bounded by `maxbins`. */
function binsRefusal(bin: Record<string, unknown>, at: string, field: unknown, extents: Map<string, [number, number]>): string | undefined {
  const steps = [bin.step, bin.minstep, ...(Array.isArray(bin.steps) ? bin.steps : [])].filter((step) => step !== undefined);
  if (steps.length === 0) return undefined;
  if (!steps.every((step) => typeof step === 'number' && step > 0)) return `a step at ${at} is not a positive number`;
  const step = Math.min(...(steps as number[]));
  const span = spanOf(bin.extent) ?? spanOf([bin.start, bin.stop]) ?? (typeof field === 'string' ? spanOf(extents.get(field)) : undefined);
  if (span === undefined) return `${at} sets a step for a field whose range is not in the chart's inline data (give maxbins instead)`;
  return span / step > MAX_GENERATED_ROWS ? `${at} makes over ${MAX} bins (a step of ${step} over a range of ${span})` : undefined;
}

/** `[min, max]` of two finite numbers as a span; undefined otherwise. */
function spanOf(extent: unknown): number | undefined {
  if (!Array.isArray(extent) || extent.length !== 2) return undefined;
  const [low, high] = extent;
  return typeof low === 'number' && typeof high === 'number' && Number.isFinite(high - low) ? Math.abs(high - low) : undefined;
}

/** Each field's least and greatest number (dates as milliseconds) over the spec's inline rows, at any level. */
function inlineExtents(spec: Record<string, unknown>): Map<string, [number, number]> {
  const extents = new Map<string, [number, number]>();
  const addRows = (rows: unknown) => {
    if (!Array.isArray(rows)) return;
    for (const row of rows) {
      if (!isObject(row)) continue;
      for (const [field, raw] of Object.entries(row)) {
        const value = typeof raw === 'number' ? raw : typeof raw === 'string' ? Date.parse(raw) : Number.NaN;
        if (!Number.isFinite(value)) continue;
        const seen = extents.get(field);
        extents.set(field, seen ? [Math.min(seen[0], value), Math.max(seen[1], value)] : [value, value]);
      }
    }
  };
  const find = (node: unknown, path: string) => {
    if (Array.isArray(node)) for (const item of node) find(item, path);
    else if (isObject(node))
      for (const [key, value] of Object.entries(node)) {
        if (key === 'values') addRows(value);
        else if (key === 'datasets' && path === '' && isObject(value)) for (const rows of Object.values(value)) addRows(rows);
        else find(value, key);
      }
  };
  find(spec, '');
  return extents;
}
