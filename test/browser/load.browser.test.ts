/**
 * Load in real Chromium: eight isolated sandboxes on one page (warmSpare: false to save memory),
 * each with its own interpreter, globals and frame; disposing them removes every frame.
 *
 * Needs the lib build (`npx vite build --mode lib`).
 */
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { launchChromium } from '../support/chromium.js';
import { type StaticServer, startStaticServer } from '../support/static-server.js';
import { HostPage } from '../support/browser/host-page.js';
import { REPO_ROOT, requireLibBuild } from '../support/browser/repo.js';

const SANDBOXES = 8;
const ids = Array.from({ length: SANDBOXES }, (_, i) => `sandbox-${i}`);

let browser: Browser;
let server: StaticServer;
let context: BrowserContext;
let host: HostPage;
const bootMs: number[] = [];

beforeAll(async () => {
  requireLibBuild();
  [browser, server] = await Promise.all([launchChromium(), startStaticServer({ root: REPO_ROOT, crossOriginIsolated: true })]);
  context = await browser.newContext();
  host = await HostPage.open(context, server.origin);
}, 120_000);

afterAll(async () => {
  await host?.close();
  await context?.close();
  await browser?.close();
  await server?.close();
});

describe(`${SANDBOXES} sandboxes on one page`, () => {
  test(`${SANDBOXES} sandboxes boot, each in its own frame`, async () => {
    // One after another: the first boot stores a snapshot the others restore from.
    for (const id of ids) {
      const started = performance.now();
      await host.create({ warmSpare: false }, id);
      bootMs.push(Math.round(performance.now() - started));
    }
    console.log(`boot times of ${SANDBOXES} sandboxes (ms): ${bootMs.join(', ')}`);
    expect(await host.sandboxFrameCount()).toBe(SANDBOXES);
  }, 600_000);

  test('each keeps its own globals, in Python and in its JS realm, while all run at once', async () => {
    await Promise.all(ids.map((id, i) => host.run(`import js\nname = "${id}"\nnumbers = list(range(${i}))\njs.globalThis.owner = name`, {}, id)));
    const results = await Promise.all(ids.map((id) => host.run('import js\n(name, len(numbers), js.globalThis.owner)', {}, id)));
    results.forEach((r, i) => expect(r, r.output).toMatchObject({ outcome: 'OUTCOME_OK', result: `('${ids[i]}', ${i}, '${ids[i]}')` }));
  }, 120_000);

  test('all compute concurrently and each returns its own result', async () => {
    const started = performance.now();
    const results = await Promise.all(ids.map((id, i) => host.run(`sum(range(${i} * 1_000_000))`, { timeoutMs: 120_000 }, id)));
    console.log(`${SANDBOXES} concurrent sums took ${Math.round(performance.now() - started)} ms`);
    results.forEach((r, i) => expect(r).toMatchObject({ outcome: 'OUTCOME_OK', result: String(((i * 1_000_000 - 1) * i * 1_000_000) / 2 || 0) }));
  }, 300_000);

  test('a stop in one sandbox leaves the others untouched', async () => {
    const stopped = await host.run('while True: pass', { timeoutMs: 1000 }, ids[0]);
    expect(stopped).toMatchObject({ outcome: 'OUTCOME_DEADLINE_EXCEEDED', stateLost: false });
    const results = await Promise.all(ids.map((id) => host.run('name', {}, id)));
    results.forEach((r, i) => expect(r.result).toBe(`'${ids[i]}'`));
  }, 120_000);

  test('disposing them all removes every frame', async () => {
    await host.disposeAll();
    expect(await host.sandboxFrameCount()).toBe(0);
    expect(await host.page.evaluate(() => window.harness!.ids())).toEqual([]);
  }, 120_000);
});
