/**
 * The widget in a narrow container on a wide page (a 1280 px page with the
 * widget in a sidebar, test/ui/pages/host.html) lays itself out by its own width: the title is not
 * covered by the mode switch, the settings gear stays inside the widget, and the welcome's first
 * demo card is on screen without scrolling. Measured with bounding boxes.
 *
 * Needs the built site (`npm run build`).
 */
import type { Page } from 'playwright-core';
import { describe, expect, test } from 'vitest';
import { useStaticServer } from '../support/use-static-server.js';
import { SERVE_ROOT, screenshot, useChromium } from '../support/widget-page.js';

const TIMEOUT_MS = 60_000;
const HOST = '/test/ui/pages/host.html';
const chromium = useChromium(TIMEOUT_MS);

interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

const overlaps = (a: Box, b: Box) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
/** `inner` lies within `outer` (to half a pixel). */
const inside = (inner: Box, outer: Box) =>
  inner.x >= outer.x - 0.5 &&
  inner.y >= outer.y - 0.5 &&
  inner.x + inner.width <= outer.x + outer.width + 0.5 &&
  inner.y + inner.height <= outer.y + outer.height + 0.5;

describe('the widget in a narrow sidebar on a 1280 px page', { timeout: TIMEOUT_MS }, () => {
  const ctx = useStaticServer({ root: SERVE_ROOT, crossOriginIsolated: true });

  async function sidebar(width: number): Promise<Page> {
    const { context } = await chromium.open({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${ctx.server.origin}${HOST}?width=${width}&demos-url=/dist/demos/index.json`);
    await expect.poll(() => page.locator('#chat0 .welcome cec-demo-picker button[data-demo]').count(), { timeout: 20_000 }).toBe(3);
    await screenshot(page, `sidebar-${width}`);
    return page;
  }

  const box = async (page: Page, selector: string): Promise<Box> => {
    const found = await page.locator(selector).first().boundingBox();
    if (!found) throw new Error(`${selector} is not rendered`);
    return found;
  };

  for (const width of [400, 320, 280]) {
    test(`${width} px: no control of the title bar covers the title`, async () => {
      const page = await sidebar(width);
      const title = await box(page, '#chat0 .brand .titles > :first-child');
      const controls = await page.locator('#chat0 .top button').evaluateAll((buttons) =>
        buttons.map((b) => {
          const r = b.getBoundingClientRect();
          return { name: b.getAttribute('aria-label') ?? b.textContent?.trim() ?? '', x: r.x, y: r.y, width: r.width, height: r.height };
        }),
      );
      expect(controls.filter((control) => overlaps(control, title)).map((c) => c.name)).toEqual([]);
      // Nor is the title cut off by its own box.
      expect(await page.locator('#chat0 .brand .titles > :first-child').evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);
    });

    test(`${width} px: the settings gear is inside the widget's box`, async () => {
      const page = await sidebar(width);
      expect(inside(await box(page, '#chat0 button[aria-label="Settings"]'), await box(page, '#chat0'))).toBe(true);
    });

    test(`${width} px: the first demo card is visible without scrolling`, async () => {
      const page = await sidebar(width);
      const transcript = await box(page, '#chat0 .transcript');
      expect(await page.locator('#chat0 .transcript').evaluate((el) => el.scrollTop)).toBe(0);
      expect(inside(await box(page, '#chat0 .welcome cec-demo-picker button[data-demo]'), transcript)).toBe(true);
    });
  }

  test('400 px: all three demo cards are visible without scrolling', async () => {
    const page = await sidebar(400);
    const transcript = await box(page, '#chat0 .transcript');
    const cards = await page.locator('#chat0 .welcome cec-demo-picker button[data-demo]').evaluateAll((buttons) =>
      buttons.map((b) => {
        const r = b.getBoundingClientRect();
        return { x: r.x, y: r.y, width: r.width, height: r.height };
      }),
    );
    expect(cards.map((card) => inside(card, transcript))).toEqual([true, true, true]);
  });
});
