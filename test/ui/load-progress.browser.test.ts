/**
 * A first visit's wait is mostly downloads, and the progress bar shows them by their
 * bytes instead of sitting at one step. The built widget (dist/widget.js) in headless Chromium:
 * the bar as the sandbox's progress events drive it, and the events a real first visit sends.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { launchChromium } from '../support/chromium.js';
import { type StaticServer, startStaticServer } from '../support/static-server.js';
import { DIST, blockNonLocal, requireBuild } from '../support/widget-page.js';

let browser: Browser;
let server: StaticServer;

beforeAll(async () => {
  requireBuild();
  [browser, server] = await Promise.all([launchChromium(), startStaticServer({ root: DIST, crossOriginIsolated: true })]);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** A page with the widget bundle loaded and a `<cec-load-progress>` in it. */
async function pageWithBar(): Promise<Page> {
  const context = await browser.newContext();
  await blockNonLocal(context);
  const page = await context.newPage();
  await page.goto(`${server.origin}/index.html`);
  await page.waitForFunction(() => customElements.get('cec-load-progress'));
  await page.evaluate(() => document.body.append(document.createElement('cec-load-progress')));
  return page;
}

/** Shows `progress` in the bar; returns its label and the progressbar's value. */
function show(page: Page, progress: unknown): Promise<{ label: string; value: string | null }> {
  return page.evaluate(async (p) => {
    const bar = document.querySelector('body > cec-load-progress') as HTMLElement & { progress: unknown; updateComplete: Promise<unknown> };
    bar.progress = p;
    await bar.updateComplete;
    const root = bar.shadowRoot!;
    return { label: (root.querySelector('.label') as HTMLElement).innerText, value: root.querySelector('[role=progressbar]')!.getAttribute('aria-valuenow') };
  }, progress);
}

describe('the load progress bar', { timeout: 60_000 }, () => {
  test('fills by the bytes downloaded, and never moves back when the boot steps follow', async () => {
    const page = await pageWithBar();
    try {
      const download = (loaded: number) => ({
        phase: 'boot',
        message: `Downloading Python (${(loaded / 1e6).toFixed(1)} of 12.6 MB)`,
        bytes: { loaded, total: 12.6e6 },
      });
      const quarter = await show(page, download(3.15e6));
      expect(quarter.label).toContain('Downloading Python (3.1 of 12.6 MB)');
      const half = await show(page, download(6.3e6));
      expect(Number(half.value)).toBeGreaterThan(Number(quarter.value));
      const done = await show(page, download(12.6e6));
      expect(Number(done.value)).toBeGreaterThan(Number(half.value));
      // The worker's first step comes after the downloads: the bar holds its place.
      const runtime = await show(page, { phase: 'boot', message: 'Loading the Python runtime (the first start takes a few seconds)' });
      expect(Number(runtime.value)).toBe(Number(done.value));
      const restoring = await show(page, { phase: 'boot', message: 'Restoring Python from a snapshot' });
      expect(Number(restoring.value)).toBeGreaterThan(Number(done.value));
    } finally {
      await page.context().close();
    }
  });

  test("shows a real first visit's download in bytes while Python loads", async () => {
    const page = await pageWithBar();
    try {
      // A string, not a function: the test runner would rewrite a function's dynamic import.
      const labels = await page.evaluate<string[]>(`(async () => {
        const { PythonSandbox } = await import('/widget.js');
        const seen = [];
        const sandbox = await PythonSandbox.create({ warmSpare: false, onProgress: (p) => p.bytes && seen.push(p.message + ' ' + p.bytes.loaded + '/' + p.bytes.total) });
        await sandbox.dispose();
        return seen;
      })()`);
      expect(labels.length).toBeGreaterThan(0);
      const [, loaded, total] = /(\d+)\/(\d+)$/.exec(labels.at(-1)!)!;
      expect(loaded).toBe(total);
    } finally {
      await page.context().close();
    }
  });
});
