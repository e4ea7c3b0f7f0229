/**
 * examples/adk-browser as a user builds it: `vite build` with its own config (`pythonSandbox()` and
 * `adkWebBuild()`), on this repository's build and packages (linked, no network), served as static
 * files and opened in Chromium. Its ADK agent's Gemini goes to the fake Gemini server through the
 * page's `?base=` (a `getHttpOptions()` subclass); the model's code runs in the page's frame and
 * the answer shows.
 *
 * Needs `npm run build` (dist/adk.js, dist/vite.js, the sandbox).
 */
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { reply, text } from '../fake-gemini/scenarios.js';
import { FakeGemini } from '../fake-gemini/server.js';
import { codeBlock } from '../support/adk.js';
import { REPO_ROOT, requireLibBuild } from '../support/browser/repo.js';
import { launchChromium } from '../support/chromium.js';
import { type StaticServer, startStaticServer } from '../support/static-server.js';
import { routeGeminiTo } from '../support/widget-page.js';

const BUILD_MS = 300_000;

let app: string;
let browser: Browser;
let site: StaticServer;
let fake: FakeGemini;
let page: Page;

beforeAll(async () => {
  requireLibBuild();
  app = mkdtempSync(join(tmpdir(), 'adk-browser-example-'));
  cpSync(join(REPO_ROOT, 'examples', 'adk-browser'), app, { recursive: true });
  const link = (name: string, target: string) => {
    mkdirSync(dirname(join(app, 'node_modules', name)), { recursive: true });
    symlinkSync(target, join(app, 'node_modules', name), 'dir');
  };
  link('pyodide-code-execution', REPO_ROOT);
  for (const name of ['@google/adk', 'vite']) link(name, join(REPO_ROOT, 'node_modules', name));
  await promisify(execFile)(process.execPath, [join(REPO_ROOT, 'node_modules/vite/bin/vite.js'), 'build'], { cwd: app, timeout: BUILD_MS });
  [browser, site, fake] = await Promise.all([launchChromium(), startStaticServer({ root: join(app, 'dist') }), FakeGemini.start()]);
  const context = await browser.newContext();
  await routeGeminiTo(context, fake);
  page = await context.newPage();
}, BUILD_MS + 60_000);

afterAll(async () => {
  await Promise.all([browser?.close(), site?.close(), fake?.close()]);
  if (app) rmSync(app, { recursive: true, force: true });
});

test("the built page runs the agent: the model's code runs in the frame, and its output and answer show", async () => {
  fake.script([
    { reply: reply([text(codeBlock('primes = [n for n in range(2, 300) if all(n % d for d in range(2, n))][:50]\nprint(sum(primes))'))]) },
    { reply: reply([text('The sum is 5117.')]) },
  ]);
  await page.goto(`${site.origin}/index.html?base=/gemini-proxy`);
  await page.fill('input[name=key]', 'test-key');
  await page.click('button');
  await page.waitForFunction(() => document.querySelector<HTMLElement>('#log')?.dataset.turns === '1', undefined, { timeout: 120_000 });

  expect(fake.failures).toEqual([]);
  const lines = await page.$$eval('#log > div', (divs) => divs.map((div) => [div.className, div.textContent]));
  expect(lines).toContainEqual(['output', expect.stringContaining('5117')]);
  expect(lines.at(-1)).toEqual(['model', 'The sum is 5117.']);
  expect(await page.$$eval('iframe[sandbox]', (frames) => frames.length)).toBe(1);
}, 180_000);
