/**
 * Launches Firefox for browser tests through WebDriver BiDi (puppeteer-core): Playwright's client
 * cannot drive a stock Firefox, and no test tool may download its own browser here. Debian's
 * Firefox ESR at `/usr/bin/firefox-esr` (or `FIREFOX_PATH`); `.ci/run` installs it.
 */
import { existsSync } from 'node:fs';
import puppeteer, { type Browser } from 'puppeteer-core';

/** The Firefox to use, or undefined where none is installed. */
export function firefoxExecutablePath(): string | undefined {
  const candidate = process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr';
  return existsSync(candidate) ? candidate : undefined;
}

export function launchFirefox(): Promise<Browser> {
  const executablePath = firefoxExecutablePath();
  if (!executablePath) throw new Error('Firefox is not installed (/usr/bin/firefox-esr, or set FIREFOX_PATH)');
  return puppeteer.launch({ browser: 'firefox', executablePath, headless: true });
}
