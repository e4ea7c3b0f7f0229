/**
 * PythonSandbox in a real browser: the built library (dist/) loaded by a plain page in headless
 * Chromium, served with and without cross-origin isolation. Isolation decides how a run is
 * stopped: a SharedArrayBuffer interrupt that keeps globals, or replacing the worker.
 *
 * Needs `npm run build` first. A block's tests share one sandbox (tests that only run code use
 * their own names; each stop must leave it working), since boots dominate the time.
 */
import { pauseAgainstIdle, pauseReport } from '../support/pause-bound.js';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { launchChromium } from '../support/chromium.js';
import type { StaticServer } from '../support/static-server.js';
import { useStaticServer } from '../support/use-static-server.js';
import { HostPage } from '../support/browser/host-page.js';
import { plainPageFunctionCalls } from '../support/browser/page-function-calls.js';
import { type SharedSandbox, useSharedSandbox } from '../support/browser/shared-sandbox.js';
import { PNG_1X1_BASE64 } from '../support/png.js';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** Boot in Chromium takes 3–7 s on a 2-core machine; a stop-and-reboot test does it twice. */
const TEST_TIMEOUT_MS = 60_000;
/** A valid 1x1 transparent PNG. */

let browser: Browser;

beforeAll(async () => {
  if (!existsSync(`${REPO_ROOT}dist/index.js`)) throw new Error('dist/index.js is missing: run `npm run build` first');
  browser = await launchChromium();
}, TEST_TIMEOUT_MS);

afterAll(async () => {
  await browser?.close();
});

/**
 * A page with a booted sandbox: `shared` boots one for the block (tests that only run code: boots
 * are the slow part); `stops` shares one too, between tests that stop or replace the interpreter
 * and check that the next run works, each starting on an idle sandbox, with a fresh page after a
 * failed test (support/browser/shared-sandbox.ts).
 */
function useSandboxPage(holder: { server: StaticServer }, scope: 'stops' | 'shared') {
  const context = {} as { page: HostPage; interruptible: boolean };
  if (scope === 'stops') {
    const shared = useSharedSandbox({} as SharedSandbox, () => HostPage.open(browser, holder.server.origin), { timeoutMs: TEST_TIMEOUT_MS });
    return {
      get page() {
        return shared.host;
      },
      get interruptible() {
        return shared.interruptible;
      },
    };
  }
  beforeAll(async () => {
    context.page = await HostPage.open(browser, holder.server.origin);
    ({ interruptible: context.interruptible } = await context.page.create());
  }, TEST_TIMEOUT_MS);
  afterAll(async () => {
    await context.page?.close();
  });
  beforeEach(({ onTestFailed, task }) => {
    onTestFailed(() => console.error(`Browser console during "${task.name}":\n${context.page.log.join('\n')}`));
  });
  return context;
}

describe('in a cross-origin-isolated page (COOP + COEP)', { timeout: TEST_TIMEOUT_MS }, () => {
  const site = useStaticServer({ root: REPO_ROOT, crossOriginIsolated: true });

  describe('running code (one sandbox for the block)', () => {
    const ctx = useSandboxPage(site, 'shared');

    test('the page is crossOriginIsolated and the sandbox is interruptible', async () => {
      expect(await ctx.page.crossOriginIsolated()).toBe(true);
      expect(ctx.interruptible).toBe(true);
    });

    test("the page's functions are awaited from Python through the frame: twelve calls from one cell", async () => {
      const code = 'rows = [await default_api.get_sales_data(region=f"r{i}") for i in range(12)]\nlen(rows), sum(sum(r["months"]) for r in rows)';
      expect(await ctx.page.run(code, { pageFunctions: ['get_sales_data'] })).toMatchObject({ outcome: 'OUTCOME_OK', result: '(12, 72)' });
      expect(await ctx.page.page.evaluate(() => (window as unknown as { __pageCalls: string[] }).__pageCalls)).toHaveLength(12);
    });

    test('arguments of 24,000, 60,000 and 340,000 items that fail the schema are refused within the deadline, the page never paused 1 s', async () => {
      for (const count of [24_000, 60_000, 340_000]) {
        const code = `try:\n    await default_api.count_ids(ids=[0] * ${count})\nexcept default_api.FunctionCallError as error:\n    print(str(error)[:50])`;
        const timed = await pauseAgainstIdle(
          (fn) => ctx.page.longestStallDuring(fn),
          1000,
          () => ctx.page.run(code, { pageFunctions: ['count_ids'], timeoutMs: 3000 }),
        );
        expect(timed.value).toMatchObject({ outcome: 'OUTCOME_OK', stdout: "count_ids: the arguments do not fit count_ids's pa\n" });
        expect(timed.stallMs, `${count} items: ${pauseReport(timed)}`).toBeLessThan(timed.boundMs);
      }
    });

    test(PLAIN_CALLS, () => plainPageFunctionCalls(ctx.page, true));

    test('Python boots from the gzipped runtime beside the library, with no failed requests', async () => {
      const wasm = site.server.requests.filter((r) => r.path.includes('/pyodide.asm.wasm'));
      expect(wasm.length).toBeGreaterThan(0);
      // Only the gzipped copies are downloaded (3.6 MB instead of 9.6 MB), decompressed in the page.
      for (const file of ['pyodide.asm.wasm', 'pyodide.asm.mjs', 'pyodide-lock.json']) {
        expect(site.server.countRequests(`/dist/pyodide/${file}.gz`), file).toBeGreaterThan(0);
        expect(
          site.server.countRequests((r) => r.path === `/dist/pyodide/${file}`),
          file,
        ).toBe(0);
      }
      expect(site.server.countRequests('/dist/worker.js')).toBeGreaterThan(0);
      const failed = site.server.requests.filter((r) => r.status >= 400 && r.path !== '/favicon.ico');
      expect(failed).toEqual([]);
    });

    test('globals persist between runs', async () => {
      await ctx.page.run('x = 41');
      const r = await ctx.page.run('x + 1');
      expect(r).toMatchObject({ outcome: 'OUTCOME_OK', result: '42' });
    });

    test('print output is returned as stdout', async () => {
      const r = await ctx.page.run('print("hello")\nprint("world")');
      expect(r.outcome).toBe('OUTCOME_OK');
      expect(r.stdout).toBe('hello\nworld\n');
      expect(r.output).toContain('hello\nworld\n');
    });

    test('output written below sys.stdout (os.write, sys.__stdout__) is returned in order with print', async () => {
      const r = await ctx.page.run('import os, sys\nprint("a")\nos.write(1, b"b\\n")\nprint("c", file=sys.__stdout__)\nprint("d")');
      expect(r).toMatchObject({ outcome: 'OUTCOME_OK', stdout: 'a\nb\nc\nd\n' });
    });

    test('an exception gives OUTCOME_FAILED with the exception name', async () => {
      const r = await ctx.page.run('1 / 0');
      expect(r.outcome).toBe('OUTCOME_FAILED');
      expect(r.error?.name).toBe('ZeroDivisionError');
      expect(r.error?.traceback).toContain('ZeroDivisionError');
    });

    test('writeFile then readFile returns the same bytes', async () => {
      const bytes = Uint8Array.from([0, 1, 2, 127, 128, 255, 10, 13]);
      await ctx.page.writeFile('data/blob.bin', bytes);
      expect(await ctx.page.readFile('data/blob.bin')).toEqual(bytes);
    });

    test('Python reads a file written with writeFile, relative to its working directory', async () => {
      await ctx.page.writeFile('notes.txt', 'héllo from the host');
      const r = await ctx.page.run('open("notes.txt", encoding="utf-8").read()');
      expect(r).toMatchObject({ outcome: 'OUTCOME_OK', result: "'héllo from the host'" });
    });

    test('display() of an object with _repr_png_ returns its PNG as an image', async () => {
      const r = await ctx.page.run(
        ['import base64', 'class Dot:', `    def _repr_png_(self): return base64.b64decode("${PNG_1X1_BASE64}")`, 'display(Dot())'].join('\n'),
      );
      expect(r.outcome).toBe('OUTCOME_OK');
      expect(r.images).toEqual([{ mimeType: 'image/png', data: PNG_1X1_BASE64 }]);
    });
  });

  describe('stopping code (one sandbox, each stop leaving it working for the next test)', () => {
    const ctx = useSandboxPage(site, 'stops');

    test('a deadline while a page function is pending aborts its handler and keeps the interpreter', () => deadlineDuringPageFunction(ctx.page));

    test('an endless loop past the deadline is interrupted and earlier globals survive', async () => {
      await ctx.page.run('x = "kept"');
      const r = await ctx.page.run('while True: pass', { timeoutMs: 1000 });
      expect(r).toMatchObject({ outcome: 'OUTCOME_DEADLINE_EXCEEDED', stateLost: false });
      expect(r.durationMs).toBeLessThan(3000);
      expect(await ctx.page.run('x')).toMatchObject({ outcome: 'OUTCOME_OK', result: "'kept'" });
    });

    test('time.sleep past the deadline is interrupted and earlier globals survive', async () => {
      // In a browser worker with an interrupt buffer, Pyodide's sleep wakes up for KeyboardInterrupt.
      await ctx.page.run('x = "kept"');
      const r = await ctx.page.run('import time\ntime.sleep(100)', { timeoutMs: 1000 });
      expect(r).toMatchObject({ outcome: 'OUTCOME_DEADLINE_EXCEEDED', stateLost: false });
      expect(r.durationMs).toBeLessThan(3000);
      expect(await ctx.page.run('x')).toMatchObject({ outcome: 'OUTCOME_OK', result: "'kept'" });
    });

    test('code that swallows KeyboardInterrupt is stopped by replacing the interpreter, and the next run works', async () => {
      // Imported first: on a loaded machine a first import can outlast the deadline, and an
      // interrupt there (outside the try) would simply stop the run.
      await ctx.page.run('import time');
      const swallow = ['while True:', '    try: time.sleep(100)', '    except KeyboardInterrupt: pass'].join('\n');
      const r = await ctx.page.run(swallow, { timeoutMs: 1000 });
      expect(r).toMatchObject({ outcome: 'OUTCOME_DEADLINE_EXCEEDED', stateLost: true });
      expect(r.durationMs).toBeLessThan(5000); // deadline + interruptGraceMs (1 s) + terminate
      expect(await ctx.page.run('1+1')).toMatchObject({ outcome: 'OUTCOME_OK', result: '2' });
    });
  });
});

describe('in a page without cross-origin isolation', { timeout: TEST_TIMEOUT_MS }, () => {
  const ctx = useSandboxPage(useStaticServer({ root: REPO_ROOT, crossOriginIsolated: false }), 'stops');

  test('the page is not crossOriginIsolated and the sandbox is not interruptible', async () => {
    expect(await ctx.page.crossOriginIsolated()).toBe(false);
    expect(ctx.interruptible).toBe(false);
  });

  // The worker's own interrupt at a deadline (loops, time.sleep), keeping state, is
  // deadlines.browser.test.ts's, in every engine.

  test('a deadline while a page function is pending aborts its handler and keeps the interpreter', () => deadlineDuringPageFunction(ctx.page));

  test(PLAIN_CALLS, () => plainPageFunctionCalls(ctx.page, true));

  test('interrupt() during pure-Python loops keeps the interpreter: Python yields for stops (JSPI)', async () => {
    await ctx.page.run('kept = 1\ndef spin():\n    while True: pass\ndef gen():\n    while True: yield 1');
    const swallowing = 'while True:\n    try:\n        while True: pass\n    except BaseException:\n        pass';
    // The last swallows KeyboardInterrupt inside its try; the stop lands again at its next line outside it.
    for (const code of ['while True: pass', 'spin()', '[i for i in range(10**12) if i < 0]', 'sum(gen())', swallowing]) {
      const ticket = await ctx.page.start(code);
      await new Promise((resolve) => setTimeout(resolve, 400));
      await ctx.page.interrupt();
      const r = await ctx.page.finish(ticket);
      console.info(`stop of ${code}: ${r.durationMs.toFixed(0)} ms, ${r.stateLost ? 'state lost' : 'state kept'}`);
      expect(r, code).toMatchObject({ stateLost: false, error: { name: 'KeyboardInterrupt' } });
    }
    expect(await ctx.page.run('kept + 1')).toMatchObject({ outcome: 'OUTCOME_OK', result: '2' });
  });

  test('interrupt() of loops that swallow KeyboardInterrupt keeps the interpreter: the stop lands again past their handler (JSPI)', async () => {
    await ctx.page.run('kept = 1');
    // Each catches the first KeyboardInterrupt, raised at a line or a jump inside its try, and loops again.
    const swallowing = [
      'while True:\n    try:\n        while True:\n            n = 1\n    except BaseException:\n        pass',
      'while True:\n    try:\n        while True: pass\n    except KeyboardInterrupt:\n        print("caught")',
    ];
    for (const code of swallowing) {
      const ticket = await ctx.page.start(code);
      await new Promise((resolve) => setTimeout(resolve, 400));
      await ctx.page.interrupt();
      const r = await ctx.page.finish(ticket);
      console.info(`stop of ${code}: ${r.durationMs.toFixed(0)} ms, ${r.stateLost ? 'state lost' : 'state kept'}`);
      expect(r, code).toMatchObject({ stateLost: false, error: { name: 'KeyboardInterrupt' } });
    }
    expect(await ctx.page.run('kept + 1')).toMatchObject({ outcome: 'OUTCOME_OK', result: '2' });
  });

  test("an aborted signal during a busy loop keeps the interpreter: the run's own signal takes the same yields (JSPI)", async () => {
    await ctx.page.run('kept = 1');
    const r = await ctx.page.run('while True: pass', { abortAfterMs: 400 });
    expect(r).toMatchObject({ stateLost: false, error: { name: 'KeyboardInterrupt' } });
    expect(await ctx.page.run('kept + 1')).toMatchObject({ outcome: 'OUTCOME_OK', result: '2' });
  });

  test('C code that never checks for a stop (sum over a huge range) is stopped by replacing the interpreter, which starts with fresh globals', async () => {
    await ctx.page.run('x = 1');
    const r = await ctx.page.run('sum(range(10**18))', { timeoutMs: 1000 });
    expect(r).toMatchObject({ outcome: 'OUTCOME_DEADLINE_EXCEEDED', stateLost: true });
    expect(r.durationMs).toBeLessThan(5000); // deadline + interruptGraceMs (1 s) + terminate
    expect(await ctx.page.run("'x' in globals()")).toMatchObject({ outcome: 'OUTCOME_OK', result: 'False' });
  });
});

/** Chromium has JSPI (137+). */
const PLAIN_CALLS =
  "plain calls of the page's functions wait in place inside a helper and a loop (JSPI); a deadline or an interrupt while one waits keeps the interpreter";

/** `kept = 1`, a run awaiting a page function that never answers past its 1 s deadline, then `kept` again. */
async function deadlineDuringPageFunction(page: HostPage): Promise<void> {
  await page.run('kept = 1');
  // Long enough for the call to reach the page on a loaded machine (it did not within 1 s once).
  const r = await page.run('await default_api.wait_for_ever()', { timeoutMs: 3000, pageFunctions: ['wait_for_ever'] });
  expect(r).toMatchObject({ outcome: 'OUTCOME_DEADLINE_EXCEEDED', stateLost: false });
  // The call that waited was aborted.
  const seen = await page.page.evaluate(() => {
    const { __pageWaits: waits, __pageAborts: aborts } = window as unknown as { __pageWaits: number; __pageAborts: number };
    return { waits, aborts };
  });
  expect(seen).toEqual({ waits: 1, aborts: 1 });
  expect(await page.run('kept + 1')).toMatchObject({ outcome: 'OUTCOME_OK', result: '2' });
}

/** A fresh browser context (a first visit) per call, closed after the test. */
function useFreshContext(): () => Promise<BrowserContext> {
  let contexts: BrowserContext[] = [];
  afterEach(async () => {
    await Promise.all(contexts.map((context) => context.close()));
    contexts = [];
  });
  return async () => {
    const context = await browser.newContext();
    contexts.push(context);
    return context;
  };
}

/**
 * When the package's own runtime is missing (a build that left it out), the
 * runtime comes from the official CDN, and only if every file is the one this package was built
 * with. The CDN is played by the test's routing: the genuine files of node_modules/pyodide, one
 * tampered on request.
 */
describe('the CDN fallback in a page', { timeout: 2 * TEST_TIMEOUT_MS }, () => {
  const site = useStaticServer({ root: REPO_ROOT, crossOriginIsolated: true });
  const RUNTIME = ['pyodide.mjs', 'pyodide.asm.mjs', 'pyodide.asm.wasm', 'python_stdlib.zip', 'pyodide-lock.json'];
  const newContext = useFreshContext();

  /** A page whose library finds no runtime of its own, and a CDN that changes `tampered` (if any). */
  async function openWithoutOwnRuntime(tampered?: string): Promise<{ page: HostPage; cdnRequests: string[] }> {
    const context = await newContext();
    const cdnRequests: string[] = [];
    await context.route(/\/dist\/pyodide\/[^/]+$/, (route) => {
      const file = new URL(route.request().url()).pathname.split('/').pop()!;
      // The package's own copy (its big files gzipped) is not served.
      return RUNTIME.includes(file.replace(/\.gz$/, '')) ? route.fulfill({ status: 404, body: 'not here' }) : route.fallback();
    });
    await context.route(/^https:\/\/cdn\.jsdelivr\.net\/pyodide\//, (route) => {
      const file = new URL(route.request().url()).pathname.split('/').pop()!;
      cdnRequests.push(file);
      if (!RUNTIME.includes(file)) return route.fulfill({ status: 404 });
      const genuine = readFileSync(`${REPO_ROOT}node_modules/pyodide/${file}`);
      const body = file === tampered ? Buffer.concat([genuine, Buffer.from('\n// tampered\n')]) : genuine;
      return route.fulfill({
        status: 200,
        body,
        headers: {
          'access-control-allow-origin': '*',
          'cross-origin-resource-policy': 'cross-origin',
          'content-type': file.endsWith('.wasm') ? 'application/wasm' : file.endsWith('js') ? 'text/javascript' : 'application/octet-stream',
        },
      });
    });
    return { page: await HostPage.open(context, site.server.origin), cdnRequests };
  }

  test('boots from the genuine files of the exact version', async () => {
    const { page, cdnRequests } = await openWithoutOwnRuntime();
    await page.create({ warmSpare: false, snapshotCache: 'off' });
    expect(await page.run('6 * 7')).toMatchObject({ outcome: 'OUTCOME_OK', result: '42' });
    expect(cdnRequests).toContain('pyodide.asm.wasm');
  });

  test('refuses a tampered pyodide.mjs from the CDN, naming the file and both hashes', async () => {
    const { page } = await openWithoutOwnRuntime('pyodide.mjs');
    const created = await page.create({ warmSpare: false, snapshotCache: 'off' }).then(
      () => 'booted',
      (error: Error) => error.message,
    );
    expect(created).toMatch(
      /pyodide\.mjs is not the file this package was built with \(SHA-256 expected [0-9a-f]{64}, got [0-9a-f]{64}\); refused, not stored/,
    );
  });
});

/**
 * The package's own runtime is loaded gzipped; a runtime set by `indexURL` — a CDN or
 * a self-hosted copy of Pyodide, with no `.gz` files — is loaded as it is, with no setting.
 */
describe('a plain Pyodide folder set by indexURL', { timeout: TEST_TIMEOUT_MS }, () => {
  const site = useStaticServer({ root: REPO_ROOT, crossOriginIsolated: true });
  const newContext = useFreshContext();

  test('boots from its plain files, asking for no .gz file', async () => {
    const context = await newContext();
    const page = await HostPage.open(context, site.server.origin);
    const before = site.server.requests.length;
    await page.create({ indexURL: '/node_modules/pyodide/', warmSpare: false, snapshotCache: 'off' });
    expect(await page.run('6 * 7')).toMatchObject({ outcome: 'OUTCOME_OK', result: '42' });
    const asked = site.server.requests.slice(before).map((r) => r.path);
    expect(asked).toContain('/node_modules/pyodide/pyodide.asm.wasm');
    expect(asked.filter((path) => path.endsWith('.gz'))).toEqual([]);
  });
});

/**
 * On a first visit the standard library's zip comes last; Python is up before it, and a
 * run that needs nothing from it does not wait for it. Chromium has JSPI, so an import from the
 * zip waits inside the run (worker/boot/late-stdlib.ts).
 */
describe("a first visit's standard library, downloaded last", { timeout: TEST_TIMEOUT_MS }, () => {
  const site = useStaticServer({ root: REPO_ROOT, crossOriginIsolated: true });
  const newContext = useFreshContext();

  /** A fresh page whose `python_stdlib.zip` is answered only when `answer` is called. */
  async function openWithStdlibHeld(): Promise<{ page: HostPage; answer: (how: 'serve' | 'fail') => void }> {
    const context = await newContext();
    let answer!: (how: 'serve' | 'fail') => void;
    const answered = new Promise<'serve' | 'fail'>((resolve) => (answer = resolve));
    await context.route('**/python_stdlib.zip', async (route) =>
      (await answered) === 'serve' ? route.fallback() : route.fulfill({ status: 503, body: 'unavailable' }),
    );
    return { page: await HostPage.open(context, site.server.origin), answer };
  }

  const pendingAfter = <T>(promise: Promise<T>, ms: number) =>
    Promise.race([promise, new Promise<'pending'>((resolve) => setTimeout(() => resolve('pending'), ms))]);

  test('create() resolves and a run that imports nothing new finishes before it arrives', async () => {
    const { page, answer } = await openWithStdlibHeld();
    try {
      await page.create();
      expect(await page.run('import math\nsum(range(10)) + math.floor(0.5)')).toMatchObject({ outcome: 'OUTCOME_OK', result: '45' });
    } finally {
      answer('serve');
    }
  });

  test('a run that imports from it waits for it, then runs', async () => {
    const { page, answer } = await openWithStdlibHeld();
    await page.create();
    const run = page.start('import statistics\nstatistics.mean([1, 2])').then((ticket) => page.finish(ticket));
    expect(await pendingAfter(run, 1_000)).toBe('pending');
    answer('serve');
    expect(await run).toMatchObject({ outcome: 'OUTCOME_OK', result: '1.5' });
  });

  test('a run stopped while an import waits for it ends at once, and the interpreter keeps its state', async () => {
    const { page, answer } = await openWithStdlibHeld();
    try {
      await page.create();
      await page.run('x = "kept"');
      const r = await page.run('import statistics', { timeoutMs: 1000 });
      expect(r).toMatchObject({ outcome: 'OUTCOME_DEADLINE_EXCEEDED', stateLost: false });
      expect(await page.run('x')).toMatchObject({ outcome: 'OUTCOME_OK', result: "'kept'" });
    } finally {
      answer('serve');
    }
  });

  test("an error raised inside the standard library before it arrives gets its traceback, without the library's source lines", async () => {
    const { page, answer } = await openWithStdlibHeld();
    try {
      await page.create();
      const r = await page.run("import json\njson.loads('{')");
      expect(r.outcome).toBe('OUTCOME_FAILED');
      expect(r.error?.name).toBe('JSONDecodeError');
      expect(r.error?.traceback).toMatch(/File "\/lib\/python\d+\.zip\/json\/decoder\.py", line \d+, in raw_decode/);
    } finally {
      answer('serve');
    }
  });

  test('when it cannot be downloaded, a run that imports from it fails saying so, and the interpreter goes on', async () => {
    const { page, answer } = await openWithStdlibHeld();
    await page.create();
    answer('fail');
    const r = await page.run('import statistics');
    expect(r.outcome).toBe('OUTCOME_FAILED');
    expect(r.error?.name).toBe('ImportError');
    expect(r.error?.message).toMatch(/standard library could not be loaded.*503/);
    expect(await page.run('6 * 7')).toMatchObject({ outcome: 'OUTCOME_OK', result: '42' });
  });
});
