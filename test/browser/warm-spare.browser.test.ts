/**
 * When the default sandbox (`warmSpare: 'auto'`) keeps a second interpreter in Chromium: where a
 * stop keeps the interpreter (a cross-origin isolated page; a plain page, through JSPI's yields)
 * only after the first replacement. Each interpreter has its own isolation frame, so frames are
 * counted. (Where every stop terminates, without JSPI, a stop restores the restart point instead: engines.browser, WebKit.)
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { launchChromium } from '../support/chromium.js';
import { type StaticServer, startStaticServer } from '../support/static-server.js';
import { HostPage } from '../support/browser/host-page.js';
import { REPO_ROOT, requireLibBuild } from '../support/browser/repo.js';

const TEST_TIMEOUT_MS = 60_000;
/** C code that never checks for a stop, so never sees one: only a terminate stops it (a swallowed KeyboardInterrupt does not do on a plain page, where Python's yields raise it outside the try). */
const UNSTOPPABLE = 'sum(range(10**18))';

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

test.each([
  ['a cross-origin isolated page', true],
  ['a plain page, where Python yields for stops (JSPI)', false],
])(
  'on %s, no spare until the first replacement, one after it',
  async (_name, crossOriginIsolated) => {
    const host = await HostPage.open(browser, (crossOriginIsolated ? isolated : plain).origin);
    try {
      expect(await host.create({ limits: { interruptGraceMs: 100 } })).toMatchObject({ interruptible: crossOriginIsolated });
      expect(await settledFrames(host)).toBe(1);
      expect(await host.run(UNSTOPPABLE, { timeoutMs: 300 })).toMatchObject({ stateLost: true });
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
