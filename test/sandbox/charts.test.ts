/**
 * Charts from Python (Vega-Lite dicts, Altair-like objects) through a real run, against the built
 * library; and the real Altair from Pyodide's lock file, where the Pyodide CDN answers (the
 * stand-in here and test/python/real-libraries.test.ts, real Altair under CPython, take its path
 * where it does not).
 */
import { describe, expect, it } from 'vitest';
import type { PythonSandbox } from '../../dist/index.node.js';
import { CHART_LIMITS } from '../../src/sandbox/limits.js';
import { defaultPackageBaseUrl } from '../../src/shared/pyodide-defaults.js';
import { lineChartSpec, STAND_IN_ALTAIR, useSandbox } from '../support/fixtures.js';

let sandbox: PythonSandbox;
useSandbox({ warmSpare: false }, (made) => {
  sandbox = made;
});

const V6 = 'application/vnd.vegalite.v6+json';
const BAR = `{"data": {"values": [{"a": "x", "b": 1}, {"a": "y", "b": 2}]}, "mark": "bar", "encoding": {"x": {"field": "a", "type": "nominal"}, "y": {"field": "b", "type": "quantitative"}}}`;

describe('charts', () => {
  it('returns a Vega-Lite dict passed to display() as a chart, its spec as JSON text', async () => {
    const spec = lineChartSpec(50);
    const r = await sandbox.run(`import json\ndisplay(json.loads(${JSON.stringify(JSON.stringify(spec))}))`);
    expect(r.outcome).toBe('OUTCOME_OK');
    expect(r.output).toBe('');
    expect(r.charts).toEqual([{ mimeType: V6, spec: JSON.stringify(spec) }]);
  });

  it('takes a dict without $schema that looks like a spec as v6, and a v5 $schema as v5', async () => {
    const r = await sandbox.run(`display(${BAR})\nspec = ${BAR}\nspec["$schema"] = "https://vega.github.io/schema/vega-lite/v5.20.1.json"\ndisplay(spec)`);
    expect(r.charts.map((c) => c.mimeType)).toEqual([V6, 'application/vnd.vegalite.v5+json']);
    expect(JSON.parse(r.charts[0].spec).mark).toBe('bar');
  });

  it('shows an object whose _repr_mimebundle_ gives a Vega-Lite spec, passed to display() or as the last expression', async () => {
    const r = await sandbox.run(`${STAND_IN_ALTAIR}\nc = Chart(${BAR})\ndisplay(c)\nc`);
    expect(r.charts).toHaveLength(2);
    expect(r.result).toBeUndefined(); // the chart, not its repr, as a notebook shows it
    expect(JSON.parse(r.charts[1].spec).encoding.x.field).toBe('a');
  });

  it('keeps a dict as the last expression as data (its repr), and other dicts passed to display() as reprs', async () => {
    const r = await sandbox.run(`display({"a": 1}, {"$schema": "https://vega.github.io/schema/vega/v5.json", "marks": []})\n${BAR}`);
    expect(r.charts).toEqual([]);
    expect(r.output).toContain("{'a': 1}");
    expect(r.result).toContain("'mark': 'bar'");
  });

  it(`returns at most ${CHART_LIMITS.maxCharts} charts per run, with a note for the rest`, async () => {
    const r = await sandbox.run(`for i in range(${CHART_LIMITS.maxCharts + 3}):\n    display(${BAR})`);
    expect(r.charts).toHaveLength(CHART_LIMITS.maxCharts);
    expect(r.stderr).toContain(`[3 charts not returned: at most ${CHART_LIMITS.maxCharts} per run]`);
  });

  it('skips a chart over the size limit without serializing all of it, and one with NaN, each with a note', async () => {
    const big = await sandbox.run(`display({"mark": "point", "data": {"values": ["0123456789"] * ${CHART_LIMITS.maxChartChars}}})`);
    expect(big.charts).toEqual([]);
    expect(big.stderr).toContain('larger than the 2,097,152-character limit per chart');
    const nan = await sandbox.run(`display({"mark": "point", "data": {"values": [{"x": float("nan")}]}})`);
    expect(nan.charts).toEqual([]);
    expect(nan.stderr).toContain('NaN or infinity');
  });

  it('turns dates and numpy-like numbers into JSON, and runs on after a chart that is not JSON', async () => {
    const r = await sandbox.run(
      `import datetime\nclass N:\n    def item(self): return 3\ndisplay({"mark": "bar", "data": {"values": [{"d": datetime.date(2026, 1, 2), "n": N()}]}})\ndisplay({"mark": "bar", "data": {"values": [object()]}})\nprint("on")`,
    );
    expect(r.charts.map((c) => JSON.parse(c.spec).data.values)).toEqual([[{ d: '2026-01-02', n: 3 }]]);
    expect(r.stdout).toBe('on\n');
    expect(r.stderr).toContain('[1 chart not returned: not JSON');
  });

  it('has the host remove a data URL and a javascript: link, saying so in the chart and the output', async () => {
    const r = await sandbox.run(
      `display({"data": {"url": "http://127.0.0.1:9/canary.csv"}, "mark": {"type": "point", "href": "javascript:alert(1)"}, "encoding": {}})`,
    );
    expect(r.charts).toHaveLength(1);
    const spec = JSON.parse(r.charts[0].spec);
    expect(spec.data).toEqual({ values: [] });
    expect(spec.mark).toEqual({ type: 'point' });
    expect(r.charts[0].note).toContain('data.url, mark.href');
    expect(r.output).toContain('[chart 1 removed what a chart may not hold');
  });
});

/** Why the real wheels cannot be had here, or undefined when the CDN answers for this Pyodide. */
async function cdnMissing(): Promise<string | undefined> {
  const { version } = (await import('pyodide/package.json', { with: { type: 'json' } })).default as { version: string };
  const url = `${defaultPackageBaseUrl(version)}pyodide-lock.json`;
  try {
    const answer = await fetch(url, { method: 'HEAD', signal: AbortSignal.timeout(5000) });
    return answer.ok ? undefined : `needs the internet: ${url} answered ${answer.status}`;
  } catch (error) {
    return `needs the internet: ${url} is not reachable (${(error as Error).message})`;
  }
}
const missing = await cdnMissing();

describe.skipIf(!!missing)(missing ? `real Altair from the Pyodide CDN (skipped: ${missing})` : 'real Altair from the Pyodide CDN', () => {
  it('an Altair chart built from alt.Data, as the last expression, is one Vega-Lite v6 chart', { timeout: 120_000 }, async () => {
    const r = await sandbox.run(
      'import altair as alt\nalt.renderers.enable("mimetype")\nalt.Chart(alt.Data(values=[{"a": "x", "b": 1}, {"a": "y", "b": 2}])).mark_bar().encode(x="a:N", y="b:Q")',
    );
    expect(r.outcome).toBe('OUTCOME_OK');
    expect(r.charts.map((c) => c.mimeType)).toEqual([V6]);
    expect(JSON.parse(r.charts[0].spec).mark).toEqual({ type: 'bar' });
  });
});
