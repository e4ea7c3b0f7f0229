/**
 * The chart app in Chromium as an MCP Apps host shows it: the HTML the server's `resources/read`
 * gives, in a sandboxed frame under the extension's default Content Security Policy, driven by the
 * extension's own host side (`AppBridge`) with a real `run_python` result from the server. The
 * chart's marks are drawn in the frame, nothing breaks the policy (no outside load) and nothing
 * calls `eval` or `Function`.
 * A hostile result (a spec naming a loopback canary, one nested too deep) reaches nothing and
 * shows its notes.
 *
 * Needs `npm run build` (dist/cli.js and dist/mcp-chart-app.html).
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { bundleAppBridge } from '../support/browser/mcp-client.js';
import { REPO_ROOT } from '../support/browser/repo.js';
import { launchChromium } from '../support/chromium.js';
import { BOOT_TIMEOUT_MS, lineChartSpec } from '../support/fixtures.js';
import { type HttpServerProcess, type ToolResult, connectHttp, startHttpServer } from '../support/mcp.js';
import { type StaticServer, startStaticServer } from '../support/static-server.js';

const TIMEOUT_MS = 90_000;
const APP_URI = 'ui://pyodide-code-execution/chart.html';
const CHARTS_META_KEY = 'pyodide-code-execution/charts';
/** The policy a host must apply to an app that declares no `_meta.ui.csp` (the extension's spec). */
const DEFAULT_APP_CSP =
  "default-src 'none'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; media-src 'self' data:; connect-src 'none'";

/** What pages/mcp-app.html puts on `window`. */
interface HostWindow {
  appHost?: { show(result: unknown, theme: string): Promise<{ name: string } | undefined>; sizes: number[] };
  appHostError?: string;
}

let mcp: HttpServerProcess;
let browser: Browser;
let site: StaticServer;
let result: ToolResult & { _meta?: Record<string, unknown> };
let html: string;

beforeAll(async () => {
  mcp = await startHttpServer(['--isolation', 'worker']);
  const client = await connectHttp(mcp.url);
  try {
    const read = await client.client.readResource({ uri: APP_URI });
    html = String((read.contents[0] as { text?: string }).text);
    result = await client.call('run_python', { code: `display(${JSON.stringify(lineChartSpec(40))})` });
  } finally {
    await client.close();
  }
  await bundleAppBridge();
  [browser, site] = await Promise.all([
    launchChromium(),
    startStaticServer({
      root: REPO_ROOT,
      routes: {
        '/app.html': (_req, res) => {
          res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Content-Security-Policy': DEFAULT_APP_CSP }).end(html);
          return 200;
        },
      },
    }),
  ]);
}, BOOT_TIMEOUT_MS);

afterAll(async () => {
  await Promise.all([browser?.close(), site?.close(), mcp?.stop()]);
});

/**
 * Run in every frame before its own scripts; in the app's, reports each policy violation (an eval caught by the
 * code that tried it too) and each call of `eval` or `Function` on the console.
 */
function watchFrames(): void {
  // The app's frame only: the host page's own bridge is not the app.
  if (location.pathname !== '/app.html') return;
  document.addEventListener('securitypolicyviolation', (event) => console.error(`policy violation: ${event.violatedDirective} ${event.blockedURI}`));
  const { eval: evaluate, Function: construct } = window;
  // Playwright's own queries of the frame evaluate through eval (its UtilityScript): those are not the app's.
  const trap = (name: string) => {
    if (!new Error().stack?.includes('UtilityScript')) console.error(`trap: ${name} called`);
  };
  window.eval = (source: string) => (trap('eval'), evaluate(source));
  window.Function = new Proxy(construct, {
    apply: (target, self, args) => (trap('Function'), Reflect.apply(target, self, args)),
    construct: (target, args) => (trap('Function'), Reflect.construct(target, args)),
  });
}

/** A new host page, its frames' policy violations and eval calls gathered, with `shown` handed to a new app frame. */
async function hostPage(shown: unknown, theme = 'light'): Promise<{ page: Page; violations: string[] }> {
  const page = await browser.newPage();
  await page.addInitScript(watchFrames);
  const violations: string[] = [];
  page.on('console', (message) => {
    if (/policy violation|trap:|Content Security Policy/i.test(message.text())) violations.push(message.text());
  });
  await page.goto(`${site.origin}/test/browser/pages/mcp-app.html`);
  await page.waitForFunction(() => (window as HostWindow).appHost ?? (window as HostWindow).appHostError);
  const failed = await page.evaluate(() => (window as HostWindow).appHostError);
  if (failed) throw new Error(failed);
  const app = await page.evaluate(([value, colours]) => (window as HostWindow).appHost?.show(value, colours), [shown, theme] as const);
  expect(app?.name).toBe('pyodide-code-execution charts');
  return { page, violations };
}

test(
  "draws a real run_python result's chart in the host's sandboxed frame, within the default policy, and tells the host its size",
  async () => {
    const { page, violations } = await hostPage(result);
    const frame = page.frameLocator('iframe[title="chart app"]');
    const line = frame.locator('svg .mark-line path');
    await expect.poll(() => line.count(), { timeout: 20_000 }).toBe(1);
    expect(await line.getAttribute('d')).toMatch(/^M[\d.,-]+L/);
    await expect.poll(() => frame.locator('figcaption').first().textContent()).toContain('A wave');
    await expect.poll(() => page.evaluate(() => Math.max(0, ...((window as HostWindow).appHost?.sizes ?? [])))).toBeGreaterThan(150);
    expect(violations).toEqual([]);
    await page.close();
  },
  TIMEOUT_MS,
);

test(
  'a hostile result reaches no address it names, and a spec the app refuses shows its note and its PNG',
  async () => {
    site.clearRequests();
    const canary = `${site.origin}/canary.csv`;
    const reaching = { data: { url: canary }, mark: 'point', encoding: { x: { field: 'a', type: 'quantitative' } } };
    const nested = `${'['.repeat(100)}${']'.repeat(100)}`;
    const png = result.content.find((block) => block.type === 'image');
    const hostile = {
      content: [{ type: 'text', text: 'charted' }, png],
      structuredContent: { images: [], charts: [{ drawn: false }, { drawn: true }] },
      _meta: {
        [CHARTS_META_KEY]: [
          { mimeType: 'application/vnd.vegalite.v6+json', spec: JSON.stringify(reaching) },
          { mimeType: 'application/vnd.vegalite.v6+json', spec: nested },
        ],
      },
    };
    const { page, violations } = await hostPage(hostile, 'dark');
    const frame = page.frameLocator('iframe[title="chart app"]');
    await expect.poll(() => frame.locator('p').allTextContents(), { timeout: 20_000 }).toContainEqual(expect.stringMatching(/^Chart 2: .*refused.*64 levels/));
    expect(await frame.locator('img[src^="data:image/png;base64,"]').count()).toBe(1);
    // The first chart is drawn without its data source's address.
    await expect.poll(() => frame.locator('svg').count()).toBe(1);
    expect(site.countRequests('canary')).toBe(0);
    expect(violations).toEqual([]);
    await page.close();
  },
  TIMEOUT_MS,
);

test(
  "a host that drops the result's _meta: the app draws the chart from structuredContent's spec",
  async () => {
    const { _meta: _dropped, ...withoutMeta } = result;
    const { page, violations } = await hostPage(withoutMeta);
    const line = page.frameLocator('iframe[title="chart app"]').locator('svg .mark-line path');
    await expect.poll(() => line.count(), { timeout: 20_000 }).toBe(1);
    expect(violations).toEqual([]);
    await page.close();
  },
  TIMEOUT_MS,
);
