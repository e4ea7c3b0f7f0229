/**
 * How the isolation frame starts on engines that differ from Chromium, simulated in Chromium with
 * scripts that run in every frame before the page's own: a boot either works (without what the
 * engine lacks) or fails within seconds, with its cause, never at `limits.bootTimeoutMs`.
 */
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect, test } from 'vitest';
import { launchChromium } from '../support/chromium.js';
import { type StaticServer, startStaticServer } from '../support/static-server.js';
import { HostPage } from '../support/browser/host-page.js';
import { REPO_ROOT, requireLibBuild } from '../support/browser/repo.js';

const TEST_TIMEOUT_MS = 60_000;
/** Far above a real boot here, so a test that ends by it shows the old hang. */
const BOOT_TIMEOUT_MS = 30_000;

let browser: Browser;
let server: StaticServer;
let context: BrowserContext | undefined;

beforeAll(async () => {
  requireLibBuild();
  // The sandboxed frame in the page's own process: init scripts then reach it before its script
  // runs, every time (an out-of-process frame may attach after it has run, on a loaded machine).
  const inProcessFrames = ['--disable-features=IsolateSandboxedIframes,site-per-process'];
  [browser, server] = await Promise.all([launchChromium({ args: inProcessFrames }), startStaticServer({ root: REPO_ROOT, crossOriginIsolated: true })]);
}, TEST_TIMEOUT_MS);
afterAll(async () => {
  await browser?.close();
  await server?.close();
});
afterEach(async () => {
  await context?.close();
  context = undefined;
});

async function pageWhere(initScript: string): Promise<HostPage> {
  context = await browser.newContext();
  await context.addInitScript(initScript);
  return HostPage.open(context, server.origin);
}

test(
  'a cross-origin-isolated engine without SharedArrayBuffer (WebKitGTK) boots without interrupts, and a deadline still keeps its globals',
  async () => {
    const host = await pageWhere('delete globalThis.SharedArrayBuffer');
    expect(await host.crossOriginIsolated()).toBe(true);
    const started = performance.now();
    expect(await host.create({ limits: { bootTimeoutMs: BOOT_TIMEOUT_MS } })).toMatchObject({ interruptible: false });
    expect(performance.now() - started).toBeLessThan(BOOT_TIMEOUT_MS / 2);
    expect(await host.run('y = 6 * 7\ny')).toMatchObject({ outcome: 'OUTCOME_OK', result: '42' });
    // The worker stops itself at the deadline (no shared buffer needed); other stops would terminate.
    expect(await host.run('while True: pass', { timeoutMs: 500 })).toMatchObject({ outcome: 'OUTCOME_DEADLINE_EXCEEDED', stateLost: false });
    expect(await host.run('y')).toMatchObject({ outcome: 'OUTCOME_OK', result: '42' });
  },
  TEST_TIMEOUT_MS,
);

test(
  'a frame that cannot start its worker fails the boot within seconds, saying why',
  async () => {
    const host = await pageWhere("globalThis.Worker = function () { throw new Error('workers are refused here'); }");
    const started = performance.now();
    await expect(host.create({ limits: { bootTimeoutMs: BOOT_TIMEOUT_MS } })).rejects.toThrow(/SandboxBootError.*workers are refused here/s);
    expect(performance.now() - started).toBeLessThan(10_000);
  },
  TEST_TIMEOUT_MS,
);
