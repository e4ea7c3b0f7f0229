/**
 * The built demo page (dist/index.html) in headless Chromium, served cross-origin isolated as
 * `npm start` serves it: recorded demos replay with their code run live, the scratchpad shares
 * the chat's Python, and after one visit the page works with the server gone.
 *
 * Needs the built site (`npm run build`). Screenshots go to test-results/ui-*.png.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { launchChromium } from '../support/chromium.js';
import { type StaticServer, startStaticServer } from '../support/static-server.js';
import {
  DIST,
  blockNonLocal,
  runInChat,
  collectLog,
  pickDemo,
  requireBuild,
  screenshot,
  sendAndWait,
  transcriptText,
  waitForSandbox,
} from '../support/widget-page.js';

const TIMEOUT_MS = 90_000;
let browser: Browser;
let server: StaticServer;
let context: BrowserContext | undefined;

beforeAll(async () => {
  requireBuild();
  browser = await launchChromium();
  server = await startStaticServer({ root: DIST, crossOriginIsolated: true });
}, TIMEOUT_MS);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

afterEach(async () => {
  await context?.close();
  context = undefined;
});

async function openDemoPage(
  options: { colorScheme?: 'light' | 'dark'; viewport?: { width: number; height: number }; query?: string } = {},
): Promise<{ page: Page; log: string[]; blocked: string[] }> {
  context = await browser.newContext({ viewport: options.viewport ?? { width: 1360, height: 860 }, colorScheme: options.colorScheme ?? 'light' });
  const blocked = await blockNonLocal(context);
  const page = await context.newPage();
  const log = collectLog(page);
  await page.goto(`${server.origin}/index.html${options.query ?? ''}`);
  await waitForSandbox(page);
  return { page, log, blocked };
}

describe('the demo page', { timeout: TIMEOUT_MS }, () => {
  test("shows the chat, the demo picker and the scratchpad, which runs in the chat's Python", async () => {
    const { page, log } = await openDemoPage();
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
    await expect.poll(() => page.locator('code-exec-chat .welcome cec-demo-picker button[data-demo]').count()).toBe(3);
    await expect.poll(() => page.locator('python-scratchpad .status').innerText()).toContain("Shares the chat's Python");
    // No isolation notice on an isolated page.
    expect(await page.locator('code-exec-chat cec-composer .notice').count()).toBe(0);
    await screenshot(page, 'demo-page-light');

    // Accessibility basics: every control has a name, the landmarks are labelled.
    const unnamed = await page.evaluate(() => {
      const found: string[] = [];
      const walk = (root: Document | ShadowRoot) => {
        for (const el of root.querySelectorAll<HTMLElement>(
          'button, input:not([type=hidden]):not([aria-hidden=true]), textarea, select, [role=radio], [role=progressbar]',
        )) {
          const id = el.id && (el.getRootNode() as Document | ShadowRoot).querySelector(`label[for="${el.id}"]`);
          const name = el.getAttribute('aria-label') || el.textContent?.trim() || el.closest('label')?.textContent?.trim() || id;
          if (!name) found.push(el.outerHTML.slice(0, 80));
        }
        for (const host of root.querySelectorAll('*')) if (host.shadowRoot) walk(host.shadowRoot);
      };
      walk(document);
      return found;
    });
    expect(unnamed).toEqual([]);
    expect(await page.locator('code-exec-chat section[aria-label="Conversation"]').count()).toBe(1);
    expect(await page.locator('code-exec-chat [role=radiogroup][aria-label="Where code runs"]').count()).toBe(1);

    // A variable set in the chat's sandbox is visible from the scratchpad.
    await runInChat(page, 'shared_value = 6 * 7');
    await page.locator('python-scratchpad textarea').fill('print(shared_value)');
    await page.locator('python-scratchpad button[aria-label="Run code"]').click();
    await expect.poll(() => page.locator('python-scratchpad pre.output').innerText()).toContain('42');
    expect(log.filter((line) => line.startsWith('[pageerror]'))).toEqual([]);
  });

  test('replays the primes demo with every non-localhost request aborted, computing 5117 live', async () => {
    const { page, blocked } = await openDemoPage();
    await pickDemo(page, 'primes');
    await sendAndWait(page);
    const text = await transcriptText(page);
    expect(text).toContain('The sum of the first 50 prime numbers is 5117.');
    expect(await page.locator('code-exec-chat .cell .badge.ok').count()).toBe(1);
    expect(await page.locator('code-exec-chat .cell pre.output').first().innerText()).toContain('5117');
    // The follow-up uses the `primes` list left in the interpreter.
    await sendAndWait(page);
    expect(await transcriptText(page)).toContain('largest of the 50: 229');
    expect(blocked).toEqual([]);
  });

  test('the recorded answer quotes the live output, not a canned one', async () => {
    const { page } = await openDemoPage();
    await pickDemo(page, 'primes');
    // Same recording, different interpreter state: sum() now doubles, and the answer follows.
    await runInChat(page, 'import builtins\n_sum = builtins.sum\nbuiltins.sum = lambda xs, start=0: 2 * _sum(xs, start)');
    await sendAndWait(page);
    expect(await transcriptText(page)).toContain('is 10234.');
  });

  test('the sales demo attaches a CSV, analyses it and shows a chart (dark theme)', async () => {
    const { page } = await openDemoPage({ colorScheme: 'dark' });
    await pickDemo(page, 'sales');
    expect(await page.locator('code-exec-chat cec-composer .chip').innerText()).toContain('sales.csv');
    await sendAndWait(page);
    const figure = page.locator('code-exec-chat img.figure');
    await expect.poll(() => figure.count()).toBe(1);
    const size = await figure.evaluate((img: HTMLImageElement) => ({ width: img.naturalWidth, height: img.naturalHeight }));
    expect(size).toEqual({ width: 760, height: 380 });
    const text = await transcriptText(page);
    expect(text).toContain('72 rows');
    expect(text).toContain('684,228');
    // The answer quotes the live output's summary line as text (a code span), never as Markdown or
    // HTML, and does not repeat the table the cell shows.
    expect(await page.locator('code-exec-chat .md code').last().innerText()).toMatch(/^Best month: /);
    expect(await page.locator('code-exec-chat .md table').count()).toBe(0);
    expect(text.split('684,228').length - 1).toBe(1);
    await figure.scrollIntoViewIfNeeded();
    await screenshot(page, 'sales-demo-dark');
  });

  test('the loan demo offers the schedule it wrote as a download', async () => {
    const { page } = await openDemoPage({ query: '?theme=light' });
    await pickDemo(page, 'loan');
    await sendAndWait(page);
    const link = page.locator('code-exec-chat a.file');
    await expect.poll(() => link.count()).toBe(1);
    expect(await link.getAttribute('download')).toBe('amortization.csv');
    expect(await link.getAttribute('href')).toMatch(/^blob:/);
    const csv = await link.evaluate(async (a: HTMLAnchorElement) => (await fetch(a.href)).text());
    expect(csv.split(/\r?\n/)[0]).toBe('month,payment,principal,interest,balance');
    expect(csv.trim().split(/\r?\n/)).toHaveLength(361);
    const text = await transcriptText(page);
    // Shown once, in the cell's output: the answer points at it instead of repeating it.
    expect(text.split('Monthly payment: $1,580.17')).toHaveLength(2);
    // Yearly totals for every one of the 30 years (9 of them before).
    expect(text).toMatch(/\b30\s+18,310\.96\s+651\.08\s+0\.00\b/);
    await screenshot(page, 'loan-demo-light');
  });

  test('narrow screens stack the scratchpad under the chat (theme="dark" from the page)', async () => {
    const { page } = await openDemoPage({ viewport: { width: 420, height: 860 }, query: '?theme=dark' });
    // The theme attribute wins over the OS setting (light here).
    expect(await page.locator('code-exec-chat').evaluate((el) => getComputedStyle(el).backgroundColor)).toBe('rgb(17, 19, 24)');
    await pickDemo(page, 'primes');
    await sendAndWait(page);
    await screenshot(page, 'demo-page-mobile');
    const chat = await page.locator('code-exec-chat').boundingBox();
    expect(chat!.width).toBeLessThanOrEqual(420);
  });
});

describe('offline', { timeout: TIMEOUT_MS * 2 }, () => {
  /** The page visited once, then reloaded with its server gone (closed again by the caller). */
  async function offlineAfterOneVisit(own: Awaited<ReturnType<typeof startStaticServer>>) {
    context = await browser.newContext({ viewport: { width: 1360, height: 860 } });
    const page = await context.newPage();
    await page.goto(`${own.origin}/index.html`);
    await waitForSandbox(page);
    // The service worker has precached everything once it is active.
    await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
    await own.close();
    await page.reload();
    await waitForSandbox(page);
    return page;
  }

  test('after one visit the page, Python and the demos work with the server gone', async () => {
    const own = await startStaticServer({ root: DIST, crossOriginIsolated: true });
    try {
      const page = await offlineAfterOneVisit(own);
      expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
      await pickDemo(page, 'primes');
      await sendAndWait(page);
      expect(await transcriptText(page)).toContain('The sum of the first 50 prime numbers is 5117.');
    } finally {
      await own.close();
    }
  });

  test("after one visit the sales demo's follow-up draws its interactive chart with the server gone (the chart chunk is precached)", async () => {
    const own = await startStaticServer({ root: DIST, crossOriginIsolated: true });
    try {
      const page = await offlineAfterOneVisit(own);
      await pickDemo(page, 'sales');
      await sendAndWait(page);
      await expect.poll(() => page.locator('code-exec-chat cec-composer textarea').inputValue()).toContain('interactive');
      await sendAndWait(page);
      // The live chart, one bar per month and region, not its fallback.
      const chart = page.locator('code-exec-chat cec-chart');
      await expect.poll(() => chart.locator('.mark-rect path').count(), { timeout: 30_000 }).toBe(36);
      expect(await chart.locator('.chart-fallback').count()).toBe(0);
      expect(await transcriptText(page)).toContain('36 bars: 12 months × 3 regions');
      await chart.evaluate((el) => el.scrollIntoView({ block: 'center' }));
      await screenshot(page, 'sales-chart-offline');
    } finally {
      await own.close();
    }
  });
});
