/**
 * In Chromium, the smaller things visitors notice. A stopped cell says so; output
 * tables stay aligned in a narrow widget; figures are named and can be enlarged by keyboard; Copy
 * says it copied; keyboard hints stay off touch screens; the files a message carried are drawn
 * without an emoji font; a drop accepts only what the file picker offers; a message sent without a
 * key stays in the box and focus goes to the key form.
 *
 * Needs the built site (`npm run build`).
 */
import type { BrowserContextOptions, Page } from 'playwright-core';
import { describe, expect, test } from 'vitest';
import { useStaticServer } from '../support/use-static-server.js';
import { SERVE_ROOT, pickDemo, sendAndWait, useChromium, waitForSandbox } from '../support/widget-page.js';

const TIMEOUT_MS = 90_000;
const PLAIN = '/test/ui/pages/plain.html';
const HOST = '/test/ui/pages/host.html';
const DEMOS = '/dist/demos/index.json';
const chromium = useChromium(TIMEOUT_MS);

const site = useStaticServer({ root: SERVE_ROOT, crossOriginIsolated: true });

async function open(path: string, options: BrowserContextOptions = {}): Promise<Page> {
  const { context } = await chromium.open({ viewport: { width: 1280, height: 900 }, ...options });
  const page = await context.newPage();
  await page.goto(`${site.server.origin}${path}`);
  await page.waitForFunction(() => Boolean(document.querySelector('#chat0')?.shadowRoot?.querySelector('cec-composer')));
  return page;
}

/** Plays the sales demo (a CSV attachment, an aligned table, a chart) in a `width` px sidebar. */
async function salesDemo(width = 400, options: BrowserContextOptions = {}): Promise<Page> {
  const page = await open(`${HOST}?width=${width}&demos-url=${DEMOS}`, options);
  await waitForSandbox(page, '#chat0');
  await pickDemo(page, 'sales', '#chat0');
  await sendAndWait(page, '#chat0');
  return page;
}

/** The focused element, through shadow roots. */
function focused(page: Page): Promise<string> {
  return page.evaluate(() => {
    let el: Element | null = document.activeElement;
    while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
    return el
      ? `${el.tagName.toLowerCase()}${el.getAttribute('name') ? `[name=${el.getAttribute('name')}]` : ''}${el.getAttribute('aria-label') ? `[${el.getAttribute('aria-label')}]` : ''}`
      : 'none';
  });
}

describe('details', { timeout: TIMEOUT_MS }, () => {
  test('a cell stopped while it ran says "stopped", not "not run"', async () => {
    const page = await open(`${PLAIN}?demo=/test/ui/pages/stop.recording.json`);
    await waitForSandbox(page, '#chat0');
    await expect.poll(() => page.locator('#chat0 cec-composer textarea').inputValue()).not.toBe('');
    await sendAndWait(page, '#chat0');
    await expect.poll(() => page.locator('#chat0 cec-composer textarea').inputValue()).not.toBe('');
    await page.locator('#chat0 cec-composer textarea').press('Enter');
    await expect.poll(() => page.locator('#chat0 .cell.running').count(), { timeout: 30_000 }).toBe(1);
    await page.keyboard.press('Escape');
    await expect.poll(() => page.locator('#chat0 .turn.model.stopped').count(), { timeout: 10_000 }).toBe(1);
    expect(await page.locator('#chat0 .turn.model.stopped .cell .badge').innerText()).toBe('stopped');
  });

  test('at 280 px an aligned output table keeps its lines and scrolls sideways, in a focusable named box', async () => {
    const page = await salesDemo(280);
    const box = page.locator('#chat0 pre.output', { hasText: 'Month' }).first();
    const shape = await box.evaluate((pre) => ({
      whiteSpace: getComputedStyle(pre).whiteSpace,
      scrolls: pre.scrollWidth > pre.clientWidth,
      tabIndex: (pre as HTMLElement).tabIndex,
      name: pre.getAttribute('aria-label'),
    }));
    expect(shape).toEqual({ whiteSpace: 'pre', scrolls: true, tabIndex: 0, name: 'Output' });
  });

  test('a figure is named by its number and its cell', async () => {
    const page = await salesDemo();
    const alts = await page.locator('#chat0 img.figure').evaluateAll((imgs) => imgs.map((img) => img.getAttribute('alt')));
    expect(alts.length).toBeGreaterThan(0);
    expect(alts[0]).toMatch(/^Figure 1 from cell \d+$/);
  });

  test('Enlarge opens the figure larger in a dialog by keyboard; Esc closes it and focus returns', async () => {
    const page = await salesDemo();
    const enlarge = page.locator('#chat0 button.enlarge').first();
    await enlarge.focus();
    const name = (await enlarge.getAttribute('aria-label'))!;
    // Beside the figure, not over it (it would hide a legend or a label).
    const [button, image] = await Promise.all([enlarge.boundingBox(), page.locator('#chat0 img.figure').first().boundingBox()]);
    expect(button!.y).toBeGreaterThanOrEqual(image!.y + image!.height);
    await page.keyboard.press('Enter');
    const viewer = page.locator('#chat0 dialog.figure-viewer');
    await expect.poll(() => viewer.evaluate((d) => (d as HTMLDialogElement).open)).toBe(true);
    const [inline, large] = await Promise.all([page.locator('#chat0 img.figure').first().boundingBox(), viewer.locator('img').boundingBox()]);
    expect(large!.width).toBeGreaterThan(inline!.width);
    expect(await viewer.locator('img').getAttribute('alt')).toBe(name.replace(/^Enlarge /, ''));
    await page.keyboard.press('Escape');
    // Closed means gone: the viewer is rendered only while a figure is enlarged.
    await expect.poll(() => viewer.count()).toBe(0);
    expect(await focused(page)).toBe(`button[${name}]`);
  });

  test('Copy says "Copied" on the button and once in the status region, and the code is on the clipboard', async () => {
    const page = await salesDemo(400, { permissions: ['clipboard-read', 'clipboard-write'] });
    const copy = page.locator('#chat0 .cell button.copy').first();
    // "Copy" and, for screen readers, " code".
    expect(await copy.innerText()).toMatch(/^Copy\s+code$/);
    await copy.click();
    await expect.poll(() => copy.innerText()).toBe('Copied');
    expect(await page.locator('#chat0 [role=status]').innerText()).toBe('Copied');
    expect(await page.evaluate(() => navigator.clipboard.readText())).toContain('import csv');
    await expect.poll(() => copy.innerText(), { timeout: 5_000 }).toMatch(/^Copy\s+code$/);
  });

  test('keyboard hints show on a desktop and not on a touch phone', async () => {
    const hints = async (options: BrowserContextOptions) => {
      const page = await open(PLAIN, options);
      return page.locator('#chat0 cec-composer .hint').innerText();
    };
    expect(await hints({})).toContain('Esc');
    expect(await hints({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true })).not.toContain('Esc');
  });

  test('the files a message carried are marked with an inline icon, not an emoji', async () => {
    const page = await salesDemo();
    const pill = page.locator('#chat0 .file-pill').first();
    expect(await pill.innerText()).toMatch(/^sales\.csv/);
    expect(await pill.locator('svg').count()).toBe(1);
  });
});

describe('a drop', { timeout: TIMEOUT_MS }, () => {
  /** Drops files (name, type) on the chat as a file manager would. */
  function drop(page: Page, files: [string, string][]): Promise<void> {
    return page.evaluate((list) => {
      const data = new DataTransfer();
      for (const [name, type] of list) data.items.add(new File(['MZ'], name, { type }));
      const frame = document.querySelector('#chat0')!.shadowRoot!.querySelector('.frame')!;
      frame.dispatchEvent(new DragEvent('dragover', { dataTransfer: data, bubbles: true, cancelable: true, composed: true }));
      frame.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true, composed: true }));
    }, files);
  }

  test('of a file the picker does not offer attaches nothing and names it', async () => {
    const page = await open(PLAIN);
    await drop(page, [['setup.exe', 'application/x-msdownload']]);
    await expect.poll(() => page.locator('#chat0 .error').count()).toBe(1);
    expect(await page.locator('#chat0 .error').innerText()).toContain('setup.exe');
    expect(await page.locator('#chat0 cec-composer .chip').count()).toBe(0);
  });

  test('of an offered and a refused file attaches the offered one', async () => {
    const page = await open(PLAIN);
    await drop(page, [
      ['data.csv', ''],
      ['photo.heic', 'image/heic'],
    ]);
    await expect.poll(() => page.locator('#chat0 cec-composer .chip').allInnerTexts()).toEqual([expect.stringContaining('data.csv')]);
    expect(await page.locator('#chat0 .error').innerText()).toContain('photo.heic');
  });
});

describe('a message sent without a key', { timeout: TIMEOUT_MS }, () => {
  test('stays in the box, and focus goes to the key form on the welcome, beside the demos', async () => {
    const page = await open(`${PLAIN}?demos-url=${DEMOS}`);
    await expect.poll(() => page.locator('#chat0 .welcome cec-demo-picker button[data-demo]').count()).toBe(3);
    await page.locator('#chat0 cec-composer textarea').fill('What is 2 + 2?');
    await page.locator('#chat0 cec-composer textarea').press('Enter');
    await expect.poll(() => focused(page)).toBe('input[name=key][Gemini API key]');
    expect(await page.locator('#chat0 cec-composer textarea').inputValue()).toBe('What is 2 + 2?');
    expect(await page.locator('#chat0 .welcome .need-key').isVisible()).toBe(true);
    expect(await page.locator('#chat0 .welcome cec-demo-picker button[data-demo]').first().isVisible()).toBe(true);
  });
});
