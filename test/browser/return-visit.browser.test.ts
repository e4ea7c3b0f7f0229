/**
 * Return visits in Chromium, default isolation: a first visit stores the boot snapshot and
 * Pyodide's runtime in Cache Storage; later pages of the same context restore from them. What is
 * stored is only trusted while it fits: a changed build, damaged entries or a damaged snapshot
 * each cost a normal load, never a broken sandbox.
 *
 * The tests share one browser context and run in order: the first one fills the storage.
 * Needs the lib build (`npx vite build --mode lib`).
 */
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { launchChromium } from '../support/chromium.js';
import { type StaticServer, startStaticServer } from '../support/static-server.js';
import { HostPage } from '../support/browser/host-page.js';
import { REPO_ROOT, requireLibBuild } from '../support/browser/repo.js';

const TEST_TIMEOUT_MS = 180_000;
const RUNTIME_CACHE = 'python-sandbox-runtime';
const SNAPSHOT_CACHE = 'python-sandbox-snapshots';
/** The runtime files under the URLs the package's copy is loaded from: the big ones gzipped (stored decompressed). */
const RUNTIME_FILES = ['pyodide.mjs', 'pyodide.asm.mjs.gz', 'pyodide.asm.wasm.gz', 'python_stdlib.zip', 'pyodide-lock.json.gz'];

let browser: Browser;
let server: StaticServer;
let context: BrowserContext;

beforeAll(async () => {
  requireLibBuild();
  [browser, server] = await Promise.all([launchChromium(), startStaticServer({ root: REPO_ROOT, crossOriginIsolated: true })]);
  context = await browser.newContext();
}, TEST_TIMEOUT_MS);

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await server?.close();
});

/** Each visit's progress messages delivered before create() resolved (what the widget's progress bar shows), by boot path. */
const lastProgress: Record<string, string[]> = {};

/**
 * Opens a page, creates the default sandbox, runs `1+1`, waits for background work, closes the
 * page. Without the snapshot shipped with the package, so a first visit boots and stores its own
 * (the shipped one has its own tests below).
 */
async function visit(): Promise<{ bootPath: string; result?: string }> {
  const host = await HostPage.open(context, server.origin);
  try {
    const { bootPath, progress } = await host.create({ shippedSnapshot: false });
    (lastProgress[bootPath] ??= []).push(progress.join(' | '));
    const r = await host.run('1 + 1');
    await host.whenIdle();
    return { bootPath, result: r.result };
  } finally {
    await host.close();
  }
}

/** The "Downloading Python (x of y MB)" progress reports in a visit's messages, as [x, y]. */
function downloadReports(messages: string): Array<[number, number]> {
  return [...messages.matchAll(/Downloading Python \((\d+\.\d) of (\d+\.\d) MB\)/g)].map(([, loaded, total]) => [Number(loaded), Number(total)]);
}

/** Runs `fn(cacheName)` in a page of the context (for reading and changing Cache Storage). */
async function inPage<T>(fn: (cacheName: string) => Promise<T>, cacheName: string): Promise<T> {
  const page = await context.newPage();
  try {
    await page.goto(`${server.origin}/test/browser/pages/host.html`);
    return await page.evaluate(fn, cacheName);
  } finally {
    await page.close();
  }
}

/** The stored runtime: file name → [build header, size in bytes]. */
function storedRuntime(): Promise<Record<string, [string | null, number]>> {
  return inPage(async (name) => {
    const cache = await caches.open(name);
    const out: Record<string, [string | null, number]> = {};
    for (const request of await cache.keys()) {
      const response = (await cache.match(request)) as Response;
      out[request.url.split('/').pop() as string] = [response.headers.get('x-python-sandbox-build'), (await response.blob()).size];
    }
    return out;
  }, RUNTIME_CACHE);
}

/** Replaces the stored `pyodide.asm.mjs(.gz)` with a script that throws, keeping its build header. */
function damageStoredRuntime(): Promise<void> {
  return inPage(async (name) => {
    const cache = await caches.open(name);
    const request = (await cache.keys()).find((r) => r.url.endsWith('/pyodide.asm.mjs.gz')) as Request;
    const stored = (await cache.match(request)) as Response;
    await cache.put(request, new Response('throw new Error("damaged");', { headers: stored.headers }));
  }, RUNTIME_CACHE);
}

describe('return visits (one browser context, in order)', () => {
  test(
    'a first visit boots fully and stores the runtime and a snapshot',
    async () => {
      expect(await visit()).toEqual({ bootPath: 'fresh', result: '2' });
      const runtime = await storedRuntime();
      expect(Object.keys(runtime).sort()).toEqual([...RUNTIME_FILES].sort());
      expect(new Set(Object.values(runtime).map(([build]) => build)).size).toBe(1);
      // Stored as the worker takes it: decompressed (9.6 MB, the .gz is 3.6 MB).
      expect(runtime['pyodide.asm.wasm.gz'][1]).toBeGreaterThan(9_000_000);
      const snapshots = await inPage(async (name) => (await (await caches.open(name)).keys()).length, SNAPSHOT_CACHE);
      expect(snapshots).toBe(1);
    },
    TEST_TIMEOUT_MS,
  );

  test(
    'a return visit restores from the stored snapshot',
    async () => {
      expect(await visit()).toEqual({ bootPath: 'snapshot', result: '2' });
    },
    TEST_TIMEOUT_MS,
  );

  test('the progress messages, all delivered before create() resolves, say which path was taken: a first load, or restored from a snapshot', () => {
    expect(lastProgress.fresh?.[0]).toMatch(/Loading the Python runtime.*\| Python is ready$/);
    expect(lastProgress.snapshot?.[0]).toMatch(/Restoring Python from a snapshot.*\| Python is ready \(restored from a snapshot\)$/);
  });

  test('a first load reports its download in bytes up to the total, counting the gzipped runtime as it comes over the wire; a return visit downloads too little to report', () => {
    const first = downloadReports(lastProgress.fresh?.[0] ?? '');
    expect(first.length).toBeGreaterThan(0);
    const [loaded, total] = first.at(-1)!;
    expect(loaded).toBe(total);
    // The gzipped runtime is 6.4 MB (its files as they are: 13.5 MB).
    expect(total).toBeGreaterThan(6);
    expect(total).toBeLessThan(7);
    expect(downloadReports(lastProgress.snapshot?.[0] ?? '')).toEqual([]);
  });

  test(
    'offline, a return visit boots from the stored runtime',
    async () => {
      const requested: string[] = [];
      // Routing also bypasses the HTTP cache: every runtime request fails as if offline.
      await context.route('**/dist/pyodide/**', (route) => {
        requested.push(route.request().url());
        return route.abort('internetdisconnected');
      });
      try {
        expect(await visit()).toEqual({ bootPath: 'snapshot', result: '2' });
        expect(requested.some((url) => url.endsWith('/pyodide.mjs'))).toBe(true);
      } finally {
        await context.unroute('**/dist/pyodide/**');
      }
    },
    TEST_TIMEOUT_MS,
  );

  test(
    'a changed pyodide.mjs means a new build: the stored files are not used, and are replaced',
    async () => {
      await damageStoredRuntime();
      const before = await storedRuntime();
      // The same runtime with one more comment: another fingerprint.
      await context.route('**/dist/pyodide/pyodide.mjs', async (route) => {
        const response = await route.fetch();
        await route.fulfill({ response, body: `${await response.text()}\n// rebuilt\n` });
      });
      try {
        expect((await visit()).result).toBe('2');
      } finally {
        await context.unroute('**/dist/pyodide/pyodide.mjs');
      }
      const after = await storedRuntime();
      expect(after['pyodide.asm.mjs.gz'][0]).not.toBe(before['pyodide.asm.mjs.gz'][0]);
      expect(after['pyodide.asm.mjs.gz'][1]).toBeGreaterThan(1_000_000);
    },
    TEST_TIMEOUT_MS,
  );

  test(
    'a damaged stored runtime fails one boot, is dropped, and the next visit loads it again',
    async () => {
      // Back to the served pyodide.mjs: the stored files (of the "rebuilt" one) do not match it, so store them under it first.
      expect((await visit()).result).toBe('2');
      await damageStoredRuntime();
      const host = await HostPage.open(context, server.origin);
      try {
        // Storage slow to delete, and the page closed as soon as the failure is told: the failure
        // must come once the damaged copy is gone, or the next visit finds it again.
        await host.page.evaluate(() => {
          const remove = Cache.prototype.delete;
          Cache.prototype.delete = function (...args) {
            return new Promise((resolve) => setTimeout(resolve, 500)).then(() => remove.apply(this, args));
          };
        });
        await expect(host.create({ shippedSnapshot: false })).rejects.toThrow(/SandboxBootError|failed to start|did not start/);
      } finally {
        await host.close();
      }
      expect((await visit()).result).toBe('2');
      expect((await storedRuntime())['pyodide.asm.mjs.gz'][1]).toBeGreaterThan(1_000_000);
    },
    TEST_TIMEOUT_MS,
  );

  test(
    'a damaged stored snapshot means a normal boot, and a new snapshot replaces it',
    async () => {
      await inPage(async (name) => {
        const cache = await caches.open(name);
        for (const request of await cache.keys()) await cache.put(request, new Response(new Uint8Array(4096).fill(7)));
      }, SNAPSHOT_CACHE);
      expect(await visit()).toEqual({ bootPath: 'fresh', result: '2' });
      expect(await visit()).toEqual({ bootPath: 'snapshot', result: '2' });
    },
    TEST_TIMEOUT_MS,
  );
});

test(
  'where Cache Storage refuses to store, a second sandbox of the page still restores from the snapshot',
  async () => {
    const refusing = await browser.newContext();
    try {
      await refusing.addInitScript(() => {
        Cache.prototype.put = () => Promise.reject(new DOMException('storage refused', 'QuotaExceededError'));
      });
      const host = await HostPage.open(refusing, server.origin);
      expect(await host.create({ shippedSnapshot: false })).toMatchObject({ bootPath: 'fresh' });
      await host.whenIdle();
      expect(await host.create({ shippedSnapshot: false }, 'second')).toMatchObject({ bootPath: 'snapshot' });
      expect(await host.run('1 + 1', {}, 'second')).toMatchObject({ outcome: 'OUTCOME_OK', result: '2' });
    } finally {
      await refusing.close();
    }
  },
  TEST_TIMEOUT_MS,
);

/**
 * A first visit restores the snapshot built into the package instead of booting, in a
 * context of its own (nothing stored), and keeps it for the next visit.
 */
describe('a first visit with the snapshot shipped with the package', () => {
  test(
    "restores Python, takes the page's time zone, and stores the snapshot for the next visit",
    async () => {
      const fresh = await browser.newContext({ timezoneId: 'America/New_York' });
      try {
        const host = await HostPage.open(fresh, server.origin);
        const created = await host.create();
        expect(created.bootPath).toBe('snapshot');
        expect(created.progress.join(' | ')).toMatch(/Restoring Python/);
        // The runtime and the shipped snapshot download together, one byte count: 6.4 + 3.7 MB. A
        // restore does not wait for the standard library, so on a busy machine it may still be
        // arriving when create() resolves: its bytes count on, up to the total.
        expect(downloadReports(created.progress.join(' | ')).length).toBeGreaterThan(0);
        const lastReport = async () => downloadReports((await host.progress()).join(' | ')).at(-1)!;
        await expect.poll(lastReport, { timeout: 60_000 }).toSatisfy(([loaded, total]: [number, number]) => loaded === total);
        expect((await lastReport())[1]).toBeGreaterThan(9.5);
        const r = await host.run('import time, sys\ntime.tzname, time.timezone, time.strftime("%Z", time.localtime(0)), sys.platform');
        expect(r.result).toBe("(('UTC-0500', 'UTC-0400'), 18000, 'UTC-0500', 'emscripten')");
        await host.whenIdle();
        await host.close();
        // The next visit restores it from Cache Storage, even with the shipped file gone.
        await fresh.route('**/sandbox-snapshot.bin.gz', (route) => route.fulfill({ status: 404, body: 'gone' }));
        const again = await HostPage.open(fresh, server.origin);
        expect((await again.create()).bootPath).toBe('snapshot');
        await again.close();
      } finally {
        await fresh.close();
      }
    },
    TEST_TIMEOUT_MS,
  );

  test(
    "downloads the runtime's big files and the snapshot in a worker of their own, so their bytes never pass through the page's heap",
    async () => {
      const fresh = await browser.newContext();
      try {
        const host = await HostPage.open(fresh, server.origin);
        expect((await host.create()).bootPath).toBe('snapshot');
        // The page's own resource timeline lists what the page fetched itself (a worker keeps its own).
        const fetched = await host.page.evaluate(() => performance.getEntriesByType('resource').map((e) => e.name.split('/').pop()));
        expect(fetched).toEqual(expect.arrayContaining(['pyodide.mjs', 'pyodide-lock.json.gz']));
        expect(fetched.filter((name) => /pyodide\.asm|python_stdlib|sandbox-snapshot/.test(name ?? ''))).toEqual([]);
        await host.close();
      } finally {
        await fresh.close();
      }
    },
    TEST_TIMEOUT_MS,
  );

  test(
    'an app that does not serve it boots Python normally',
    async () => {
      const fresh = await browser.newContext();
      try {
        await fresh.route('**/sandbox-snapshot.bin.gz', (route) => route.fulfill({ status: 404, body: 'not here' }));
        const host = await HostPage.open(fresh, server.origin);
        expect((await host.create()).bootPath).toBe('fresh');
        expect(await host.run('6 * 7')).toMatchObject({ outcome: 'OUTCOME_OK', result: '42' });
        await host.close();
      } finally {
        await fresh.close();
      }
    },
    TEST_TIMEOUT_MS,
  );
});
