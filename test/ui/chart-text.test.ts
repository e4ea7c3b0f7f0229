/** A chart's media item and text alternative, read from the transcript's parts and the spec (no DOM, no vega). */
import { describe, expect, test } from 'vitest';
import { CHART_TABLE_LIMITS, chartText } from '../../src/ui/charts/chart-text.js';
import { chartSpec, mediaItems } from '../../src/ui/charts/chart-media.js';

const V6 = 'application/vnd.vegalite.v6+json';

describe('mediaItems', () => {
  test("a chart's spec part takes the unnamed image right after it as its PNG; other media stay as they are", () => {
    const figure = { mimeType: 'image/png', data: 'AAAA' };
    const chart = { mimeType: V6, data: btoa('{"mark":"bar"}') };
    const png = { mimeType: 'image/png', data: 'CCCC' };
    const bare = { mimeType: 'application/vnd.vegalite.v5+json', data: btoa('{}') };
    const file = { mimeType: 'image/png', data: 'DDDD', displayName: 'plot.png' };
    expect(mediaItems([figure, chart, png, bare, file])).toEqual([{ blob: figure }, { chart, image: png }, { chart: bare }, { blob: file }]);
    expect(chartSpec(chart)).toBe('{"mark":"bar"}');
    expect(chartSpec({ mimeType: V6, data: '%%%' })).toBeUndefined();
  });
});

describe('chartText', () => {
  test("the caption is the spec's title and description; the table its first inline values, bounded", () => {
    const values = Array.from({ length: 80 }, (_, i) => ({ i, label: 'x'.repeat(100), nested: { a: i } }));
    const text = chartText({ title: { text: ['Sales', 'by month'] }, description: 'Units sold.', data: { values } });
    expect(text.title).toBe('Sales by month');
    expect(text.description).toBe('Units sold.');
    expect(text.table?.columns).toEqual(['i', 'label', 'nested']);
    expect(text.table?.rows).toHaveLength(CHART_TABLE_LIMITS.rows);
    expect(text.table?.moreRows).toBe(80 - CHART_TABLE_LIMITS.rows);
    expect(text.table?.rows[1]).toEqual(['1', `${'x'.repeat(CHART_TABLE_LIMITS.cellChars - 1)}…`, '{"a":1}']);
  });

  test('values in a layer or a named dataset are found; a spec with none has no table, and one that is not an object has no text', () => {
    expect(chartText({ layer: [{ mark: 'line' }, { data: { values: [1, 2] }, mark: 'point' }] }).table).toEqual({
      columns: ['value'],
      rows: [['1'], ['2']],
      moreRows: 0,
    });
    expect(chartText({ datasets: { d: [{ a: 1 }] }, data: { name: 'd' } }).table?.rows).toEqual([['1']]);
    expect(chartText({ mark: 'bar' })).toEqual({});
    expect(chartText([1, 2])).toEqual({});
  });

  test('columns are bounded across rows', () => {
    const row = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`c${i}`, i]));
    expect(chartText({ data: { values: [row] } }).table?.columns).toHaveLength(CHART_TABLE_LIMITS.columns);
  });
});
