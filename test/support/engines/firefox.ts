/**
 * Firefox for browser tests, through WebDriver BiDi (puppeteer-core): Playwright's client cannot
 * drive a stock Firefox, and no test tool may download its own browser here. Debian's Firefox ESR
 * at `/usr/bin/firefox-esr` (or `FIREFOX_PATH`); `.ci/run` installs it.
 */
import { existsSync } from 'node:fs';
import puppeteer, { type Browser } from 'puppeteer-core';
import type { Engine, EnginePage } from './engine.js';

const EXECUTABLE = process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr';

export function firefox(): Engine {
  let browser: Promise<Browser> | undefined;
  return {
    name: 'Firefox',
    missing: existsSync(EXECUTABLE) ? undefined : `${EXECUTABLE} is not installed (apt-get install firefox-esr, or set FIREFOX_PATH)`,
    async open(url) {
      browser ??= puppeteer.launch({ browser: 'firefox', executablePath: EXECUTABLE, headless: true });
      const page = await (await browser).newPage();
      await page.goto(url);
      await page.waitForFunction(() => (window as never as { harness?: unknown; harnessError?: string }).harness ?? (window as never as { harnessError?: string }).harnessError);
      return {
        call: <T>(method: string, ...args: unknown[]) =>
          page.evaluate((m, a) => (window as never as { harness: Record<string, (...x: unknown[]) => unknown> }).harness[m](...a), method, args) as Promise<T>,
        close: () => page.close(),
      } satisfies EnginePage;
    },
    async close() {
      await (await browser)?.close();
    },
  };
}
