/**
 * The chart app's page (built into one HTML file, vite.config.ts): an MCP App that gets each
 * `run_python` result from its host and draws the run's charts live with the chart view
 * (src/ui/charts), which checks each spec again. The result is hostile data (the model's code
 * wrote the specs, and the host passes on whatever it has): the charts are read from `_meta`
 * (every spec) or `structuredContent` (short ones), at most the per-run bound of them; a chart the
 * view refuses or cannot draw shows its note and its PNG from the result's image blocks instead.
 */
import type { McpUiHostContext } from '@modelcontextprotocol/ext-apps';
import type { CallToolResult } from '@modelcontextprotocol/server';
import { isObject } from '../../../common/json-object.js';
import { CHART_LIMITS } from '../../../sandbox/limits.js';
import type { ChartMimeType } from '../../../shared/types.js';
import { type ChartTheme, type ChartView, showChart } from '../../../ui/charts/chart-view.js';
import { type AppChart, CHARTS_META_KEY } from './chart-app.js';
import { connectToHost } from './host-channel.js';

/** The longest note shown, in characters: a note is the host's one sentence, but the result could say anything. */
const MAX_NOTE_CHARS = 300;
/** The most style variables taken from the host, and the longest value of one. */
const MAX_STYLE_VARIABLES = 200;
const MAX_STYLE_CHARS = 500;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

const charts = document.getElementById('charts') as HTMLElement;
let shown: { result: CallToolResult; views: ChartView[] } | undefined;
let theme: ChartTheme = matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';

connectToHost(
  { name: 'pyodide-code-execution charts', version: '1.0.0' },
  {
    onToolResult: (result) => void show(isObject(result) ? (result as CallToolResult) : { content: [] }),
    onContext: (context) => {
      const before = theme;
      adopt(context);
      // A new theme redraws the charts in its colours.
      if (theme !== before && shown) void show(shown.result);
    },
  },
);

/** The host's theme (the page's colour scheme) and its style variables (`--color-text-primary`…), bounded. */
function adopt(context: Partial<McpUiHostContext>): void {
  const root = document.documentElement;
  if (context.theme === 'light' || context.theme === 'dark') {
    theme = context.theme;
    root.dataset.theme = theme;
    root.style.colorScheme = theme;
  }
  const variables = context.styles?.variables;
  if (!isObject(variables)) return;
  for (const [name, value] of Object.entries(variables).slice(0, MAX_STYLE_VARIABLES))
    if (name.startsWith('--') && typeof value === 'string' && value.length <= MAX_STYLE_CHARS) root.style.setProperty(name, value);
}

async function show(result: CallToolResult): Promise<void> {
  for (const view of shown?.views ?? []) view.finalize();
  const views: ChartView[] = [];
  shown = { result, views };
  const list = chartsOf(result);
  const pictures = chartImages(result, list.length);
  const figures = list.map(() => element('div', 'chart'));
  charts.replaceChildren(...figures);
  // One after another, so a page of ten charts never builds ten views at once.
  for (const [index, chart] of list.entries()) {
    const place = figures[index];
    const name = `Chart ${index + 1}`;
    const plot = element('div');
    place.append(plot);
    if (chart.note) place.append(text('p', `${name}: ${chart.note.slice(0, MAX_NOTE_CHARS)}`));
    try {
      // A host that drops `_meta` passes on only the short specs of structuredContent.
      if (!chart.spec) throw new Error("the host passed on no spec for it (a long spec is in the result's _meta only).");
      views.push(await showChart(plot, chart.spec, { theme, name, mimeType: chart.mimeType as ChartMimeType }));
    } catch (error) {
      // Refused or not drawable: why, in one line, then its picture where the host drew one.
      plot.append(text('p', `${name}: ${String((error as Error)?.message ?? error).slice(0, MAX_NOTE_CHARS)}`));
      const picture = pictures[index];
      if (picture) {
        const image = element('img');
        image.src = `data:image/png;base64,${picture}`;
        image.alt = name;
        plot.append(image);
      }
    }
    if (shown?.result !== result) return;
  }
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
