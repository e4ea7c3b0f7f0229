/** Chart specs the tests and the bench share (this module imports nothing, so a bench can load it outside vitest). */

/** A Vega-Lite v6 line chart of `points` points (x, and a wave for y), as the model's Python would build one. */
export function lineChartSpec(points: number): Record<string, unknown> {
  const values = Array.from({ length: points }, (_, x) => ({ x, y: Math.round((Math.sin(x / 30) * 10 + x / 100) * 1000) / 1000 }));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: 'A wave',
    data: { values },
    mark: 'line',
    encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'y', type: 'quantitative' } },
  };
}
