/**
 * Chromium as an `Engine` (test/support/engines/engine.ts), through Playwright, for suites that
 * run the same tests in every engine. Launched as test/support/chromium.ts says.
 */
import type { Browser } from 'playwright-core';
import { launchChromium } from '../chromium.js';
import type { Engine, EnginePage } from './engine.js';

export function chromium(): Engine {
  let browser: Promise<Browser> | undefined;
  return {
    name: 'Chromium',
    missing: undefined, // falls back to Playwright's own browser where Debian's is not installed
    async open(url, api = 'harness') {
      browser ??= launchChromium();
      // A context of its own: empty caches and storage, like a first visit.
      const context = await (await browser).newContext();
      const page = await context.newPage();
      // Playwright's 30 s default for a navigation and a wait: a loaded machine opened pages slower, and hooks allow 120 s.
      page.setDefaultTimeout(90_000);
      const ready = async () => {
        if (api !== null)
          await page.waitForFunction(
            (name) => (window as never as Record<string, unknown>)[name] ?? (window as never as Record<string, unknown>)[`${name}Error`],
            api,
          );
      };
      await page.goto(url);
      await ready();
      type Api = Record<string, (...x: unknown[]) => unknown>;
      return {
        call: <T>(method: string, ...args: unknown[]) =>
          page.evaluate(([a, m, x]) => (window as never as Record<string, Api>)[a as string][m as string](...(x as unknown[])), [
            api,
            method,
            args,
          ] as const) as Promise<T>,
        evaluate: <T, A extends unknown[]>(fn: (...args: A) => T | Promise<T>, ...args: A) =>
          page.evaluate(([source, x]) => (0, eval)(`(${source})`)(...x), [fn.toString(), args] as const) as Promise<T>,
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
