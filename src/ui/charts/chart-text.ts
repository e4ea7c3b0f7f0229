/**
 * A chart's text alternative, read from its spec without drawing it: the caption (the spec's title
 * and description, or a name the caller gives) and a bounded table of its inline data. Plain
 * code, no DOM: the spec is hostile data, so every piece is cut to a bound before it is shown.
 */

/** What the table shows at most: rows, columns and characters a cell. */
export const CHART_TABLE_LIMITS = { rows: 50, columns: 10, cellChars: 60 } as const;
const CAPTION_CHARS = 200;

/** A chart's caption and its data as a table (absent when the spec has no inline values). */
export interface ChartText {
  title?: string;
  description?: string;
  table?: ChartTable;
}

/** At most {@link CHART_TABLE_LIMITS} of the data: column names, rows of cell text, and how many rows were left out. */
export interface ChartTable {
  columns: string[];
  rows: string[][];
  moreRows: number;
}

/** The caption and the table of a parsed spec. */
export function chartText(spec: unknown): ChartText {
  if (!isRecord(spec)) return {};
  const title = titleText(spec.title);
  const description = typeof spec.description === 'string' && spec.description.trim() ? cut(spec.description.trim(), CAPTION_CHARS) : undefined;
  const values = inlineValues(spec);
  return {
    ...(title && { title }),
    ...(description && { description }),
    ...(values && values.length > 0 && { table: tableOf(values) }),
  };
}

function titleText(title: unknown): string | undefined {
  const text = isRecord(title) ? title.text : title;
  const joined = Array.isArray(text) ? text.filter((line) => typeof line === 'string').join(' ') : typeof text === 'string' ? text : '';
  return joined.trim() ? cut(joined.trim(), CAPTION_CHARS) : undefined;
}

/** The first inline values: the spec's own data, its first named dataset, or a layer's or view's (one level down). */
function inlineValues(spec: Record<string, unknown>): unknown[] | undefined {
  const own = valuesOf(spec.data);
  if (own) return own;
  if (isRecord(spec.datasets)) {
    const first = Object.values(spec.datasets).find(Array.isArray);
    if (first) return first;
  }
  for (const key of ['layer', 'concat', 'hconcat', 'vconcat']) {
    const views = spec[key];
    if (!Array.isArray(views)) continue;
    for (const view of views) {
      const values = isRecord(view) ? valuesOf(view.data) : undefined;
      if (values) return values;
    }
  }
  return isRecord(spec.spec) ? valuesOf(spec.spec.data) : undefined;
}

function valuesOf(data: unknown): unknown[] | undefined {
  return isRecord(data) && Array.isArray(data.values) ? data.values : undefined;
}

function tableOf(values: unknown[]): ChartTable {
  const shown = values.slice(0, CHART_TABLE_LIMITS.rows);
  const columns: string[] = [];
  for (const row of shown) {
    if (!isRecord(row)) continue;
    for (const key of Object.keys(row)) {
      if (columns.length >= CHART_TABLE_LIMITS.columns) break;
      if (!columns.includes(key)) columns.push(key);
    }
  }
  // Values that are not objects (a list of numbers) are one column.
  const byKey = columns.length > 0;
  return {
    columns: byKey ? columns.map((name) => cut(name, CHART_TABLE_LIMITS.cellChars)) : ['value'],
    rows: shown.map((row) => (byKey ? columns.map((key) => cellText(isRecord(row) ? row[key] : undefined)) : [cellText(row)])),
    moreRows: values.length - shown.length,
  };
}

function cellText(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return cut(value, CHART_TABLE_LIMITS.cellChars);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  // A nested value: its JSON (bounded by the spec's own size), cut.
  return cut(JSON.stringify(value) ?? '', CHART_TABLE_LIMITS.cellChars);
}

function cut(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
