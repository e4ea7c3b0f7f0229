/**
 * The walk after each run that finds its files, in Chromium (the same worker code as in Node,
 * test/sandbox/workdir-walk.test.ts): symlinks to endless devices and a device node are passed
 * over and named, the run's real file is returned quickly, and an earlier run's file survives the
 * interpreter being replaced. Needs `npm run build` first.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { HostPage } from '../support/browser/host-page.js';
import { REPO_ROOT, requireLibBuild } from '../support/browser/repo.js';
import { launchChromium } from '../support/chromium.js';
import { type StaticServer, startStaticServer } from '../support/static-server.js';
import { EARLIER_FILE_CELL, NOT_FILES_CELL, SWALLOWS_INTERRUPTS, expectNotFilesPassedOver } from '../support/workdir-entries.js';

const TEST_TIMEOUT_MS = 120_000;

let browser: Browser;
let server: StaticServer;
let page: HostPage | undefined;

beforeAll(async () => {
  requireLibBuild();
  [browser, server] = await Promise.all([launchChromium(), startStaticServer({ root: REPO_ROOT, crossOriginIsolated: true })]);
}, TEST_TIMEOUT_MS);
afterAll(async () => {
  await page?.close();
  await browser?.close();
  await server?.close();
});

test('passes over symlinks and devices, returns the real output quickly, and loses no earlier file', { timeout: TEST_TIMEOUT_MS }, async () => {
  page = await HostPage.open(browser, server.origin);
  await page.create({ limits: { maxFileBytes: 1000, interruptGraceMs: 200 } });
  await page.run(EARLIER_FILE_CELL);
  const r = await page.run(NOT_FILES_CELL, { timeoutMs: 60_000 });
  expectNotFilesPassedOver(r);

  const killed = await page.run(SWALLOWS_INTERRUPTS, { timeoutMs: 300 });
  expect(killed.stateLost).toBe(true);
  expect(killed.error?.message).toMatch(/except big\.bin, which could not be kept\.$/);
  expect((await page.run('open("secret.txt").read(), open("report.txt").read()')).result).toBe("('kept', 'done')");
});
