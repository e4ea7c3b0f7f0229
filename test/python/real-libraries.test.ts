/**
 * The worker's Python (runner.py, cells.py, capture.py, figures.py, sandbox_mpl_backend.py)
 * against the real numpy, pandas, matplotlib, pillow, seaborn and altair, which it had met only as
 * hand-made stand-ins. Run by the machine's own `python3` (CPython 3.11 here; Pyodide's is 3.14),
 * so it needs no Pyodide: the libraries are pip-installed once into node_modules/.cache
 * (scripts/install-python-libraries.mjs, which .ci/run also calls), and the two Pyodide-only
 * modules the runner imports are stood in for by test/python/stubs. test/python/run_cells.py
 * runs each scenario's cells through the runner; the records are what the worker hands the host.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CHART_LIMITS, MAX_FILES_PER_RUN, MAX_IMAGES_PER_RUN, resolveLimits } from '../../src/sandbox/limits.js';
import type { WorkerRunResult } from '../../src/shared/protocol.js';
import { pngSize } from '../support/png.js';

const root = join(import.meta.dirname, '../..');
const install = spawnSync('node', [join(root, 'scripts/install-python-libraries.mjs')], { encoding: 'utf8' });
const libraries = install.status === 0 ? install.stdout.trim() : undefined;
const missing = libraries ? undefined : install.stderr.trim() || 'the libraries could not be installed';
if (missing) console.warn(`test/python/real-libraries.test.ts skipped: ${missing}`);

/** The runner's limit on a result's repr (runner.py MAX_RESULT_REPR). */
const MAX_RESULT_REPR = 10_000;

type Runs = Record<string, WorkerRunResult[]>;

const PLT = 'import matplotlib.pyplot as plt\n';
const SCENARIOS: Record<string, string[]> = {
  openFigure: [`${PLT}plt.figure(figsize=(6, 4), dpi=50)\nplt.plot([1, 2, 3])`, 'plt.get_fignums()'],
  backend: ['import matplotlib\nmatplotlib.get_backend()'],
  shows: [
    `${PLT}plt.figure(figsize=(6, 3), dpi=50)\nplt.plot([1, 2])\nplt.show()\nplt.figure(figsize=(3, 6), dpi=50)\nplt.plot([2, 1])\nplt.show()\nlen(plt.get_fignums())`,
  ],
  severalOpen: [`${PLT}for inches in (2, 4, 6):\n    plt.figure(figsize=(inches, 3), dpi=50)\n    plt.plot([1, 2, 3])`],
  displayFigure: [`${PLT}fig, ax = plt.subplots(figsize=(4, 3), dpi=50)\nax.plot([1, 2])\ndisplay(fig)`],
  semicolon: [`${PLT}plt.plot([1, 2, 3]);`],
  brokenFigure: [`${PLT}plt.figure()\nplt.title(r"$\\frac{$")\nplt.figure(figsize=(4, 3), dpi=50)\nplt.plot([1, 2])`, '1 + 1', '%reset'],
  tooManyFigures: [`${PLT}for i in range(${MAX_IMAGES_PER_RUN + 5}):\n    plt.figure(figsize=(1, 1), dpi=20)`],
  savedFigure: [`${PLT}plt.plot([1, 2])\nplt.savefig("chart.png")\nplt.close()`],
  dataFramePlot: ['import pandas as pd\npd.DataFrame({"a": [1, 3, 2], "b": [2, 2, 1]}).plot()'],
  seaborn: ['import numpy as np, seaborn as sns\nsns.histplot(x=np.random.default_rng(0).normal(size=500))'],
  dataFrame: ['import pandas as pd\ndf = pd.DataFrame({"a": [1, 2], "b": ["x", "y"]})\ndf', 'print(df)', 'display(df)'],
  series: ['import pandas as pd\npd.Series([1, 2, 3], name="n")'],
  largeDataFrame: ['import numpy as np, pandas as pd\nbig = pd.DataFrame(np.arange(3_000_000).reshape(100_000, 30))\nbig', 'display(big)'],
  longRepr: ['import numpy as np, pandas as pd\npd.DataFrame(np.arange(20_000).reshape(-1, 2)).to_dict()'],
  arrays: ['import numpy as np\nnp.arange(6).reshape(2, 3)', 'np.arange(1_000_000)'],
  pilImage: ['from PIL import Image\ndisplay(Image.new("RGB", (64, 32), "red"))'],
  altair: [
    `import altair as alt\nalt.renderers.enable("mimetype")\nc = alt.Chart(alt.Data(values=[{"month": "2026-01-01", "sales": 3}, {"month": "2026-02-01", "sales": 5}])).mark_line(tooltip=True).encode(x="month:T", y="sales:Q")\nc`,
    'display(c)\nprint("shown")',
  ],
  pilModes: ['from PIL import Image\ndisplay(Image.new("L", (10, 20)), Image.new("RGBA", (30, 40)), Image.new("P", (50, 60)))'],
};

function runScenarios(): Runs {
  const limits = resolveLimits();
  const request = {
    limits: {
      max_output_bytes: limits.maxOutputBytes,
      max_file_bytes: limits.maxFileBytes,
      max_total_file_bytes: limits.maxTotalFileBytes,
      max_images: MAX_IMAGES_PER_RUN,
      max_files: MAX_FILES_PER_RUN,
      max_charts: CHART_LIMITS.maxCharts,
      max_chart_chars: CHART_LIMITS.maxChartChars,
      max_total_chart_chars: CHART_LIMITS.maxTotalChartChars,
      recursion_limit: limits.recursionLimit,
    },
    scenarios: Object.entries(SCENARIOS).map(([name, cells]) => ({ name, cells })),
  };
  const pythonPath = [join(root, 'worker/python'), join(import.meta.dirname, 'stubs'), libraries].join(':');
  const ran = spawnSync('python3', [join(import.meta.dirname, 'run_cells.py')], {
    input: JSON.stringify(request),
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    // matplotlib's font cache, kept beside the libraries so later runs skip building it.
    env: { ...process.env, PYTHONPATH: pythonPath, MPLCONFIGDIR: join(libraries!, '.matplotlib'), PYTHONDONTWRITEBYTECODE: '1' },
  });
  if (ran.status !== 0) throw new Error(`run_cells.py failed: ${ran.stderr}`);
  return JSON.parse(ran.stdout) as Runs;
}

/** Within a quarter of `expected`: `bbox_inches="tight"` trims the margins (or takes in a label that sticks out). */
function near(actual: number, expected: number): boolean {
  return Math.abs(actual - expected) <= expected / 4;
}

describe.skipIf(!!missing)(missing ? `the worker's Python against real libraries (skipped: ${missing})` : "the worker's Python against real libraries", () => {
  let runs: Runs;
  beforeAll(() => {
    runs = runScenarios();
  }, 120_000);

  describe('matplotlib', () => {
    it('a figure left open comes back as one PNG of about its size, and is closed after the run', () => {
      const [drawn, after] = runs.openFigure;
      expect(drawn.status).toBe('ok');
      expect(drawn.images).toHaveLength(1);
      expect(drawn.images[0].mimeType).toBe('image/png');
      const { width, height } = pngSize(drawn.images[0].data);
      expect(near(width, 300) && near(height, 200)).toBe(true);
      expect(after.result).toBe('[]');
    });

    it('draws through the sandbox backend', () => {
      expect(runs.backend[0].result).toBe("'module://sandbox_mpl_backend'");
    });

    it('each plt.show() hands over the figures drawn so far, in order, and closes them', () => {
      const [run] = runs.shows;
      expect(run.images).toHaveLength(2);
      const [first, second] = run.images.map((image) => pngSize(image.data));
      expect(first.width).toBeGreaterThan(first.height);
      expect(second.height).toBeGreaterThan(second.width);
      expect(run.result).toBe('0');
    });

    it('several figures open at the end come back in figure order', () => {
      const widths = runs.severalOpen[0].images.map((image) => pngSize(image.data).width);
      expect(widths).toHaveLength(3);
      expect(widths[0]).toBeLessThan(widths[1]);
      expect(widths[1]).toBeLessThan(widths[2]);
    });

    it('display(fig) shows the figure once, not again at the end of the run', () => {
      const [run] = runs.displayFigure;
      expect(run.images).toHaveLength(1);
      expect(run.output).toBe('');
    });

    it('plt.plot(...); with a trailing semicolon shows the image and no result', () => {
      const [run] = runs.semicolon;
      expect(run.images).toHaveLength(1);
      expect(run.result).toBeUndefined();
    });

    it('a figure that cannot be drawn is reported once; the other figures come back, and later runs and reset are clean', () => {
      const [broken, next, reset] = runs.brokenFigure;
      expect(broken.status).toBe('ok');
      expect(broken.stderr).toMatch(/^\[could not render a figure: ValueError/);
      expect(broken.images).toHaveLength(1);
      expect(next.output).toBe('');
      expect(next.result).toBe('2');
      expect(reset.status).toBe('ok');
    });

    it(`more than ${MAX_IMAGES_PER_RUN} figures: ${MAX_IMAGES_PER_RUN} come back and the output says how many did not`, () => {
      const [run] = runs.tooManyFigures;
      expect(run.images).toHaveLength(MAX_IMAGES_PER_RUN);
      expect(run.stderr).toContain(`[5 more images not returned: at most ${MAX_IMAGES_PER_RUN} per run]`);
    });

    it('a figure saved with savefig comes back as a PNG file, and not also as an image', () => {
      const [run] = runs.savedFigure;
      expect(run.files.map((file) => [file.path, file.mimeType])).toEqual([['chart.png', 'image/png']]);
      expect(run.images).toHaveLength(0);
    });

    it("pandas' DataFrame.plot() comes back as one image", () => {
      const [run] = runs.dataFramePlot;
      expect(run.status).toBe('ok');
      expect(run.images).toHaveLength(1);
      expect(run.result).toMatch(/^<Axes: /);
    });

    it('a seaborn chart comes back as one image', () => {
      const [run] = runs.seaborn;
      expect(run.status).toBe('ok');
      expect(run.images).toHaveLength(1);
    });
  });

  describe('pandas and numpy results', () => {
    it('a DataFrame result is its table, as print shows it', () => {
      const [result, printed] = runs.dataFrame;
      expect(result.result).toBe('   a  b\n0  1  x\n1  2  y');
      expect(printed.output).toBe(`${result.result}\n`);
    });

    it('display(df) writes the table into the output', () => {
      const [result, , displayed] = runs.dataFrame;
      expect(displayed.output).toBe(`${result.result}\n`);
      expect(displayed.result).toBeUndefined();
    });

    it('a Series result is its text, with name and dtype', () => {
      expect(runs.series[0].result).toBe('0    1\n1    2\n2    3\nName: n, dtype: int64');
    });

    it("a 100,000-row DataFrame result is pandas' summary: bounded, with its shape", () => {
      const [result, displayed] = runs.largeDataFrame;
      expect(result.result).toMatch(/\n\.\.\. .*\n[\s\S]*\[100000 rows x 30 columns\]$/);
      expect(result.result!.length).toBeLessThan(MAX_RESULT_REPR);
      expect(displayed.output).toBe(`${result.result}\n`);
    });

    it('a result whose repr is over 10,000 characters is cut, saying how long it was', () => {
      const { result } = runs.longRepr[0];
      expect(result).toMatch(/^\{0: \{0: 0, 1: 2, /);
      expect(result).toMatch(/\.\.\. \[repr truncated: [\d,]+ characters\]$/);
      expect(result!.length).toBeLessThan(MAX_RESULT_REPR + 100);
    });

    it('a small numpy array is shown in full, a large one summarized', () => {
      const [small, large] = runs.arrays;
      expect(small.result).toBe('array([[0, 1, 2],\n       [3, 4, 5]])');
      // numpy from 2.2 adds ", shape=(1000000,)" to a summarized array.
      expect(large.result).toMatch(/^array\(\[ +0, +1, +2, \.\.\., 999997, 999998, 999999\](,\s+shape=\(1000000,\))?\)$/);
    });
  });

  describe('Altair', () => {
    it('an Altair chart, as the last expression or passed to display(), is one Vega-Lite v6 chart with its data inline', () => {
      const [last, displayed] = runs.altair;
      for (const run of [last, displayed]) {
        expect(run.status).toBe('ok');
        expect(run.charts).toHaveLength(1);
        expect(run.charts[0].mimeType).toBe('application/vnd.vegalite.v6+json');
        const spec = JSON.parse(run.charts[0].spec);
        expect(spec.$schema).toMatch(/vega-lite\/v6/);
        expect(spec.mark).toEqual({ type: 'line', tooltip: true });
        expect(JSON.stringify(spec)).toContain('"sales":5');
      }
      expect(last.result).toBeUndefined(); // the chart, not its repr
      expect(displayed.output).toBe('shown\n');
    });
  });

  describe('PIL', () => {
    it('display() of a PIL image is one PNG of its size', () => {
      const [run] = runs.pilImage;
      expect(run.images).toHaveLength(1);
      expect(run.images[0].mimeType).toBe('image/png');
      expect(pngSize(run.images[0].data)).toEqual({ width: 64, height: 32 });
      expect(run.output).toBe('');
    });

    it('display() of grayscale, RGBA and palette images shows each as a PNG', () => {
      const [run] = runs.pilModes;
      expect(run.images.map((image) => pngSize(image.data))).toEqual([
        { width: 10, height: 20 },
        { width: 30, height: 40 },
        { width: 50, height: 60 },
      ]);
    });
  });
});
