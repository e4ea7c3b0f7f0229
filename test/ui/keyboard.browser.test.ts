/**
 * Keyboard use in Chromium: the demo page's scratchpad lets Tab leave it (Esc,
 * then Tab, as CodeMirror does) and says so in a hint that describes the editor; the execution
 * mode switch follows the ARIA radio pattern (one tab stop, arrows, Home and End).
 * test/ui/engines-keyboard.browser.test.ts repeats the scratchpad's in Firefox and WebKit.
 *
 * Needs the built site (`npm run build`).
 */
import type { Page } from 'playwright-core';
import { describe, expect, test } from 'vitest';
import { useStaticServer } from '../support/use-static-server.js';
import { DIST, SERVE_ROOT, useChromium, waitForSandbox } from '../support/widget-page.js';

const TIMEOUT_MS = 90_000;
const PLAIN = '/test/ui/pages/plain.html';
const chromium = useChromium(TIMEOUT_MS);

async function newPage(): Promise<Page> {
  const { context } = await chromium.open({ viewport: { width: 1280, height: 900 } });
  return context.newPage();
}

/** The focused element, through shadow roots: its tag and its aria-label or data-mode. */
function focused(page: Page): Promise<string> {
  return page.evaluate(() => {
    let el: Element | null = document.activeElement;
    while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
    if (!el) return 'none';
    const name = el.getAttribute('aria-label') ?? el.getAttribute('data-mode');
    return `${el.tagName.toLowerCase()}${name ? `[${name}]` : ''}`;
  });
}

describe('the scratchpad', { timeout: TIMEOUT_MS }, () => {
  const site = useStaticServer({ root: DIST, crossOriginIsolated: true });

  async function scratchpad(): Promise<Page> {
    const page = await newPage();
    await page.goto(`${site.server.origin}/index.html`);
    await waitForSandbox(page);
    await page.locator('python-scratchpad textarea').fill('x = 1');
    await page.locator('python-scratchpad textarea').focus();
    return page;
  }

  test('Tab indents the code with four spaces and keeps focus in the editor', async () => {
    const page = await scratchpad();
    await page.keyboard.press('Tab');
    expect(await page.locator('python-scratchpad textarea').inputValue()).toBe('x = 1    ');
    expect(await focused(page)).toBe('textarea');
  });

  test('Esc then Tab leaves the editor for the next control, indenting nothing', async () => {
    const page = await scratchpad();
    await page.keyboard.press('Escape');
    await page.keyboard.press('Tab');
    expect(await focused(page)).toBe('button[Run code]');
    expect(await page.locator('python-scratchpad textarea').inputValue()).toBe('x = 1');
  });

  test('a key between Esc and Tab cancels the way out: Tab indents again', async () => {
    const page = await scratchpad();
    await page.keyboard.press('Escape');
    await page.keyboard.press('End');
    await page.keyboard.press('Tab');
    expect(await focused(page)).toBe('textarea');
  });

  test('the editor is described by a visible hint that says how to leave it', async () => {
    const page = await scratchpad();
    const hint = await page.locator('python-scratchpad textarea').evaluate((area) => {
      const ids = (area.getAttribute('aria-describedby') ?? '').split(/\s+/).filter(Boolean);
      const root = area.getRootNode() as ShadowRoot;
      return ids
        .map((id) => root.getElementById(id))
        .filter((el): el is HTMLElement => Boolean(el))
        .map((el) => ({ text: el.innerText, visible: el.checkVisibility() }));
    });
    expect(hint).toEqual([{ text: expect.stringMatching(/Esc then Tab leaves/), visible: true }]);
  });
});

describe('the execution mode switch (ARIA radio pattern)', { timeout: TIMEOUT_MS }, () => {
  const site = useStaticServer({ root: SERVE_ROOT, crossOriginIsolated: true });

  async function plainPage(): Promise<Page> {
    const page = await newPage();
    await page.goto(`${site.server.origin}${PLAIN}`);
    await expect.poll(() => page.locator('#chat0 .segmented [role=radio]').count()).toBe(2);
    return page;
  }

  const checked = (page: Page) => page.locator('#chat0 .segmented [role=radio][aria-checked=true]').getAttribute('data-mode');

  test('is one tab stop: Tab from the checked mode goes on to New chat', async () => {
    const page = await plainPage();
    await page.locator('#chat0 .segmented [data-mode=local]').focus();
    await page.keyboard.press('Tab');
    expect(await focused(page)).toBe('button[New chat]');
    await page.keyboard.press('Shift+Tab');
    expect(await focused(page)).toBe('button[local]');
  });

  test('only the checked mode is in the tab order', async () => {
    const page = await plainPage();
    const tabIndexes = await page
      .locator('#chat0 .segmented [role=radio]')
      .evaluateAll((radios) => radios.map((r) => [r.getAttribute('data-mode'), (r as HTMLElement).tabIndex]));
    expect(tabIndexes).toEqual([
      ['local', 0],
      ['server', -1],
    ]);
  });

  test('arrow keys move to the other mode and select it; Home and End go to the first and last', async () => {
    const page = await plainPage();
    await page.locator('#chat0 .segmented [data-mode=local]').focus();
    const seen: string[] = [];
    for (const key of ['ArrowRight', 'ArrowRight', 'Home', 'End', 'ArrowLeft', 'ArrowDown', 'ArrowUp']) {
      await page.keyboard.press(key);
      await expect.poll(() => focused(page)).toBe(`button[${await checked(page)}]`);
      seen.push(`${key}:${await checked(page)}`);
    }
    expect(seen).toEqual(['ArrowRight:server', 'ArrowRight:local', 'Home:local', 'End:server', 'ArrowLeft:local', 'ArrowDown:server', 'ArrowUp:local']);
    expect(await page.evaluate(() => (document.querySelector('#chat0') as HTMLElement & { execution: string }).execution)).toBe('local');
  });
});
