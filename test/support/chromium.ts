/**
 * Launches headless Chromium for browser tests and benchmarks.
 *
 * Playwright's own browser download is not reachable on our machines, so we prefer a system
 * Chromium (`CHROMIUM_PATH`, else Debian's `/usr/bin/chromium`) and fall back to Playwright's
 * bundled browser only where neither exists (e.g. a developer laptop with `playwright install`).
 */
import { existsSync } from 'node:fs';
import { type Browser, type LaunchOptions, chromium } from 'playwright-core';

/** Flags for a quiet, deterministic headless browser that may run as root in a container. */
export const CHROMIUM_ARGS = [
  '--no-sandbox', // running as root: the setuid sandbox refuses to start
  '--disable-gpu',
  '--disable-background-networking', // no update checks or other outbound traffic
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--no-first-run',
];

/** The system Chromium to use, or `undefined` to let Playwright use its own. */
export function chromiumExecutablePath(): string | undefined {
  const candidate = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  return existsSync(candidate) ? candidate : undefined;
}

export function launchChromium(options: LaunchOptions = {}): Promise<Browser> {
  return chromium.launch({
    headless: true,
    executablePath: chromiumExecutablePath(),
    ...options,
    args: [...CHROMIUM_ARGS, ...(options.args ?? [])],
  });
}
