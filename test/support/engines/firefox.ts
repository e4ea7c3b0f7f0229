/**
 * Firefox for browser tests, through WebDriver BiDi (puppeteer-core): Playwright's client cannot
 * drive a stock Firefox, and no test tool may download its own browser here. Debian's Firefox ESR
 * at `/usr/bin/firefox-esr` (or `FIREFOX_PATH`); `npm test` installs it (scripts/prepare-test-machine.mjs).
 */
import { existsSync } from 'node:fs';
import puppeteer, { type Browser } from 'puppeteer-core';
import type { Engine, EnginePage } from './engine.js';

const EXECUTABLE = process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr';

/** Why Firefox cannot run here, or undefined when it is installed. */
export const firefoxMissing = (): string | undefined =>
  existsSync(EXECUTABLE) ? undefined : `${EXECUTABLE} is not installed (apt-get install firefox-esr, or set FIREFOX_PATH)`;

/**
 * Headless Firefox. Puppeteer waits 30 s for it to start by default, and on a loaded machine a
 * fresh profile's start took longer (a suite's hook failed, skipping its tests): 90 s, within
 * the hooks' 120 s.
 */
export function launchFirefox(): Promise<Browser> {
  return puppeteer.launch({ browser: 'firefox', executablePath: EXECUTABLE, headless: true, timeout: 90_000 });
}

export function firefox(): Engine {
  let browser: Promise<Browser> | undefined;
  return {
    name: 'Firefox',
    missing: firefoxMissing(),
    async open(url, api = 'harness') {
      browser ??= launchFirefox();
      // A browser context of its own: empty caches and storage, like a first visit.
      const context = await (await browser).createBrowserContext();
      const page = await context.newPage();
      // Puppeteer's 30 s default for a navigation and a wait: a loaded machine opened pages slower, and hooks allow 120 s.
      page.setDefaultTimeout(90_000);
      const ready = async () => {
        if (api !== null)
          await page.waitForFunction(
            (name) => (window as never as Record<string, unknown>)[name] ?? (window as never as Record<string, unknown>)[`${name}Error`],
            {},
            api,
          );
      };
      await page.goto(url);
      await ready();
      type Api = Record<string, (...x: unknown[]) => unknown>;
      return {
        call: <T>(method: string, ...args: unknown[]) =>
          page.evaluate((a, m, x) => (window as never as Record<string, Api>)[a as string][m](...x), api, method, args) as Promise<T>,
        evaluate: <T, A extends unknown[]>(fn: (...args: A) => T | Promise<T>, ...args: A) =>
          page.evaluate(fn as never, ...(args as unknown as never[])) as Promise<T>,
        async reload() {
          await page.reload();
          await ready();
        },
        close: () => context.close(),
      } satisfies EnginePage;
    },
    async close() {
      await (await browser)?.close();
    },
  };
}
