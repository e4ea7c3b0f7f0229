/**
 * When the default sandbox (`warmSpare: 'auto'`) keeps a second interpreter: from the start on a
 * page where a stop must terminate (no COOP/COEP), and on a cross-origin isolated page only after
 * the first replacement. Each interpreter has its own isolation frame, so frames are counted.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { launchChromium } from '../support/chromium.js';
import { type StaticServer, startStaticServer } from '../support/static-server.js';
import { HostPage } from '../support/browser/host-page.js';
import { REPO_ROOT, requireLibBuild } from '../support/browser/repo.js';

const TEST_TIMEOUT_MS = 60_000;
/** Ignores KeyboardInterrupt: only a terminate stops it. */
const STUBBORN = ['import time', 'while True:', '    try: time.sleep(100)', '    except KeyboardInterrupt: pass'].join('\n');

let browser: Browser;
let isolated: StaticServer;
let plain: StaticServer;

beforeAll(async () => {
  requireLibBuild();
  [browser, isolated, plain] = await Promise.all([
    launchChromium(),
    startStaticServer({ root: REPO_ROOT, crossOriginIsolated: true }),
    startStaticServer({ root: REPO_ROOT }),
  ]);
}, TEST_TIMEOUT_MS);
afterAll(async () => {
  await browser?.close();
  await Promise.all([isolated?.close(), plain?.close()]);
});

async function settledFrames(host: HostPage): Promise<number> {
  await host.whenIdle();
  return host.page.evaluate(() => document.querySelectorAll('iframe[sandbox]').length);
}

test(
  'on a page that cannot interrupt, a spare interpreter is booted from the start',
  async () => {
    const host = await HostPage.open(browser, plain.origin);
    try {
      expect(await host.create()).toMatchObject({ interruptible: false });
      expect(await settledFrames(host)).toBe(2);
    } finally {
      await host.page.close();
    }
  },
  TEST_TIMEOUT_MS,
);

test(
  'on a cross-origin isolated page, no spare until the first replacement, one after it',
  async () => {
    const host = await HostPage.open(browser, isolated.origin);
    try {
      expect(await host.create({ limits: { interruptGraceMs: 100 } })).toMatchObject({ interruptible: true });
      expect(await settledFrames(host)).toBe(1);
      expect(await host.run(STUBBORN, { timeoutMs: 300 })).toMatchObject({ stateLost: true });
      expect(await host.run('6 * 7')).toMatchObject({ result: '42' });
      expect(await settledFrames(host)).toBe(2);
    } finally {
      await host.page.close();
    }
  },
  TEST_TIMEOUT_MS,
);

test(
  '`warmSpare: true` keeps a spare from the start on a cross-origin isolated page',
  async () => {
    const host = await HostPage.open(browser, isolated.origin);
    try {
      await host.create({ warmSpare: true });
      expect(await settledFrames(host)).toBe(2);
    } finally {
      await host.page.close();
    }
  },
  TEST_TIMEOUT_MS,
);
