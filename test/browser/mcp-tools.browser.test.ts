/**
 * MCP tools in code mode in Chromium, on a plain page (not cross-origin isolated) with the
 * default frame isolation: the official SDK's client, bundled into the page, talks to the
 * reference server-everything over Streamable HTTP, and `mcpFunctions` gives its tools to the
 * page's Python. One cell calls a tool in a loop, filters with Python and prints a summary.
 *
 * Needs `npm run build` (dist/sandbox.js).
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { bundleMcpClient } from '../support/browser/mcp-client.js';
import { REPO_ROOT, requireLibBuild } from '../support/browser/repo.js';
import { launchChromium } from '../support/chromium.js';
import { startEverythingOverHttp } from '../support/mcp-servers.js';
import { type StaticServer, startStaticServer } from '../support/static-server.js';

const TIMEOUT_MS = 90_000;

/** What pages/mcp-tools.html puts on `window`. */
interface HarnessWindow {
  mcpHarness?: {
    connect(url: string, name: string): Promise<string[]>;
    run(code: string): Promise<{ outcome: string; stdout: string; error?: { name: string; message: string }; frames: number }>;
  };
  mcpHarnessError?: string;
}

let browser: Browser;
let site: StaticServer;
let everything: Awaited<ReturnType<typeof startEverythingOverHttp>>;
let page: Page;

beforeAll(async () => {
  requireLibBuild();
  await bundleMcpClient();
  [browser, site, everything] = await Promise.all([launchChromium(), startStaticServer({ root: REPO_ROOT }), startEverythingOverHttp()]);
  page = await browser.newPage();
  await page.goto(`${site.origin}/test/browser/pages/mcp-tools.html`);
  await page.waitForFunction(() => (window as HarnessWindow).mcpHarness ?? (window as HarnessWindow).mcpHarnessError);
  const failed = await page.evaluate(() => (window as HarnessWindow).mcpHarnessError);
  if (failed) throw new Error(failed);
}, TIMEOUT_MS);

afterAll(async () => {
  await Promise.all([browser?.close(), site?.close(), everything?.stop()]);
});

it(
  "calls a server's tools over Streamable HTTP from the frame's Python: three weather calls, one line printed",
  async () => {
    const names = await page.evaluate((url) => (window as HarnessWindow).mcpHarness?.connect(url, 'everything'), everything.url);
    expect(names).toContain('everything__get_structured_content');
    const cell = [
      'weather = {}',
      'for city in ["New York", "Chicago", "Los Angeles"]:',
      '    weather[city] = await default_api.everything__get_structured_content(location=city)',
      'rainy = [c for c, w in weather.items() if "rain" in w["conditions"].lower()]',
      'blocks = await default_api.everything__get_tiny_image()',
      'image = next(b for b in blocks if isinstance(b, dict))',
      'print(f"{len(weather)} cities, rainy: {rainy}, image: {image[\'mimeType\']}")',
    ].join('\n');
    const r = await page.evaluate((code) => (window as HarnessWindow).mcpHarness?.run(code), cell);
    expect(r).toMatchObject({ outcome: 'OUTCOME_OK', stdout: "3 cities, rainy: ['Chicago'], image: image/png\n", frames: 1 });
    const refused = await page.evaluate(() => (window as HarnessWindow).mcpHarness?.run('await default_api.everything__get_sum(a="one", b=2)'));
    expect(refused?.error).toMatchObject({ name: 'FunctionCallError' });
  },
  TIMEOUT_MS,
);
