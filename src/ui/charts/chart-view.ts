/**
 * A live Vega-Lite chart in a page: the checked spec drawn by vega-embed as SVG, with its tooltips,
 * selections and zoom, inside a `<figure>` whose caption and data table are its text alternative.
 *
 * Independent of the widget (an element, the spec's text, a theme), so any page can use it: the
 * widget loads it as a chunk of its own when a conversation shows a chart. Nothing in the spec
 * can run script or fetch: the spec is checked again here (`checkChart`), expressions are
 * interpreted (`ast: true`, vega-interpreter: no `eval` or `Function`), the loader refuses every
 * URL, tooltips are text, and vega-embed's actions menu (export, source, editor links) is off.
 */
import embed, { type EmbedOptions, type Result } from 'vega-embed';
import { expressionInterpreter } from 'vega-interpreter';
import type { ChartMimeType } from '../../shared/types.js';
import { type ChartTable, chartText } from './chart-text.js';
import { CHART_STYLE } from './chart-style.js';
import { checkedSpec, refusingLoader } from './chart-picture.js';

export { chartPicture } from './chart-picture.js';
// The sandbox's check of a run's charts (checked-charts.ts loads it): the widget's build takes it
// from this chunk, which every chart needs anyway, so widget.js does not carry it.
export { checkCharts } from '../../sandbox/charts/check-chart.js';

/** The chart's colours: the widget's theme, or the page's. */
export type ChartTheme = 'light' | 'dark';

/** How {@link showChart} draws a chart. */
export interface ShowChartOptions {
  theme: ChartTheme;
  /** What to call the chart when its spec has no title (the widget says "Figure 2 from cell 1"). */
  name: string;
  /** The spec's type. Default Vega-Lite v6. */
  mimeType?: ChartMimeType;
}

/** A chart on the page. */
export interface ChartView {
  /** The `<figure>` that holds the chart, its caption and its data table. */
  readonly figure: HTMLElement;
  /** Stops the chart's listeners and timers and removes its tooltip; the figure stays. */
  finalize(): void;
}

/**
 * Draws a chart into `element` (replacing what it holds) and resolves once it is painted.
 * @throws {Error} the spec is refused (its message says why, in one line) or vega cannot draw it;
 *   `element` is then left empty, for the caller's fallback.
 */
export async function showChart(element: HTMLElement, spec: string, options: ShowChartOptions): Promise<ChartView> {
  const { spec: parsed, note } = checkedSpec({ mimeType: options.mimeType ?? 'application/vnd.vegalite.v6+json', spec });
  const text = chartText(parsed);
  const name = text.title ?? options.name;
  const parts = figureFor(name, text.description, text.table, note);
  element.replaceChildren(parts.figure);
  let result: Result;
  try {
    result = await embed(parts.plot, fitted(parsed) as never, embedOptions(options.theme));
  } catch (error) {
    element.replaceChildren();
    throw new Error(`The chart could not be drawn: ${oneLine(error)}`);
  }
  return { figure: parts.figure, finalize: () => result.finalize() };
}

function embedOptions(theme: ChartTheme): EmbedOptions {
  return {
    mode: 'vega-lite',
    renderer: 'svg',
    actions: false,
    ast: true,
    expr: expressionInterpreter,
    loader: refusingLoader as never,
    logLevel: 1,
    // Transparent, so the chart sits on the page's surface in either theme.
    ...(theme === 'dark' && { theme: 'dark' as const }),
    // An image mark never shows anything here (every URL is removed), so it stays out of the
    // accessibility tree, where it would be an image without a name.
    config: { background: 'transparent', image: { aria: false } },
    tooltip: { theme, formatTooltip: tooltipHtml },
  };
}

/** A single view without a width takes its container's, so it fits a phone and a sidebar; other layouts scroll sideways. */
function fitted(spec: Record<string, unknown>): Record<string, unknown> {
  const single = 'mark' in spec || 'layer' in spec;
  return single && spec.width === undefined ? { ...spec, width: 'container' } : spec;
}

/**
 * The tooltip as vega-tooltip draws it (a title and a key/value table, each value escaped by
 * `html`), but never an `image`: vega-tooltip would load a datum's `image` field as a URL.
 */
function tooltipHtml(value: unknown, html: (value: unknown) => string): string {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return html(Array.isArray(value) ? JSON.stringify(value) : value);
  const { title, image: _image, ...rest } = value as Record<string, unknown>;
  const rows = Object.entries(rest)
    .filter(([, v]) => v !== undefined)
    .map(([key, v]) => `<tr><td class="key">${html(key)}</td><td class="value">${html(typeof v === 'object' && v !== null ? JSON.stringify(v) : v)}</td></tr>`);
  return `${title ? `<h2>${html(title)}</h2>` : ''}${rows.length > 0 ? `<table>${rows.join('')}</table>` : ''}` || '{}';
}

/**
 * The figure: the plot (one tab stop, named, scrolling sideways when wider than its place), the
 * caption, and the data in a table behind a disclosure (its summary is the next tab stop).
 */
function figureFor(
  name: string,
  description: string | undefined,
  table: ChartTable | undefined,
  note: string | undefined,
): { figure: HTMLElement; plot: HTMLElement } {
  const figure = el('figure', 'cec-chart');
  const style = el('style');
  style.textContent = CHART_STYLE;
  const frame = el('div', 'cec-chart-frame');
  frame.tabIndex = 0;
  frame.setAttribute('role', 'group');
  frame.setAttribute('aria-label', `Chart: ${name}`);
  const plot = el('div', 'cec-chart-plot');
  frame.append(plot);
  const caption = el('figcaption', 'cec-chart-caption');
  const title = el('span', 'cec-chart-title');
  title.textContent = name;
  caption.append(title);
  if (description) {
    const about = el('span', 'cec-chart-description');
    about.textContent = description;
    caption.append(' ', about);
  }
  figure.append(style, frame, caption);
  // What the page's own check took out (a saved or a model's chart, which no run checked): said, not hidden.
  if (note) {
    const removed = el('p', 'cec-chart-note');
    removed.setAttribute('role', 'note');
    removed.textContent = `This chart was drawn without parts: ${note}.`;
    figure.append(removed);
  }
  if (table) figure.append(tableFor(name, table));
  return { figure, plot };
}

function tableFor(name: string, table: ChartTable): HTMLElement {
  const details = el('details', 'cec-chart-data');
  const summary = el('summary');
  const rows = table.rows.length + table.moreRows;
  summary.textContent = `Data (${rows.toLocaleString('en')} ${rows === 1 ? 'row' : 'rows'})`;
  const scroll = el('div', 'cec-chart-table');
  scroll.tabIndex = 0;
  scroll.setAttribute('role', 'group');
  scroll.setAttribute('aria-label', `Data of ${name}`);
  const grid = el('table');
  const head = grid.createTHead().insertRow();
  for (const column of table.columns) {
    const th = el('th');
    th.scope = 'col';
    th.textContent = column;
    head.append(th);
  }
  const body = grid.createTBody();
  for (const row of table.rows) {
    const tr = body.insertRow();
    for (const cell of row) tr.insertCell().textContent = cell;
  }
  scroll.append(grid);
  details.append(summary, scroll);
  if (table.moreRows > 0) {
    const more = el('p', 'cec-chart-more');
    more.textContent = `First ${table.rows.length} rows of ${rows.toLocaleString('en')}.`;
    details.append(more);
  }
  return details;
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className) node.className = className;
  return node;
}

function oneLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0].slice(0, 200);
}
