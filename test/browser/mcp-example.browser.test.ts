/**
 * examples/mcp-browser as a reader runs it, in Chromium: the page as written, its import map
 * pointed at this repository's build (for jsDelivr) and the SDK's client bundled here (for
 * esm.sh), connected to server-everything over Streamable HTTP. The page must list the server's
 * tools and print the summary line of its one cell.
 *
 * Needs `npm run build` (dist/sandbox.js).
 */
import { readFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { bundleMcpClient } from '../support/browser/mcp-client.js';
import { REPO_ROOT, requireLibBuild } from '../support/browser/repo.js';
import { launchChromium } from '../support/chromium.js';
import { startEverythingOverHttp } from '../support/mcp-servers.js';
import { type StaticServer, startStaticServer } from '../support/static-server.js';

const TIMEOUT_MS = 120_000;
const PAGE = 'examples/mcp-browser/index.html';
const html = readFileSync(`${REPO_ROOT}${PAGE}`, 'utf8');
const version = (pkg: string) => (JSON.parse(readFileSync(`${REPO_ROOT}${pkg}/package.json`, 'utf8')) as { version: string }).version;
const LIBRARY = `https://cdn.jsdelivr.net/npm/pyodide-code-execution@${version('.')}/dist/`;
const SDK = `https://esm.sh/@modelcontextprotocol/sdk@${version('node_modules/@modelcontextprotocol/sdk')}/client/`;

let browser: Browser;
let site: StaticServer;
let everything: Awaited<ReturnType<typeof startEverythingOverHttp>>;

beforeAll(async () => {
  requireLibBuild();
  await bundleMcpClient();
  // The page as written, served from the repository with its CDN URLs pointed here.
  const local = html
    .replaceAll(LIBRARY, '/dist/')
    .replaceAll(`${SDK}index.js`, '/test-results/mcp-browser/mcp-client.js')
    .replaceAll(`${SDK}streamableHttp.js`, '/test-results/mcp-browser/mcp-client.js');
  const page = (_req: unknown, res: ServerResponse) => {
    res.setHeader('content-type', 'text/html; charset=utf-8');
    res.end(local);
    return 200;
  };
  [browser, site, everything] = await Promise.all([
    launchChromium(),
    startStaticServer({ root: REPO_ROOT, routes: { [`/${PAGE}`]: page } }),
    startEverythingOverHttp(),
  ]);
}, TIMEOUT_MS);

afterAll(async () => {
  await Promise.all([browser?.close(), site?.close(), everything?.stop()]);
});

it("names the package's current version and the SDK's tested one in its import map", () => {
  expect(html).toContain(LIBRARY);
  expect(html).toContain(`${SDK}index.js`);
  expect(html).toContain(`${SDK}streamableHttp.js`);
});

it(
  "lists server-everything's tools and prints the cell's summary of three tool calls",
  async () => {
    const page = await browser.newPage();
    const external: string[] = [];
    // Nothing from a CDN: the page found the package and the SDK where the import map points.
    page.on('request', (request) => {
      const { protocol, origin } = new URL(request.url());
      if (protocol.startsWith('http') && origin !== site.origin && origin !== new URL(everything.url).origin) external.push(request.url());
    });
    await page.goto(`${site.origin}/${PAGE}?server=${encodeURIComponent(everything.url)}`);
    await page.waitForFunction(() => document.body.dataset.state, undefined, { timeout: TIMEOUT_MS });
    const shown = await page.evaluate(() => ({
      state: document.body.dataset.state,
      tools: document.querySelector('#tools')?.textContent,
      result: document.querySelector('#result')?.textContent,
    }));
    expect(shown).toMatchObject({ state: 'done', result: '3 cities, warmest: Los Angeles, rainy: Chicago\n' });
    expect(shown.tools).toContain('get_structured_content');
    expect(external).toEqual([]);
    await page.close();
  },
  TIMEOUT_MS,
);
