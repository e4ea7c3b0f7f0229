/**
 * A Live session in Chromium with the default frame isolation: the real SDK's browser WebSocket to
 * the fake Live server (test/fake-live), the built library (dist/index.js), Python in the
 * sandboxed frame, the default config on gemini-3.8-live. An answered call with the spoken words
 * around it, a cancellation mid-run that keeps Python's state on this page without cross-origin
 * isolation (Chromium has JSPI), and a goAway that moves the session to a new connection with the
 * Python state kept, as in Node.
 *
 * Needs `npm run build`. Every test runs with both SDKs the library supports in the page: 2.x
 * (`@google/genai`) and 3.x (the `genai-sdk-3` alias), picked by the page's import map
 * (test/support/browser/genai-sdks.ts).
 */
import { existsSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/chromium.js';
import { type StaticServer, startStaticServer } from '../support/static-server.js';
import { FakeLive, type FakeLiveConnection } from '../fake-live/server.js';
import { runPythonCall, spoken, toolCall, turnComplete } from '../fake-live/scenarios.js';
import { cancellationKeepsState } from '../support/browser/live-cancellation.js';
import { REPO_ROOT } from '../support/browser/repo.js';
import { GENAI_SDKS, bundleGenaiSdks } from '../support/browser/genai-sdks.js';

const TIMEOUT_MS = 90_000;
let browser: Browser;
let site: StaticServer;
let fake: FakeLive;
let page: Page;
let server: FakeLiveConnection;
const log: string[] = [];

beforeAll(async () => {
  if (!existsSync(`${REPO_ROOT}dist/index.js`)) throw new Error('dist/index.js is missing: run `npm run build` first');
  await bundleGenaiSdks();
  [browser, site, fake] = await Promise.all([launchChromium(), startStaticServer({ root: REPO_ROOT }), FakeLive.start()]);
}, TIMEOUT_MS);

afterAll(async () => {
  await Promise.all([browser?.close(), site?.close(), fake?.close()]);
});

/** Opens live.html with one SDK build and connects it to the fake. */
async function openPage(sdk: string, onTestFailed: (handler: () => void) => void): Promise<void> {
  log.length = 0;
  onTestFailed(() => console.error(`Browser console:\n${log.join('\n')}`));
  page = await browser.newPage();
  page.on('console', (message) => log.push(`[${message.type()}] ${message.text()}`));
  page.on('pageerror', (error) => log.push(`[pageerror] ${error.message}`));
  await page.goto(`${site.origin}/test/browser/pages/live.html?sdk=${sdk}`);
  await page.waitForFunction(() => (window as any).liveHarness ?? (window as any).liveHarnessError);
  const loadError = await page.evaluate(() => (window as any).liveHarnessError);
  if (loadError) throw new Error(`The page failed to load: ${loadError}`);
  const connection = fake.connection();
  const opened = await page.evaluate((baseUrl) => (window as any).liveHarness.connect(baseUrl), fake.baseUrl);
  expect(opened.isolation).toBe(1);
  server = await connection;
}

afterEach(async () => {
  await page?.evaluate(() => (window as any).liveHarness?.close()).catch(() => undefined);
  await page?.close();
  fake.reset();
});

describe.each(GENAI_SDKS)('a Live session in Chromium (frame isolation), SDK $label in the page', { timeout: TIMEOUT_MS }, ({ sdk }) => {
  beforeEach(({ onTestFailed }) => openPage(sdk, onTestFailed), TIMEOUT_MS);

  it('answers a run_python call from the sandboxed frame with the call id copied', async () => {
    await page.evaluate(() => (window as any).liveHarness.sendText('Six times seven?'));
    await server.next('clientContent');
    server.send(toolCall(runPythonCall('browser-1', 'print(6 * 7)')));
    const frame = await server.next('toolResponse', 30_000);
    expect(frame.message).toEqual({
      toolResponse: { functionResponses: [{ id: 'browser-1', name: 'run_python', response: { outcome: 'OUTCOME_OK', output: '42\n' } }] },
    });
    expect(fake.failures).toEqual([]);
  });

  it('keeps the spoken words, the code and its result in the transcript', async () => {
    await page.evaluate(() => (window as any).liveHarness.sendText('Six times seven?'));
    await server.next('clientContent');
    server.send(spoken('Let me check.'));
    server.send(toolCall(runPythonCall('t1', 'print(6 * 7)')));
    await server.next('toolResponse', 30_000);
    server.send(spoken('It is 42.'));
    server.send(turnComplete());
    // The model turn exists from its first words on: wait for its last ones (frames are read in order, asynchronously).
    const modelParts = async () => {
      const turns = await page.evaluate(() => (window as any).liveHarness.transcript());
      return turns.length === 2
        ? turns[1].parts.map(
            (part: { text?: string; executableCode?: unknown; codeExecutionResult?: { output: string } }) =>
              part.text ?? part.codeExecutionResult?.output ?? 'code',
          )
        : [];
    };
    await expect.poll(modelParts).toEqual(['Let me check.', 'code', '42\n', 'It is 42.']);
  });

  it('moves to a new connection on goAway, and a later call sees the earlier cell variables', async () => {
    server.send(toolCall(runPythonCall('set', 'kept = 6 * 7')));
    await server.next('toolResponse', 30_000);
    const next = fake.connection();
    server.goAway(5_000);
    const resumed = await next;
    expect(resumed.framesOf('setup')[0]!.message.setup.sessionResumption.handle).toBe(server.handles.at(-1));
    resumed.send(toolCall(runPythonCall('get', 'print(kept)')));
    const frame = await resumed.next('toolResponse', 30_000);
    expect(frame.message.toolResponse.functionResponses[0]).toMatchObject({ id: 'get', response: { output: '42\n' } });
    expect(fake.failures).toEqual([]);
  });

  it('answers a cell running at goAway on the old connection, then moves to the new one', async () => {
    const harnessEvents = () => page.evaluate(() => (window as any).liveHarness.events.map((e: { type: string }) => e.type) as string[]);
    server.send(toolCall(runPythonCall('slow', 'import time\ntime.sleep(0.5)\nprint("done")')));
    await expect.poll(async () => (await harnessEvents()).includes('run-start'), { timeout: 30_000 }).toBe(true);
    const next = fake.connection();
    server.goAway(10_000);
    const response = await server.next('toolResponse', 30_000);
    expect(response.message.toolResponse.functionResponses[0]).toMatchObject({ id: 'slow', response: { output: 'done\n' } });
    await next;
    await expect.poll(async () => (await harnessEvents()).includes('reconnected'), { timeout: 30_000 }).toBe(true);
    expect((await harnessEvents()).filter((type) => type === 'call-undelivered')).toEqual([]);
    expect(fake.failures).toEqual([]);
  });

  it('fails a TEXT modality connect with an error that says current Live models are audio-only', async () => {
    const refused = await page.evaluate((baseUrl) => (window as any).liveHarness.connectWithText(baseUrl), fake.baseUrl);
    expect(refused).toMatchObject({ name: 'LiveConnectError', message: expect.stringMatching(/\(TEXT\) is not supported by the model.*audio only/) });
  });

  // A plain page: Chromium has JSPI, so Python yields for stops and the cancel keeps it.
  it('stops a cancelled run and sends no response for it; Python keeps its variables (JSPI)', async () => {
    await cancellationKeepsState((fn) => page.evaluate(fn), server);
    expect(fake.failures).toEqual([]);
  });
});
