/**
 * The accessibility suite's states in Firefox ESR and WebKitGTK too (accessibility.browser.test.ts
 * runs them all in Chromium, light and dark): axe-core 4.14, evaluated in the page, over the
 * widget in a third-party page's sidebar (the welcome, a played chart demo, its figure enlarged,
 * the settings dialog) and the demo page with its scratchpad. Rules that read computed styles
 * and the accessibility tree (contrast, scrollable regions, names) can differ by engine.
 * Violations of impact moderate or above fail, listed with their nodes.
 *
 * Needs the built site (`npm run build`).
 */
import { describe, expect, test } from 'vitest';
import { violations } from '../support/engines/axe.js';
import { playDemoInPage } from '../support/engines/play-demo.js';
import { type Driver, clickOn, countOf, firefox, sandboxReady, until, useEngine, webkit } from '../support/engines/drivers.js';

const TIMEOUT_MS = 150_000;
const HOST = '/test/ui/pages/host.html?demos-url=/dist/demos/index.json';
describe.each([firefox(), webkit()])('$name', (engine) => {
  const pages = useEngine(engine, TIMEOUT_MS);

  describe.skipIf(engine.missing)(engine.missing ? `(skipped: ${engine.missing})` : 'axe: no violation of impact moderate or above', () => {
    async function hostPage(): Promise<Driver> {
      const page = await pages.open(HOST);
      await until('the demo cards', async () => (await page.evaluate(countOf, 'button[data-demo]')) >= 3);
      return page;
    }

    test(
      'the welcome, in a page with its own header, main and h1; then the settings dialog open',
      async () => {
        const page = await hostPage();
        expect(await violations(page)).toEqual([]);
        await clickOn(page, 'button[aria-label="Settings"]');
        await until('the settings dialog', async () => (await page.evaluate(countOf, 'dialog[open]')) === 1);
        expect(await violations(page)).toEqual([]);
      },
      TIMEOUT_MS,
    );

    test(
      "axe walks the widget's shadow root in this engine: a nameless button planted there is found",
      async () => {
        const page = await hostPage();
        await page.evaluate(() => {
          document
            .querySelector('#chat0')!
            .shadowRoot!.querySelector('.transcript .column')!
            .append(Object.assign(document.createElement('button'), { className: 'planted' }));
        });
        expect((await violations(page)).join('\n')).toMatch(/critical button-name: .*planted/);
      },
      TIMEOUT_MS,
    );

    test(
      'a played chart demo (sales); then its figure enlarged in the dialog',
      async () => {
        const page = await hostPage();
        await page.evaluate(playDemoInPage, 'sales', 120_000);
        expect(await violations(page)).toEqual([]);
        await clickOn(page, 'button.enlarge');
        await until('the figure dialog', async () => (await page.evaluate(countOf, 'dialog.figure-viewer[open]')) === 1);
        expect(await violations(page)).toEqual([]);
      },
      TIMEOUT_MS,
    );

    test(
      'the demo page with its scratchpad',
      async () => {
        const page = await pages.open('/dist/index.html');
        await until('Python', () => page.evaluate(sandboxReady, '#chat'), 120_000);
        expect(await violations(page)).toEqual([]);
      },
      TIMEOUT_MS,
    );
  });
});
