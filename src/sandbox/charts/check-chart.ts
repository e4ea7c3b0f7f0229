/**
 * A chart's spec is hostile data (the model's code wrote it): this checks one before anything
 * renders it, in a browser or in Node (plain code, no Node-only import). Size and nesting are
 * checked on the text, before it is parsed; then whatever could reach outside the chart is
 * removed (URLs, links, user metadata, bindings to the page's elements) and expressions are
 * bounded. What was removed, or why the chart was refused, is said in one sentence.
 */
import { isObject } from '../../common/json-object.js';
import type { ChartMimeType, ChartOutput } from '../../shared/types.js';
import { CHART_LIMITS, MAX_CHART_DEPTH } from '../limits.js';
import { MAX_GENERATED_ROWS, generatedRowsRefusal, sequenceRows } from './generated-rows.js';

/** A chart as checked, or why it was refused. */
export type CheckedChart = { chart: ChartOutput; refused?: undefined } | { refused: string; chart?: undefined };

/** The longest expression a spec may hold (the longest in Vega-Lite's examples is a few hundred). */
export const MAX_EXPRESSION_CHARS = 2000;
/** The widest and tallest a chart may ask to be, in pixels. */
export const MAX_CHART_SIDE = 4000;

const MIME_TYPES: readonly string[] = ['application/vnd.vegalite.v5+json', 'application/vnd.vegalite.v6+json'] satisfies ChartMimeType[];
const SCHEMA = /^https?:\/\/vega\.github\.io\/schema\/vega-lite\/v[56](?:\.[\w.-]*)?\.json$/;
/** Keys removed wherever they are: what a renderer would fetch or follow, or hand to the page. */
const REMOVED = new Set(['url', 'href', 'usermeta']);
/** Keys whose string value is an expression (Vega-Lite's `{expr}`, `calculate`, `filter`, conditions' `test`, `labelExpr`…). */
const EXPRESSION_KEY = /^(?:expr|calculate|filter|test|signal|update)$|Expr$/;
/**
 * Expression functions whose cost grows with an argument (a huge array or string, a regular
 * expression that backtracks): the expression language has no loops, so these are its long runs.
 */
const COSTLY_CALL = /\b(?:sequence|utcSequence|timeSequence|pad|regexp|test)\s*\(/;
/** `replace` with a regular expression literal as its pattern (with a string, as most charts use it, it is cheap). */
const REGEX_REPLACE = /\breplace\s*\([\s\S]*\/[^/\s][^/]*\/[gimsuy]*\s*,/;
/** Numbers that size what a renderer makes: bins, steps of a density or a loess, a chart's sides. */
const SIZES: Record<string, number> = {
  maxbins: MAX_GENERATED_ROWS,
  steps: MAX_GENERATED_ROWS,
  minsteps: MAX_GENERATED_ROWS,
  maxsteps: MAX_GENERATED_ROWS,
  width: MAX_CHART_SIDE,
  height: MAX_CHART_SIDE,
  // An axis's or a legend's ticks: each is drawn.
  tickCount: 1000,
};

/**
 * Checks a chart and returns it as a renderer may take it, with `note` saying what was removed,
 * or `refused` saying why it cannot be drawn. Refused: not a Vega-Lite v5/v6 spec, over
 * `CHART_LIMITS.maxChartChars` or `MAX_CHART_DEPTH` (checked before parsing), not a JSON object,
 * an expression over `MAX_EXPRESSION_CHARS` or calling a function whose cost grows with its
 * arguments, a generator, bin step or transform over `MAX_GENERATED_ROWS` (generated-rows.ts), sides
 * over `MAX_CHART_SIDE`.
 * Removed: every `url` (data, lookups, image marks), `href`, `usermeta` and a binding's `element`,
 * outside inline data values (which a renderer only reads).
 */
export function checkChart(chart: { mimeType: string; spec: string; note?: string }): CheckedChart {
  if (!MIME_TYPES.includes(chart.mimeType)) return { refused: `${String(chart.mimeType).slice(0, 80)} is not a Vega-Lite v5 or v6 type` };
  const text = chart.spec;
  if (typeof text !== 'string') return { refused: 'the spec is not JSON text' };
  if (text.length > CHART_LIMITS.maxChartChars)
    return { refused: `the spec is ${text.length.toLocaleString('en')} characters, over the limit of ${CHART_LIMITS.maxChartChars.toLocaleString('en')}` };
  if (nestingDepth(text) > MAX_CHART_DEPTH) return { refused: `the spec nests deeper than ${MAX_CHART_DEPTH} levels` };
  let spec: unknown;
  try {
    spec = JSON.parse(text);
  } catch {
    return { refused: 'the spec is not valid JSON' };
  }
  if (!isObject(spec)) return { refused: 'the spec is not a JSON object' };
  if (spec.$schema !== undefined && !(typeof spec.$schema === 'string' && SCHEMA.test(spec.$schema)))
    return { refused: 'its $schema is not Vega-Lite v5 or v6' };
  const removed: string[] = [];
  const refused = walk(spec, '', removed) ?? generatedRowsRefusal(spec);
  if (refused) return { refused };
  if (removed.length === 0) return { chart: { mimeType: chart.mimeType as ChartMimeType, spec: text } };
  const shown = removed.slice(0, 5).join(', ') + (removed.length > 5 ? ` and ${removed.length - 5} more` : '');
  const note = `removed what a chart may not hold (inline data only; no links, outside URLs or user metadata): ${shown}`;
  return { chart: { mimeType: chart.mimeType as ChartMimeType, spec: JSON.stringify(spec), note } };
}

/**
 * The deepest nesting of objects and arrays in JSON text, read without parsing (brackets inside
 * strings do not count), so a spec nested thousands deep is refused before any parser recurses.
 */
export function nestingDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // a backslash: the next character is escaped
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) deepest = Math.max(deepest, ++depth);
    else if (c === 0x7d || c === 0x5d) depth--;
  }
  return deepest;
}

/** Removes what may not stay (naming each in `removed`); returns why the chart is refused, if it is. */
function walk(node: unknown, path: string, removed: string[]): string | undefined {
  if (Array.isArray(node)) {
    for (const [index, item] of node.entries()) {
      const why = walk(item, `${path}[${index}]`, removed);
      if (why) return why;
    }
    return undefined;
  }
  if (!isObject(node)) return undefined;
  for (const key of Object.keys(node)) {
    const value = node[key];
    const at = path ? `${path}.${key}` : key;
    if (REMOVED.has(key) || (key === 'element' && path.endsWith('bind'))) {
      delete node[key];
      removed.push(at);
      // A data source without its URL is an empty inline one: vega-lite cannot compile `data: {}` in a lookup.
      if (key === 'url' && /(?:^|\.)data$/.test(path)) node.values = [];
      continue;
    }
    if (typeof value === 'string' && EXPRESSION_KEY.test(key)) {
      if (value.length > MAX_EXPRESSION_CHARS) return `the expression at ${at} is over ${MAX_EXPRESSION_CHARS} characters`;
      if (COSTLY_CALL.test(value)) return `the expression at ${at} calls ${COSTLY_CALL.exec(value)?.[0].replace(/\s*\($/, '')}, which charts may not use`;
      if (REGEX_REPLACE.test(value)) return `the expression at ${at} calls replace with a regular expression, which charts may not use`;
    }
    if (typeof value === 'number' && key in SIZES && value > SIZES[key]) return `${at} is ${value}, over ${SIZES[key]}`;
    if (key === 'sequence' && isObject(value) && sequenceRows(value) > MAX_GENERATED_ROWS)
      return `the sequence at ${at} makes over ${MAX_GENERATED_ROWS.toLocaleString('en')} rows`;
    // Inline data is only read, never fetched or run: a row may hold a "url" or an "href" field.
    if (key === 'values' || (key === 'datasets' && path === '')) continue;
    const why = walk(value, at, removed);
    if (why) return why;
  }
  return undefined;
}

/**
 * A run's charts as checked: the refused left out, and one line for each chart that was refused or
 * had parts removed (`[chart 2 refused: …]`), for the run's output, so whoever reads only the
 * output (a model) learns it too.
 */
export function checkCharts(charts: readonly ChartOutput[]): { charts: ChartOutput[]; notes: string } {
  const kept: ChartOutput[] = [];
  let notes = '';
  for (const [index, chart] of charts.entries()) {
    const checked = checkChart(chart);
    if (checked.chart) kept.push(checked.chart);
    const note = checked.refused === undefined ? checked.chart.note : `refused: ${checked.refused}`;
    if (note) notes += `[chart ${index + 1} ${note}]\n`;
  }
  return { charts: kept, notes };
}
