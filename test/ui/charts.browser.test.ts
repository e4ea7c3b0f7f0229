/**
 * Charts in the widget, in Chromium, Firefox ESR and WebKitGTK: a recorded answer whose cell
 * builds a Vega-Lite dict and passes it to `display()`, and one whose cell ends with an Altair-like
 * chart (run live, in the page's Python), each shows a live chart, before the model's picture of
 * it is drawn: its tooltip on hover, its legend selection on a click, the chart and its data table
 * on the Tab order, no axe violation, and no call of `eval` or `Function` from the widget's code
 * while it draws. Then, in Chromium: a conversation without charts never asks for the chart's
 * chunk, and with the chunk refused, a saved chart shows its PNG and a one-line note.
 *
 * Needs the built site (`npm run build`).
 */
import { describe, expect, test } from 'vitest';
import { PNG_1X1_BASE64 } from '../support/png.js';
import { violations } from '../support/engines/axe.js';
import { playDemoInPage } from '../support/engines/play-demo.js';
import { type Driver, centreOf, chromium, countOf, firefox, focusPath, until, useEngine, webkit } from '../support/engines/drivers.js';
import { expectNoViolations } from '../support/axe.js';
import { useStaticServer } from '../support/use-static-server.js';
import { SERVE_ROOT, pickDemo, putConversation, screenshot, sendAndWait, useChromium, waitForSandbox } from '../support/widget-page.js';

const TIMEOUT_MS = 150_000;
/** The recorded answers: a cell that passes a Vega-Lite dict to `display()`, and one whose last expression is an Altair-like chart. */
const CHART_DEMOS = [
  { what: 'a Vega-Lite dict passed to display()', demo: '/test/ui/pages/host.html?demo=/test/ui/pages/chart.recording.json' },
  {
    what: "an Altair chart as its last expression (a stand-in whose _repr_mimebundle_ gives Altair's v6 bundle)",
    demo: '/test/ui/pages/host.html?demo=/test/ui/pages/chart-altair.recording.json',
  },
];

/**
 * Counts calls of `eval` and `Function` (and `Function` reached as a function's constructor) made
 * by the widget's scripts: a call whose stack names widget.js or widget-chart.js. The drivers'
 * own calls (they evaluate their scripts with `eval`) do not count.
 */
function trapEval(): void {
  const w = window as unknown as { codeFromStrings: string[] };
  w.codeFromStrings = [];
  const fromWidget = () => {
    const stack = new Error().stack ?? '';
    if (/widget(-chart)?\.js/.test(stack)) w.codeFromStrings.push(stack.split('\n').slice(0, 4).join(' | '));
  };
  const realEval = window.eval;
  window.eval = function (this: unknown, ...args: [string]) {
    fromWidget();
    return realEval.apply(this, args);
  };
  const trapped = new Proxy(Function, {
    apply(target, self, args) {
      fromWidget();
      return Reflect.apply(target, self, args);
    },
    construct(target, args) {
      fromWidget();
      return Reflect.construct(target, args);
    },
  });
  window.Function = trapped;
  Object.defineProperty(Function.prototype, 'constructor', { value: trapped });
}

/**
 * Notes when the chart's first bar is in the widget and when the chart chunk first encodes a
 * canvas as a PNG (the model's picture of the chart): the reader is to see the chart first.
 */
function watchChartOrder(): void {
  const w = window as unknown as { chartOrder: { barsAt?: number; pictureAt?: number } };
  const order: { barsAt?: number; pictureAt?: number } = {};
  w.chartOrder = order;
  const toDataURL = HTMLCanvasElement.prototype.toDataURL;
  HTMLCanvasElement.prototype.toDataURL = function (this: HTMLCanvasElement, ...args: Parameters<typeof toDataURL>) {
    if (order.pictureAt === undefined && /widget-chart\.js/.test(new Error().stack ?? '')) order.pictureAt = performance.now();
    return toDataURL.apply(this, args);
  };
  // A mutation observer's callback runs between the microtasks that draw, so it sees the bars as
  // they come; the widget's shadow root is watched once it is there.
  const bars = new MutationObserver(() => {
    if (order.barsAt === undefined && document.querySelector('#chat0')?.shadowRoot?.querySelector('cec-chart .mark-rect path'))
      order.barsAt = performance.now();
  });
  const watchChat = () => {
    const root = document.querySelector('#chat0')?.shadowRoot;
    if (root) bars.observe(root, { subtree: true, childList: true });
    return Boolean(root);
  };
  if (!watchChat()) {
    const page = new MutationObserver(() => watchChat() && page.disconnect());
    page.observe(document, { subtree: true, childList: true });
  }
}

/** The tooltip vega-embed shows (in the document's body), as text, or '' while hidden. */
function tooltipText(): string {
  const tip = document.querySelector<HTMLElement>('#vg-tooltip-element.visible');
  return tip?.innerText ?? '';
}

/** The chart's bars drawn at the unselected opacity (the legend selection dims the others). */
function dimmedBars(): number {
  let count = 0;
  const roots: (Document | ShadowRoot)[] = [document];
  while (roots.length > 0) {
    const root = roots.shift()!;
    for (const bar of root.querySelectorAll('cec-chart .mark-rect path')) if (Number(bar.getAttribute('opacity') ?? 1) < 0.5) count++;
    for (const el of root.querySelectorAll('*')) if (el.shadowRoot) roots.push(el.shadowRoot);
  }
  return count;
}

/** Focuses the chart's cell output (the stop before the chart) through the widget's shadow root. */
function focusOutput(): boolean {
  const output = document.querySelector('#chat0')?.shadowRoot?.querySelector<HTMLElement>('.cell pre.output');
  output?.focus();
  return Boolean(output);
}

async function point(page: Driver, selector: string): Promise<{ x: number; y: number }> {
  let at: { x: number; y: number } | null = null;
  await until(selector, async () => Boolean((at = await page.evaluate(centreOf, selector))));
  return at!;
}

describe.each([chromium(), firefox(), webkit()])('$name', (engine) => {
  const pages = useEngine(engine, TIMEOUT_MS);

  describe.skipIf(engine.missing)(engine.missing ? `(skipped: ${engine.missing})` : 'a live chart', () => {
    test.each(CHART_DEMOS)(
      'a cell with $what shows a live chart: tooltip on hover, legend filter on click, chart and table on the Tab order, no axe violation, no eval',
      async ({ demo }) => {
        const page = await pages.open(demo);
        await page.evaluate(trapEval);
        await page.evaluate(watchChartOrder);
        const played = await page.evaluate(playDemoInPage, null, TIMEOUT_MS);
        expect(played.transcript).toContain('The chart shows 111 units');
        await until('the chart', async () => (await page.evaluate(countOf, 'cec-chart .mark-rect path')) === 8);
        // The live chart was on screen before the model's picture of it was drawn.
        const order = await page.evaluate(() => (window as unknown as { chartOrder: { barsAt?: number; pictureAt?: number } }).chartOrder);
        expect(order.pictureAt).toBeDefined();
        expect(order.barsAt).toBeLessThan(order.pictureAt!);
        expect(await page.evaluate(countOf, 'cec-chart figure.cec-chart figcaption')).toBe(1);

        const bar = await point(page, 'cec-chart .mark-rect path');
        await page.hover(bar.x, bar.y);
        await until('the tooltip', async () => /sales/.test(await page.evaluate(tooltipText)));
        expect(await page.evaluate(tooltipText)).toMatch(/month\s*Jan[\s\S]*sales\s*12/);

        expect(await page.evaluate(dimmedBars)).toBe(0);
        const entry = await point(page, 'cec-chart .role-legend-symbol path');
        await page.click(entry.x, entry.y);
        await until('the legend selection', async () => (await page.evaluate(dimmedBars)) === 4);

        expect(await page.evaluate(focusOutput)).toBe(true);
        await page.press('Tab');
        expect(await page.evaluate(focusPath)).toMatch(/div\[Chart: Monthly sales by region\]$/);
        await page.press('Tab');
        expect(await page.evaluate(focusPath)).toMatch(/summary$/);
        await page.press('Enter');
        await page.press('Tab');
        expect(await page.evaluate(focusPath)).toMatch(/div\[Data of Monthly sales by region\]$/);

        expect(await violations(page)).toEqual([]);
        expect(await page.evaluate(() => (window as unknown as { codeFromStrings: string[] }).codeFromStrings)).toEqual([]);
        // The control: a call from a script named widget.js is counted.
        const control = await page.evaluate(async () => {
          const script = Object.assign(document.createElement('script'), { src: '/test/ui/pages/eval-control/widget.js' });
          await new Promise((resolve) => {
            script.onload = resolve;
            document.head.append(script);
          });
          return (window as unknown as { codeFromStrings: string[] }).codeFromStrings.length;
        });
        expect(control).toBe(1);
      },
      TIMEOUT_MS,
    );
  });
});

describe('Chromium: the chart chunk', () => {
  const chromiumPages = useChromium(TIMEOUT_MS);
  const site = useStaticServer({ root: SERVE_ROOT, crossOriginIsolated: true });

  test(
    'a conversation without charts never asks for it; with it refused, a saved chart shows its PNG and a one-line note, and the conversation goes on',
    async () => {
      const { context } = await chromiumPages.open();
      const chunkRequests: string[] = [];
      await context.route('**/widget-chart.js', (route) => {
        chunkRequests.push(route.request().url());
        return route.abort();
      });
      const page = await context.newPage();
      await page.goto(`${site.server.origin}/test/ui/pages/host.html?demos-url=/dist/demos/index.json`);
      await waitForSandbox(page);
      await pickDemo(page, 'primes');
      await sendAndWait(page);
      expect(await page.locator('code-exec-chat .cell .badge.ok').count()).toBeGreaterThan(0);
      expect(chunkRequests).toEqual([]);

      // A saved conversation whose cell made a chart that Node drew (its spec, then its PNG).
      const spec = JSON.stringify({ title: 'Saved sales', data: { values: [{ a: 1 }] }, mark: 'bar', encoding: { x: { field: 'a', type: 'quantitative' } } });
      await page.evaluate(putConversation, {
        format: 'code-exec-chat/conversation@1',
        savedAt: Date.now(),
        execution: 'local',
        entries: [
          { kind: 'user', text: 'Chart it.', attachments: [] },
          {
            kind: 'model',
            state: 'done',
            live: [],
            parts: [
              { executableCode: { code: 'display(spec)', language: 'PYTHON' } },
              { codeExecutionResult: { outcome: 'OUTCOME_OK', output: '' } },
              { inlineData: { mimeType: 'application/vnd.vegalite.v6+json', data: Buffer.from(spec).toString('base64') } },
              { inlineData: { mimeType: 'image/png', data: PNG_1X1_BASE64 } },
            ],
          },
        ],
        history: [],
        sent: [{ text: 'Chart it.', attachments: [] }],
      });
      await page.goto(`${site.server.origin}/test/ui/pages/host.html`);
      const fallback = page.locator('code-exec-chat cec-chart figure.chart-fallback');
      await expect.poll(() => fallback.count(), { timeout: 30_000 }).toBe(1);
      expect(await fallback.locator('img.figure').getAttribute('src')).toBe(`data:image/png;base64,${PNG_1X1_BASE64}`);
      expect(await fallback.locator('img.figure').getAttribute('alt')).toBe('Figure 1 from cell 1');
      expect(await fallback.locator('.chart-note').innerText()).toBe('The interactive chart could not be loaded. Its picture is shown instead.');
      expect(chunkRequests.length).toBeGreaterThan(0);
      await expectNoViolations(page);
      // The conversation goes on: the box takes a message.
      await expect.poll(() => page.locator('code-exec-chat textarea').isEditable()).toBe(true);
    },
    TIMEOUT_MS,
  );

  test.each([
    { name: 'sidebar-400', page: 'host.html', query: 'width=400', viewport: { width: 1280, height: 800 } },
    { name: 'phone-390', page: 'plain.html', query: 'theme=light', viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true },
    { name: 'sidebar-400-dark', page: 'host.html', query: 'width=400&theme=dark', viewport: { width: 1280, height: 800 } },
  ])(
    'the chart fits: $name (screenshot in test-results/ui-chart-*.png)',
    async ({ name, page: file, query, ...options }) => {
      const { context } = await chromiumPages.open(options);
      const page = await context.newPage();
      await page.goto(`${site.server.origin}/test/ui/pages/${file}?${query}&demo=/test/ui/pages/chart.recording.json`);
      await waitForSandbox(page);
      await expect.poll(() => page.locator('code-exec-chat cec-composer textarea').inputValue()).not.toBe('');
      await sendAndWait(page);
      const chart = page.locator('code-exec-chat cec-chart');
      await expect.poll(() => chart.locator('.mark-rect path').count(), { timeout: 30_000 }).toBe(8);
      // The chart is as wide as its cell, with no sideways scroll, and the transcript has none either.
      const sizes = await chart.evaluate((el) => {
        const frame = el.querySelector('.cec-chart-frame')!;
        const transcript = (el.getRootNode() as ShadowRoot).querySelector('.transcript')!;
        return {
          frame: [frame.scrollWidth, frame.clientWidth],
          transcript: [transcript.scrollWidth, transcript.clientWidth],
          svg: el.querySelector('svg.marks')!.getBoundingClientRect().width,
        };
      });
      await chart.evaluate((el) => el.querySelector('.cec-chart-frame')!.scrollIntoView({ block: 'center' }));
      await screenshot(page, `chart-${name}`);
      expect(sizes.frame[0]).toBeLessThanOrEqual(sizes.frame[1]);
      expect(sizes.transcript[0]).toBeLessThanOrEqual(sizes.transcript[1]);
      expect(sizes.svg).toBeGreaterThan(sizes.frame[1] * 0.8);
    },
    TIMEOUT_MS,
  );
});
