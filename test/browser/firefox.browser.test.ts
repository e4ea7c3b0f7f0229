/**
 * Firefox (ESR, through WebDriver BiDi): the default boundary and the sandbox's main behaviours,
 * a representative subset of the Chromium suites on the same host page and harness. Skipped, and
 * saying so, where Firefox is not installed (`.ci/run` installs it).
 */
import type { Browser, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { RunResult, SandboxOptions } from '../../src/types.js';
import { type CanaryServer, startCanaryServer } from '../support/canary-server.js';
import { FORGED_PROGRESS, FORGE_PROGRESS, MAX_PAGE_STALL_MS, sharedFiles, tamperWithNextResult } from '../support/forgery.js';
import { firefoxExecutablePath, launchFirefox } from '../support/firefox.js';
import { type StaticServer, startStaticServer } from '../support/static-server.js';
import { HOST_PAGE_PATH } from './support/host-page.js';
import { REPO_ROOT, requireLibBuild } from './support/repo.js';

const TIMEOUT_MS = 90_000;
const installed = firefoxExecutablePath() !== undefined;
const title = installed ? 'Firefox' : 'Firefox (skipped: /usr/bin/firefox-esr is not installed; set FIREFOX_PATH)';

type Plain = Omit<SandboxOptions, 'onProgress'>;

/** The harness of pages/host.html (see harness.js), as the page sees it. */
interface Harness {
  create(o: Plain, id: string): Promise<{ interruptible: boolean }>;
  run(c: string, o: object, id: string): Promise<RunResult>;
  writeFile(p: string, t: string, id: string): Promise<void>;
  progress(id: string): string[];
  watchStalls(): void;
  longestStallMs(): number;
}
type Window_ = { harness: Harness };

/** The harness driven through page.evaluate (functions are sent as source: no closures); `id` names one of the page's sandboxes. */
function harness(page: Page, id = 'main') {
  return {
    create: (options: Plain = {}) => page.evaluate((o, i) => (window as unknown as Window_).harness.create(o, i), options, id),
    run: (code: string, options: { timeoutMs?: number } = {}) => page.evaluate((c, o, i) => (window as unknown as Window_).harness.run(c, o, i), code, options, id),
    writeFile: (path: string, text: string) => page.evaluate((p, t, i) => (window as unknown as Window_).harness.writeFile(p, t, i), path, text, id),
    progress: () => page.evaluate((i) => (window as unknown as Window_).harness.progress(i), id),
    /** The longest the page's main thread was blocked while `fn` ran (sampled every 10 ms). */
    async longestStallDuring<T>(fn: () => Promise<T>): Promise<{ value: T; stallMs: number }> {
      await page.evaluate(() => (window as unknown as Window_).harness.watchStalls());
      const value = await fn();
      return { value, stallMs: await page.evaluate(() => (window as unknown as Window_).harness.longestStallMs()) };
    },
  };
}

describe.skipIf(!installed)(title, () => {
  let browser: Browser;
  let canary: CanaryServer;
  beforeAll(async () => {
    requireLibBuild();
    [browser, canary] = await Promise.all([launchFirefox(), startCanaryServer()]);
  }, TIMEOUT_MS);
  afterAll(async () => {
    await browser?.close();
    await canary?.close();
  });

  /** A fresh page of the host origin, served with or without cross-origin isolation. */
  function usePage(crossOriginIsolated: boolean) {
    const holder = {} as { server: StaticServer; page: Page; host: ReturnType<typeof harness> };
    beforeAll(async () => {
      holder.server = await startStaticServer({ root: REPO_ROOT, crossOriginIsolated });
      holder.page = await browser.newPage();
      await holder.page.goto(`${holder.server.origin}${HOST_PAGE_PATH}`);
      await holder.page.waitForFunction(() => (window as never as { harness?: unknown; harnessError?: string }).harness ?? (window as never as { harnessError?: string }).harnessError);
      holder.host = harness(holder.page);
    }, TIMEOUT_MS);
    afterAll(async () => {
      await holder.page?.close();
      await holder.server?.close();
    });
    return holder;
  }

  describe('a cross-origin-isolated page (COOP + COEP)', () => {
    const ctx = usePage(true);

    test('the default sandbox (frame isolation) boots, interruptible, and runs code', async () => {
      expect(await ctx.host.create()).toMatchObject({ interruptible: true });
      expect(await ctx.host.run('x = 41\nprint("hello")\nx + 1')).toMatchObject({ outcome: 'OUTCOME_OK', stdout: 'hello\n', result: '42' });
      expect((await ctx.host.run('1 / 0')).error?.name).toBe('ZeroDivisionError');
    }, TIMEOUT_MS);

    test('while True past a 2 s deadline is interrupted, and globals survive', async () => {
      expect(await ctx.host.run('while True: pass', { timeoutMs: 2000 })).toMatchObject({ outcome: 'OUTCOME_DEADLINE_EXCEEDED', stateLost: false });
      expect(await ctx.host.run('x')).toMatchObject({ outcome: 'OUTCOME_OK', result: '41' });
    }, TIMEOUT_MS);

    test('files written by the host are read by the code, and files the code writes come back', async () => {
      await ctx.host.writeFile('in.txt', 'from the host');
      const r = await ctx.host.run('open("out.txt", "w").write(open("in.txt").read().upper())');
      expect(r.files.map((f) => [f.path, Buffer.from(f.data, 'base64').toString()])).toEqual([['out.txt', 'FROM THE HOST']]);
    }, TIMEOUT_MS);

    test.each([
      ['js.fetch', (url: string) => `import js\nawait js.fetch("${url}/fetch")`],
      ['pyodide.http.pyfetch', (url: string) => `import pyodide.http\nawait pyodide.http.pyfetch("${url}/pyfetch")`],
      ['a WebSocket', (url: string) => `import js, asyncio\nws = js.WebSocket.new("${url.replace('http', 'ws')}/ws")\nawait asyncio.sleep(0.5)\nprint(ws.readyState)`],
      ['a nested blob: worker with the original fetch', (url: string) => `import js\nsrc = "fetch('${url}/nested').catch(() => 0)"\nw = js.Worker.new(js.URL.createObjectURL(js.Blob.new([src], {"type": "text/javascript"})))\nimport asyncio\nawait asyncio.sleep(0.5)`],
    ])('%s to the canary reaches nothing', async (_name, code) => {
      canary.reset();
      await ctx.host.run(code(canary.url));
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(canary.count).toBe(0);
      expect(canary.connections).toBe(0);
    }, TIMEOUT_MS);

    test('the sandbox runs in a sandboxed frame with an opaque origin', async () => {
      expect((await ctx.host.run('import js\n(js.self.origin, js.location.protocol)')).result).toBe("('null', 'blob:')");
    }, TIMEOUT_MS);
  });

  describe('the host against a hostile worker (COOP + COEP)', () => {
    const ctx = usePage(true);
    const bounded = () => harness(ctx.page, 'bounded');
    beforeAll(() => bounded().create({ limits: { callTimeoutMs: 3000, maxTotalFileBytes: 5 * 1024 * 1024 } }), TIMEOUT_MS);

    test('60 files sharing one 8 MB string stop the worker in its frame; the page never stalls for a second', async () => {
      const { value: r, stallMs } = await bounded().longestStallDuring(() => bounded().run(tamperWithNextResult(sharedFiles(60, 6 * 1024 * 1024))));
      expect(r).toMatchObject({ outcome: 'OUTCOME_FAILED', stateLost: true, error: { name: 'SandboxCrash' } });
      expect(r.error?.message).toMatch(/sent a message of more than \d+ characters/);
      expect(stallMs).toBeLessThan(MAX_PAGE_STALL_MS);
      expect(await bounded().run('6 * 7')).toMatchObject({ outcome: 'OUTCOME_OK', result: '42' });
    }, TIMEOUT_MS);

    test('forged progress lines never reach the page', async () => {
      expect((await bounded().run(FORGE_PROGRESS)).outcome).toBe('OUTCOME_OK');
      const shown = (await bounded().progress()).join('\n');
      expect(shown).not.toContain(FORGED_PROGRESS);
      expect(shown).not.toContain('your-api-key-expired');
    }, TIMEOUT_MS);
  });

  describe('a page without cross-origin isolation', () => {
    const ctx = usePage(false);

    test('boots without interrupts, and a stop past the deadline terminates and says so', async () => {
      expect(await ctx.host.create()).toMatchObject({ interruptible: false });
      expect(await ctx.host.run('y = 1\n6 * 7')).toMatchObject({ outcome: 'OUTCOME_OK', result: '42' });
      expect(await ctx.host.run('while True: pass', { timeoutMs: 1000 })).toMatchObject({ outcome: 'OUTCOME_DEADLINE_EXCEEDED', stateLost: true });
      expect(await ctx.host.run('6 * 7')).toMatchObject({ outcome: 'OUTCOME_OK', result: '42' });
    }, TIMEOUT_MS);
  });
});
