/** The host's check of a chart's spec (src/sandbox/charts/check-chart.ts): hostile specs, in Node. */
import { describe, expect, it, vi } from 'vitest';
import { checkChart, checkCharts, nestingDepth } from '../../src/sandbox/charts/check-chart.js';
import { withCheckedCharts } from '../../src/sandbox/charts/checked-charts.js';
import type { ChartOutput } from '../../src/shared/types.js';
import { CHART_LIMITS, DEFAULT_LIMITS, MAX_CHART_DEPTH } from '../../src/sandbox/limits.js';
import { validateRunResult } from '../../src/sandbox/session/worker-answers.js';
import { lineChartSpec } from '../support/fixtures.js';

const V6 = 'application/vnd.vegalite.v6+json' as const;
const check = (spec: unknown) => checkChart({ mimeType: V6, spec: typeof spec === 'string' ? spec : JSON.stringify(spec) });
const bar = (extra: Record<string, unknown> = {}) => ({ data: { values: [{ a: 'x', b: 1 }] }, mark: 'bar', ...extra });

describe('checkChart', () => {
  it('passes an honest chart unchanged, the same text', () => {
    const spec = JSON.stringify(lineChartSpec(1000));
    expect(checkChart({ mimeType: V6, spec })).toEqual({ chart: { mimeType: V6, spec } });
  });

  it('removes every URL: data, lookups, nested layers and facets, image marks, the url channel', () => {
    const spec = {
      data: { url: 'http://127.0.0.1:9/a.csv' },
      transform: [{ lookup: 'id', from: { data: { url: 'http://127.0.0.1:9/b.csv' }, key: 'id' } }],
      layer: [{ mark: { type: 'image', url: 'https://example.com/i.png' }, encoding: { url: { field: 'u', type: 'nominal' } } }],
      facet: { row: { field: 'r' } },
      spec: { data: { url: 'data/c.json' }, mark: 'point' },
    };
    const checked = check(spec);
    expect(checked.refused).toBeUndefined();
    const out = JSON.parse(checked.chart!.spec);
    expect(JSON.stringify(out)).not.toContain('url');
    expect(out.transform[0].from).toEqual({ data: { values: [] }, key: 'id' });
    expect(checked.chart!.note).toContain('data.url, transform[0].from.data.url, layer[0].mark.url, layer[0].encoding.url, spec.data.url');
  });

  it('removes href (a javascript: link as a channel or a mark property), usermeta and bindings to page elements', () => {
    const checked = check(
      bar({
        mark: { type: 'bar', href: 'javascript:alert(1)' },
        encoding: { href: { value: 'javascript:alert(2)' } },
        usermeta: { embedOptions: { ast: false } },
        params: [{ name: 'p', value: 1, bind: { input: 'range', element: '#app' } }],
      }),
    );
    const out = JSON.parse(checked.chart!.spec);
    expect(checked.chart!.spec).not.toContain('javascript:');
    expect(out.usermeta).toBeUndefined();
    expect(out.params[0].bind).toEqual({ input: 'range' });
  });

  it('leaves inline data as it is, a row with a url or href field included', () => {
    const spec = JSON.stringify(bar({ data: { values: [{ url: 'http://x/', href: 'javascript:1' }] } }));
    expect(checkChart({ mimeType: V6, spec }).chart?.spec).toBe(spec);
  });

  it('refuses a 50 MB spec before parsing it: faster than parsing the same text', () => {
    const huge = `{"data":{"values":[${'{"x":1},'.repeat(50_000_000 / 8)}{"x":1}]},"mark":"point"}`;
    let started = performance.now();
    const checked = check(huge);
    const refusal = performance.now() - started;
    started = performance.now();
    JSON.parse(huge); // the control: what a parse of it would cost
    const parse = performance.now() - started;
    expect(checked.refused).toMatch(/over the limit of 2,097,152/);
    expect(refusal).toBeLessThan(parse / 10);
  });

  it('refuses 10,000-deep nesting without a stack overflow, before parsing', () => {
    for (const deep of ['['.repeat(10_000) + ']'.repeat(10_000), `${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`]) {
      expect(check(deep).refused).toBe(`the spec nests deeper than ${MAX_CHART_DEPTH} levels`);
    }
    expect(nestingDepth('{"a":"[[[[{{{\\"[[","b":[[1]]}')).toBe(3); // brackets in strings do not count
  });

  it('refuses expressions that are too long or call functions whose cost grows with their arguments', () => {
    expect(check(bar({ transform: [{ calculate: 'sequence(0, 1e12)', as: 'n' }] })).refused).toBe(
      'the expression at transform[0].calculate calls sequence, which charts may not use',
    );
    expect(check(bar({ encoding: { x: { axis: { labelExpr: `pad('', 1e10)` } } } })).refused).toMatch(/labelExpr calls pad/);
    expect(check(bar({ transform: [{ filter: `test(/(a+)+$/, 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!')` }] })).refused).toMatch(/calls test/);
    expect(check(bar({ transform: [{ calculate: `replace(datum.a, /(x+x+)+y/, '')`, as: 'c' }] })).refused).toMatch(/calls replace with a regular expression/);
    expect(check(bar({ transform: [{ calculate: `replace(datum.a, '_', ' ') + datum.b / 2 / 3`, as: 'c' }] })).refused).toBeUndefined();
    expect(check(bar({ params: [{ name: 'p', expr: `1${'+1'.repeat(2000)}` }] })).refused).toMatch(/over 2000 characters/);
    expect(check(bar({ data: { sequence: { start: 0, stop: 1e9 } } })).refused).toMatch(/makes over 100,000 rows/);
    expect(check(bar({ width: 1e6 })).refused).toBe('width is 1000000, over 4000');
  });

  it("refuses a step that would make over 100,000 bins, quantiles or keys against its field's range in the inline data, and keeps an honest one", () => {
    const wave = lineChartSpec(1000); // x from 0 to 999
    const binned = (bin: Record<string, unknown>, field = 'x') => ({
      ...wave,
      mark: 'bar',
      encoding: { x: { field, bin, type: 'quantitative' }, y: { aggregate: 'count' } },
    });
    expect(check(binned({ step: 1e-6 })).refused).toBe('encoding.x.bin makes over 100,000 bins (a step of 0.000001 over a range of 999)');
    expect(check(binned({ step: 10 })).refused).toBeUndefined();
    expect(check(binned({ maxbins: 50 })).refused).toBeUndefined();
    expect(check(binned({ step: 0.001, extent: [0, 1e9] })).refused).toMatch(/makes over 100,000 bins/);
    expect(check(binned({ steps: [10, 1e-9] })).refused).toMatch(/makes over 100,000 bins/);
    expect(check(binned({ step: 1 }, 'computed')).refused).toBe(
      "encoding.x.bin sets a step for a field whose range is not in the chart's inline data (give maxbins instead)",
    );
    expect(check(binned({ step: -1 })).refused).toBe('a step at encoding.x.bin is not a positive number');
    expect(check({ ...wave, transform: [{ bin: { step: 1e-7 }, field: 'y', as: 'b' }] }).refused).toMatch(/^transform\[0\]\.bin makes over/);
    expect(check({ ...wave, encoding: { x: { field: 'x', type: 'quantitative', scale: { bins: { step: 1e-6, start: 0, stop: 1000 } } } } }).refused).toMatch(
      /scale\.bins makes over/,
    );
    expect(check({ ...wave, transform: [{ quantile: 'y', step: 1e-9 }] }).refused).toMatch(/quantile step .* makes over 100,000 quantiles/);
    expect(check({ ...wave, transform: [{ quantile: 'y', step: 0.01 }] }).refused).toBeUndefined();
    expect(check({ ...wave, transform: [{ impute: 'y', key: 'x', keyvals: { start: 0, stop: 1e12 } }] }).refused).toMatch(/keys at .* make over/);
    expect(check({ ...wave, encoding: { x: { field: 'x', type: 'quantitative', axis: { tickCount: 1e9 } } } }).refused).toBe(
      'encoding.x.axis.tickCount is 1000000000, over 1000',
    );
    // Dates in the inline data are read as milliseconds: a day's bins over a year are kept.
    const days = { data: { values: [{ d: '2026-01-01' }, { d: '2026-12-31' }] }, mark: 'bar', encoding: { x: { field: 'd', bin: { step: 86_400_000 } } } };
    expect(check(days).refused).toBeUndefined();
  });

  it('refuses what is not a Vega-Lite v5 or v6 spec', () => {
    expect(check({ $schema: 'https://vega.github.io/schema/vega/v5.json', marks: [] }).refused).toBe('its $schema is not Vega-Lite v5 or v6');
    expect(check('[1]').refused).toBe('the spec is not a JSON object');
    expect(check('{"mark":').refused).toBe('the spec is not valid JSON');
    expect(checkChart({ mimeType: 'text/html', spec: '{}' }).refused).toMatch(/not a Vega-Lite v5 or v6 type/);
  });

  it("notes a run's refused and changed charts, one line each, and leaves the refused out", () => {
    const result = checkCharts([
      { mimeType: V6, spec: JSON.stringify(bar()) },
      { mimeType: V6, spec: 'x'.repeat(CHART_LIMITS.maxChartChars + 1) },
      { mimeType: V6, spec: JSON.stringify(bar({ usermeta: {} })) },
    ]);
    expect(result.charts).toHaveLength(2);
    expect(result.notes.split('\n')).toEqual([
      expect.stringMatching(/^\[chart 2 refused: the spec is 2,097,153 characters/),
      expect.stringMatching(/^\[chart 3 removed .*: usermeta\]$/),
      '',
    ]);
  });
});

describe("a worker's charts", () => {
  const answer = (charts: unknown) => ({ status: 'ok', output: '', stdout: '', stderr: '', images: [], files: [], streamedChunks: 0, heapBytes: 0, charts });
  const spec = (chars: number) => ({ mimeType: V6, spec: 'x'.repeat(chars) });

  it('are taken within CHART_LIMITS, shape only (their content is checked once the answer is whole)', () => {
    expect(validateRunResult(answer([spec(10)]), DEFAULT_LIMITS).charts).toEqual([spec(10)]);
    expect(validateRunResult(answer(undefined), DEFAULT_LIMITS).charts).toEqual([]);
  });

  it('stop a worker that sends more than an honest one can', () => {
    const over = CHART_LIMITS.maxChartChars + 1;
    expect(() => validateRunResult(answer(Array.from({ length: CHART_LIMITS.maxCharts + 1 }, () => spec(1))), DEFAULT_LIMITS)).toThrow(/11 charts/);
    expect(() => validateRunResult(answer([spec(over)]), DEFAULT_LIMITS)).toThrow(/a chart of 2\.0 MB/);
    expect(() => validateRunResult(answer([spec(CHART_LIMITS.maxChartChars), spec(CHART_LIMITS.maxChartChars), spec(10)]), DEFAULT_LIMITS)).toThrow(
      /3 charts totalling/,
    );
    expect(() => validateRunResult(answer([{ mimeType: 'text/html', spec: '{}' }]), DEFAULT_LIMITS)).toThrow(/malformed chart/);
    const forged = { mimeType: V6, spec: '{}', image: { mimeType: 'image/png', data: '' }, note: 'trust me' };
    expect(validateRunResult(answer([forged]), DEFAULT_LIMITS).charts).toEqual([{ mimeType: V6, spec: '{}' }]); // only the host adds images and notes
  });
});

describe("a worker's answer with charts (withCheckedCharts)", () => {
  const answer = (charts: ChartOutput[], output = 'done') => ({
    status: 'ok' as const,
    output,
    stdout: output,
    stderr: '',
    images: [],
    files: [],
    streamedChunks: 0,
    heapBytes: 0,
    charts,
  });
  const honest = { mimeType: V6, spec: JSON.stringify({ mark: 'bar', data: { values: [{ a: 1 }] } }) } as const;
  const linked = { mimeType: V6, spec: JSON.stringify({ mark: 'bar', data: { url: 'http://127.0.0.1:9/canary' } }) } as const;

  it('has its charts checked, and what was removed said in its output', async () => {
    const checked = await withCheckedCharts(answer([honest, linked]));
    expect(checked.charts.map((chart) => chart.note)).toEqual([undefined, expect.stringMatching(/data\.url/)]);
    expect(checked.output).toMatch(/^done\n\[chart 2 removed .*data\.url\]\n$/);
    expect(checked.stderr).toBe(checked.output.slice('done\n'.length));
  });

  it('keeps no chart when the check cannot load, and says why', async () => {
    const checked = await withCheckedCharts(answer([honest, linked]), () => Promise.reject(new Error('Failed to fetch widget-chart.js')));
    expect(checked.charts).toEqual([]);
    expect(checked.output.split('\n').slice(1, 3)).toEqual([
      '[chart 1 refused: the chart check could not be loaded (Failed to fetch widget-chart.js)]',
      '[chart 2 refused: the chart check could not be loaded (Failed to fetch widget-chart.js)]',
    ]);
  });

  it('loads nothing when the run made no chart', async () => {
    const load = vi.fn(() => Promise.reject(new Error('not asked for')));
    const plain = answer([]);
    expect(await withCheckedCharts(plain, load)).toBe(plain);
    expect(load).not.toHaveBeenCalled();
  });
});
