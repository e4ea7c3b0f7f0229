/**
 * Charts drawn in Node (src/sandbox/charts/render-node.ts): vega's SVG rasterized by resvg's
 * WebAssembly build, in a process of their own; hostile specs through the whole path (Python, the
 * host's check, the drawing).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PythonSandbox } from '../../dist/index.node.js';
import { ChartRenderError, renderChart } from '../../src/sandbox/charts/render-node.js';
import { lineChartSpec, useSandbox } from '../support/fixtures.js';
import { pngSize } from '../support/png.js';

const V6 = 'application/vnd.vegalite.v6+json' as const;
const chartOf = (spec: unknown) => ({ mimeType: V6, spec: JSON.stringify(spec) });

let sandbox: PythonSandbox;
useSandbox({ warmSpare: false }, (made) => {
  sandbox = made;
});

/** A loopback server that counts the requests it gets: a chart must make none. */
let canaryHits = 0;
const canary = createServer((_request, response) => {
  canaryHits++;
  response.end('x,y\n1,2\n');
});
let canaryUrl = '';
beforeAll(async () => {
  await new Promise<void>((resolve) => canary.listen(0, '127.0.0.1', resolve));
  canaryUrl = `http://127.0.0.1:${(canary.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => canary.close(() => resolve())));

describe('renderChart', () => {
  // Its speed against the SVG's is the bench's to measure: CPU time on a loaded machine swung past 2× either way.
  it('draws a 1,000-point line chart as PNG and SVG of the same size', async () => {
    const picture = await renderChart(chartOf(lineChartSpec(1000)));
    expect(pngSize(Buffer.from(picture.png).toString('base64'))).toEqual({ width: picture.width, height: picture.height });
    expect(picture.width).toBeGreaterThan(200);
    expect(picture.svg).toMatch(/^<svg[^>]*>.*<path/s);
  });

  it('draws text with its own font (no system font): a titled chart has dark pixels where a blank one has none', async () => {
    const titled = await renderChart(chartOf({ title: 'Revenue by month', data: { values: [] }, mark: 'point' }));
    const untitled = await renderChart(chartOf({ data: { values: [] }, mark: 'point' }));
    expect(titled.png.length).toBeGreaterThan(untitled.png.length);
    expect(titled.svg).toContain('Revenue by month');
  });

  it('keeps the longer side within 2,000 px', async () => {
    const wide = await renderChart(chartOf({ ...lineChartSpec(10), width: 3900, height: 100 }), { scale: 2 });
    expect(Math.max(wide.width, wide.height)).toBeLessThanOrEqual(2000);
  });

  it('sends no request for a data URL, a lookup or an image mark, through Python, the host and the drawing', async () => {
    const spec = {
      data: { url: `${canaryUrl}/data.csv` },
      transform: [{ lookup: 'x', from: { data: { url: `${canaryUrl}/lookup.json` }, key: 'x', fields: ['y'] } }],
      layer: [
        { mark: 'point', encoding: { x: { field: 'x', type: 'quantitative' } } },
        { mark: { type: 'image', url: `${canaryUrl}/image.png`, href: 'javascript:alert(1)' }, encoding: { url: { value: `${canaryUrl}/i.png` } } },
      ],
    };
    const r = await sandbox.run(`import json\ndisplay(json.loads(${JSON.stringify(JSON.stringify(spec))}))`);
    expect(r.charts).toHaveLength(1);
    expect(r.output).toContain('[chart 1 removed');
    const picture = await renderChart(r.charts[0]);
    expect(picture.png.length).toBeGreaterThan(0);
    await renderChart(chartOf(spec)).catch(() => undefined); // straight to the renderer, unchecked by the run
    await new Promise((resolve) => setTimeout(resolve, 200)); // a request in flight would arrive by now
    expect(canaryHits).toBe(0);
  });

  it('interprets expressions: a chart with expressions draws where eval and Function throw, and none breaks out', async () => {
    // The drawing process runs with --disallow-code-generation-from-strings: a chart that needed
    // eval or Function to draw would fail here.
    const spec = {
      ...lineChartSpec(100),
      params: [{ name: 'k', value: 2 }],
      transform: [{ calculate: 'datum.y * k + (datum.x > 50 ? 1 : 0)', as: 'z' }, { filter: 'datum.z > -100' }],
      encoding: { x: { field: 'x', type: 'quantitative', axis: { labelExpr: "datum.label + ' s'" } }, y: { field: 'z', type: 'quantitative' } },
    };
    expect((await renderChart(chartOf(spec))).svg).toContain(' s</text>');
    const breakOut = { ...lineChartSpec(10), transform: [{ calculate: "datum.constructor.constructor('return process')().exit(3)", as: 'e' }] };
    await expect(renderChart(chartOf(breakOut))).rejects.toThrow(ChartRenderError);
    expect((await renderChart(chartOf(lineChartSpec(10)))).png.length).toBeGreaterThan(0);
  });

  it('draws in a process of its own: a spec that passes the check but asks for 100,000 facets ends that process, not the host, whose event loop runs on', async () => {
    /** The longest the event loop went without a turn while `work` ran, in milliseconds. */
    const longestPause = async (work: () => Promise<unknown>) => {
      let last = performance.now();
      let longest = 0;
      const ticker = setInterval(() => {
        longest = Math.max(longest, performance.now() - last);
        last = performance.now();
      }, 5);
      try {
        await work().catch((error: unknown) => error);
      } finally {
        clearInterval(ticker);
      }
      return longest;
    };
    const honest = chartOf(lineChartSpec(1000));
    // One small view per row: about 1.1 MB of spec, within every bound the check can read from it.
    const facets = { data: { values: Array.from({ length: 100_000 }, (_, x) => ({ x })) }, facet: { row: { field: 'x' } }, spec: { mark: 'point' } };
    const control = await longestPause(() => renderChart(honest));
    let refusal: unknown;
    const hostile = await longestPause(async () => {
      refusal = await renderChart(chartOf(facets)).catch((error: unknown) => error);
    });
    expect(refusal).toBeInstanceOf(ChartRenderError);
    expect((refusal as Error).message).toMatch(/^The chart could not be drawn: it (needs more than 512 MiB|took over 10 s) to draw\.$/);
    expect(hostile).toBeLessThan(control + 1000);
    expect((await renderChart(honest)).png.length).toBeGreaterThan(0); // a new process draws the next chart
  }, 60_000);

  it('refuses what checkChart refuses, saying why', async () => {
    await expect(renderChart({ mimeType: V6, spec: '['.repeat(10_000) })).rejects.toThrow('The chart was refused: the spec nests deeper than 64 levels.');
  });
});
