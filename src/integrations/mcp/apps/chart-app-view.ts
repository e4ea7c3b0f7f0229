/**
 * The chart app's page (built into one HTML file, vite.config.ts): an MCP App that gets each
 * `run_python` result from its host and shows the run's charts. The result is hostile data (the
 * model's code wrote the specs, and the host passes on whatever it has): the charts are read from
 * `_meta` (every spec) or `structuredContent` (short ones), at most the per-run bound of them, and
 * each is shown with its PNG from the result's image blocks and its note, as plain text.
 */
import { App, applyDocumentTheme, applyHostStyleVariables } from '@modelcontextprotocol/ext-apps';
import type { CallToolResult } from '@modelcontextprotocol/server';
import { CHART_LIMITS } from '../../../sandbox/limits.js';
import { type AppChart, CHARTS_META_KEY } from './chart-app.js';

/** The longest note shown, in characters: a note is the host's one sentence, but the result could say anything. */
const MAX_NOTE_CHARS = 300;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

const charts = document.getElementById('charts') as HTMLElement;
const app = new App({ name: 'pyodide-code-execution charts', version: '1.0.0' }, {});
app.addEventListener('toolresult', (result) => show(result));
app.addEventListener('hostcontextchanged', (context) => {
  if (context.theme) applyDocumentTheme(context.theme);
  if (context.styles?.variables) applyHostStyleVariables(context.styles.variables);
});
await app.connect();
const context = app.getHostContext();
if (context?.theme) applyDocumentTheme(context.theme);
if (context?.styles?.variables) applyHostStyleVariables(context.styles.variables);

function show(result: CallToolResult): void {
  const list = chartsOf(result);
  const pictures = chartImages(result, list.length);
  charts.replaceChildren(
    ...list.map((chart, index) => {
      const figure = element('figure', 'chart');
      const picture = pictures[index];
      if (picture) {
        const image = element('img');
        image.src = `data:image/png;base64,${picture}`;
        image.alt = `Chart ${index + 1}`;
        figure.append(image);
      }
      if (chart.note) figure.append(text('figcaption', `Chart ${index + 1}: ${chart.note.slice(0, MAX_NOTE_CHARS)}`));
      return figure;
    }),
  );
}

/** The result's charts: `_meta`'s (every spec), else `structuredContent`'s; each a type and a spec as text, at most the per-run bound. */
function chartsOf(result: CallToolResult): AppChart[] {
  const meta = result._meta?.[CHARTS_META_KEY];
  const structured = (result.structuredContent as { charts?: unknown } | undefined)?.charts;
  const listed = Array.isArray(meta) ? meta : Array.isArray(structured) ? structured : [];
  return listed.slice(0, CHART_LIMITS.maxCharts).map((item: unknown) => {
    const { mimeType, spec, note } = (typeof item === 'object' && item !== null ? item : {}) as Record<string, unknown>;
    return { mimeType: String(mimeType), spec: typeof spec === 'string' ? spec : '', ...(typeof note === 'string' && { note }) };
  });
}

/**
 * Each chart's PNG, by the chart's place: the image blocks hold the run's images, then the drawn
 * charts' PNGs in order (`structuredContent.images`, and each chart's `drawn`, say which is which).
 */
function chartImages(result: CallToolResult, count: number): (string | undefined)[] {
  const structured = (result.structuredContent ?? {}) as { images?: unknown; charts?: unknown };
  const drawn = Array.isArray(structured.charts) ? structured.charts.map((chart) => (chart as { drawn?: unknown } | null)?.drawn === true) : [];
  const blocks = (Array.isArray(result.content) ? result.content : []).filter((block) => block?.type === 'image');
  let next = Array.isArray(structured.images) ? structured.images.length : 0;
  return Array.from({ length: count }, (_, index) => {
    if (!drawn[index]) return undefined;
    const block = blocks[next++];
    const data = block?.type === 'image' && block.mimeType === 'image/png' && typeof block.data === 'string' ? block.data : undefined;
    return data !== undefined && BASE64.test(data) ? data : undefined;
  });
}

function element<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className) node.className = className;
  return node;
}

function text<K extends keyof HTMLElementTagNameMap>(tag: K, content: string): HTMLElementTagNameMap[K] {
  const node = element(tag);
  node.textContent = content;
  return node;
}
