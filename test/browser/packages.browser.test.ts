/**
 * Packages in the isolated browser sandbox: the host fetches wheels for it (lock-file entries
 * only, SHA-256 checked), starts downloads early, and keeps them in Cache Storage for return
 * visits. Proven offline with a wheel built and served on localhost.
 */
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { launchChromium } from '../support/chromium.js';
import { type StaticServer, startStaticServer } from '../support/static-server.js';
import { type FakeIndex, indexWheelsMissing, lockWith, startFakeIndex } from '../support/fake-pypi.js';
import { type WheelServer, serveTinyWheel } from '../support/tiny-wheel.js';
import { HostPage, type PlainSandboxOptions } from '../support/browser/host-page.js';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const WHEEL_PATH = '/tinypkg-1.0.0-py3-none-any.whl';

let browser: Browser;
let server: StaticServer;
let wheels: WheelServer;

beforeAll(async () => {
  [browser, server, wheels] = await Promise.all([launchChromium(), startStaticServer({ root: REPO_ROOT, crossOriginIsolated: true }), serveTinyWheel()]);
});
afterAll(async () => {
  await Promise.all([browser?.close(), server?.close(), wheels?.close()]);
});

async function openSandbox(context: BrowserContext, extra: PlainSandboxOptions = {}): Promise<HostPage> {
  const host = await HostPage.open(context, server.origin);
  await host.create({ packageBaseUrl: wheels.baseUrl, lockFileContents: wheels.lockFileContents, warmSpare: false, ...extra });
  return host;
}

const wheelRequests = () => wheels.requests.filter((path) => path === WHEEL_PATH).length;

describe('packages in the isolated sandbox', { timeout: 90_000 }, () => {
  test('imports a lock-file package, fetched by the host', async () => {
    const context = await browser.newContext();
    try {
      const host = await openSandbox(context);
      const r = await host.run('import tinypkg\ntinypkg.greet("frame")');
      expect(r.outcome).toBe('OUTCOME_OK');
      expect(r.result).toBe("'hello frame'");
    } finally {
      await context.close();
    }
  });

  test('on a first visit, a cell that loads a lock-file package waits for the late standard library (the loader needs it), then imports', async () => {
    const context = await browser.newContext();
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    await context.route('**/python_stdlib.zip', async (route) => {
      await released;
      await route.fallback();
    });
    try {
      const host = await openSandbox(context);
      const run = host.start('import tinypkg\ntinypkg.greet("late")').then((ticket) => host.finish(ticket));
      // The host may download the wheel meanwhile (package-broker.ts prefetches); the cell waits.
      expect(await Promise.race([run, new Promise((resolve) => setTimeout(() => resolve('waiting'), 1_000))])).toBe('waiting');
      release();
      expect(await run).toMatchObject({ outcome: 'OUTCOME_OK', result: "'hello late'" });
    } finally {
      release();
      await context.close();
    }
  });

  test("with isolation: 'worker' (trusted code), the worker fetches the lock-file wheel itself", async () => {
    const context = await browser.newContext();
    try {
      const before = wheelRequests();
      const host = await openSandbox(context, { isolation: 'worker' });
      const r = await host.run('import tinypkg\ntinypkg.greet("worker")');
      expect(r).toMatchObject({ outcome: 'OUTCOME_OK', result: "'hello worker'" });
      expect(wheelRequests()).toBe(before + 1);
      expect(await host.sandboxFrameCount()).toBe(0);
    } finally {
      await context.close();
    }
  });

  test('downloads preloadPackages before any run asks for them', async () => {
    const context = await browser.newContext();
    try {
      const before = wheelRequests();
      await openSandbox(context, { preloadPackages: ['tinypkg'] });
      await expect.poll(wheelRequests, { timeout: 10_000 }).toBe(before + 1);
    } finally {
      await context.close();
    }
  });

  test('a return visit loads the wheel from Cache Storage, not the network', async () => {
    const context = await browser.newContext();
    try {
      const first = await openSandbox(context);
      expect((await first.run('import tinypkg')).outcome).toBe('OUTCOME_OK');
      await first.close();
      const before = wheelRequests();
      const second = await openSandbox(context);
      expect((await second.run('import tinypkg\ntinypkg.ANSWER')).result).toBe('42');
      expect(wheelRequests()).toBe(before);
    } finally {
      await context.close();
    }
  });

  test('a wheel whose bytes do not match the lock file fails to load, naming the package', async () => {
    const context = await browser.newContext();
    try {
      const lock = JSON.parse(wheels.lockFileContents);
      lock.packages.tinypkg.sha256 = '0'.repeat(64);
      const host = await openSandbox(context, { lockFileContents: JSON.stringify(lock) });
      const r = await host.run('import tinypkg');
      expect(r.outcome).toBe('OUTCOME_FAILED');
      expect(r.error?.name).toBe('PackageLoadError');
      expect(r.error?.message).toMatch(/tinypkg/);
    } finally {
      await context.close();
    }
  });
});

/** Imports the lock file does not provide, from a loopback package index of real wheels. */
const indexMissing = indexWheelsMissing();
describe.skipIf(!!indexMissing)(
  indexMissing ? `packages from a package index (skipped: ${indexMissing})` : 'packages from a package index, in the isolated sandbox',
  { timeout: 90_000 },
  () => {
    let index: FakeIndex;
    let tamperedIndex: FakeIndex;
    beforeAll(async () => {
      [index, tamperedIndex] = await Promise.all([startFakeIndex(), startFakeIndex({ tampered: ['tabulate'] })]);
    });
    afterAll(() => Promise.all([index?.close(), tamperedIndex?.close()]));

    const openWithIndex = async (context: BrowserContext, from: FakeIndex) => {
      const host = await HostPage.open(context, server.origin);
      await host.create({ packageIndex: from.indexUrl, packageBaseUrl: from.lockBaseUrl, lockFileContents: lockWith(from), warmSpare: false });
      return host;
    };

    test('openpyxl and its et_xmlfile come from the index, fetched and checked by the host, and write an .xlsx', async () => {
      const context = await browser.newContext();
      try {
        const host = await openWithIndex(context, index);
        const r = await host.run('import openpyxl\nwb = openpyxl.Workbook()\nwb.active.append(["q", 3])\nwb.save("out.xlsx")');
        expect(r.error).toBeUndefined();
        expect(r.files.map((f) => f.path)).toEqual(['out.xlsx']);
        expect(index.requests).toContain('/simple/et-xmlfile/');
      } finally {
        await context.close();
      }
    });

    test("an index wheel whose SHA-256 does not match the index's is refused, and the next run works", async () => {
      const context = await browser.newContext();
      try {
        const host = await openWithIndex(context, tamperedIndex);
        const r = await host.run('import tabulate\nprint("imported")');
        expect(r.error?.name).toBe('PackageLoadError');
        expect(r.error?.message).toMatch(/tabulate .*SHA-256 does not match the package index's; refused, not installed/);
        expect(await host.run('6 * 7')).toMatchObject({ outcome: 'OUTCOME_OK', result: '42' });
      } finally {
        await context.close();
      }
    });
  },
);
