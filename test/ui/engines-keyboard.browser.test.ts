/**
 * Keyboard use in every engine: Chromium (Playwright), Firefox ESR (WebDriver BiDi,
 * puppeteer-core) and WebKitGTK (WebDriver, selenium-webdriver), with real mouse clicks and key
 * presses from each driver (test/support/engines/drivers.ts): Esc after a mouse click on Send stops the run, a
 * demo pick puts focus in the message box, the mode switch takes arrows, and Esc then Tab leaves
 * the scratchpad. An engine that is not installed is skipped, saying so.
 *
 * Needs the built site (`npm run build`).
 */
import { describe, expect, test } from 'vitest';
import {
  chromium,
  clickOn,
  countOf,
  firefox,
  focusPath,
  focusedMode,
  sandboxReady,
  textareaValue,
  until,
  useEngine,
  webkit,
} from '../support/engines/drivers.js';

const TIMEOUT_MS = 150_000;
const PLAIN = '/test/ui/pages/plain.html';

const ENGINES = [chromium(), firefox(), webkit()];

describe.each(ENGINES)('$name', (engine) => {
  const pages = useEngine(engine, TIMEOUT_MS);

  describe.skipIf(engine.missing)(engine.missing ? `(skipped: ${engine.missing})` : 'the keyboard, with real clicks and key presses', () => {
    test(
      'Esc after a mouse click on Send stops the run',
      async () => {
        const page = await pages.open(`${PLAIN}?demo=/test/ui/pages/stop.recording.json`);
        await until('Python', () => page.evaluate(sandboxReady, '#chat0'), 120_000);
        await until('the first message', async () => Boolean(await page.evaluate(textareaValue, '#chat0')));
        await clickOn(page, 'button[aria-label="Send message"]');
        await until('the first answer', async () => (await page.evaluate(countOf, '.badge.ok')) === 1 && Boolean(await page.evaluate(textareaValue, '#chat0')));
        // Message 2 loops forever.
        await clickOn(page, 'button[aria-label="Send message"]');
        await until('the loop to run', async () => (await page.evaluate(countOf, '.cell.running')) === 1);
        await page.press('Escape');
        await until('the run to stop', async () => (await page.evaluate(countOf, '.turn.model.stopped')) === 1, 15_000);
      },
      TIMEOUT_MS,
    );

    test(
      'picking a demo card puts focus in the message box',
      async () => {
        const page = await pages.open(`${PLAIN}?demos-url=/dist/demos/index.json`);
        await clickOn(page, 'button[data-demo="primes"]');
        await until("the demo's first message", async () => Boolean(await page.evaluate(textareaValue, '#chat0')));
        await until('focus in the message box', async () => (await page.evaluate(focusPath)).endsWith('cec-composer > textarea'), 10_000).catch(
          async (error: Error) => {
            throw new Error(`${error.message}; focus is on ${await page.evaluate(focusPath)}`);
          },
        );
      },
      TIMEOUT_MS,
    );

    test(
      'the mode switch: arrow keys select the other mode and move focus with it',
      async () => {
        const page = await pages.open(PLAIN);
        await clickOn(page, '.segmented [data-mode=local]');
        await page.press('Tab');
        // One tab stop: Tab went on past the unchecked mode.
        expect(await page.evaluate(focusPath)).toBe('code-exec-chat > button[New chat]');
        await page.press('Shift+Tab');
        const modes = [];
        for (const key of ['ArrowRight', 'ArrowLeft'] as const) {
          await page.press(key);
          await until(`${key} to move focus`, async () => /data-mode/.test(await page.evaluate(focusedMode)));
          modes.push(await page.evaluate(focusedMode));
        }
        expect(modes).toEqual(['data-mode=server checked', 'data-mode=local checked']);
      },
      TIMEOUT_MS,
    );

    test(
      'Esc then Tab leaves the scratchpad; Tab alone indents',
      async () => {
        const page = await pages.open('/dist/index.html');
        await until('Python', () => page.evaluate(sandboxReady, '#chat'), 120_000);
        await clickOn(page, 'textarea#code');
        const before = await page.evaluate(textareaValue, 'python-scratchpad');
        await page.press('Tab');
        expect(await page.evaluate(focusPath)).toBe('python-scratchpad > textarea');
        expect(await page.evaluate(textareaValue, 'python-scratchpad')).not.toBe(before);
        await page.press('Escape');
        await page.press('Tab');
        expect(await page.evaluate(focusPath)).toBe('python-scratchpad > button[Run code]');
      },
      TIMEOUT_MS,
    );
  });
});
