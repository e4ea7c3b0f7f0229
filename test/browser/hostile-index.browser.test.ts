/**
 * A hostile package index against a Chromium page with the default frame isolation: what the
 * index sends never blocks the page's main thread for 200 ms (plus three times the page's idle
 * pause just before, on a busy machine: support/browser/pause-bound.ts), and what the page fetches for
 * packages carries none of the page's cookies and no `Referer`, even from its own origin.
 *
 * The index and the wheels are served by the page's own origin (routes of the static server), so
 * the browser would attach the page's cookie to every request made with its default credentials.
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { HostPage } from '../support/browser/host-page.js';
import { pauseAgainstIdle, pauseReport } from '../support/pause-bound.js';
import { launchChromium } from '../support/chromium.js';
import { type StaticServer, startStaticServer } from '../support/static-server.js';
import { TINY_WHEEL, type WheelServer, serveTinyWheel } from '../support/tiny-wheel.js';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const MAX_PAUSE_MS = 200;
const SHA = '0'.repeat(64);
const SIMPLE_JSON = 'application/vnd.pypi.simple.v1+json';

/** `chain[e1]`, then `chain[e2]; extra == "e1"`, …: each extra of the chosen project asks for the next one. */
const chainOfExtras = (length: number) => ['chain[e1]', ...Array.from({ length: length - 1 }, (_, i) => `chain[e${i + 2}]; extra == "e${i + 1}"`)];

/** What each request to a route carried, by path. */
const seen = new Map<string, { cookie?: string; referer?: string }[]>();
let wheelBytes: Buffer;
let browser: Browser;
let server: StaticServer;
/** The same site without COOP/COEP: no SharedArrayBuffer, so a stop cannot use the interrupt buffer. */
let plainServer: StaticServer;
/** Responses of the index that never answers, ended after the tests so the servers can close. */
const unanswered: ServerResponse[] = [];
let wheels: WheelServer;

/** A route that notes the request's cookie and referrer, then answers with `reply`. */
function noting(reply: (res: ServerResponse) => number) {
  return (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '').split('?')[0]!;
    seen.set(path, [...(seen.get(path) ?? []), { cookie: req.headers.cookie, referer: req.headers.referer }]);
    return reply(res);
  };
}

function json(res: ServerResponse, body: unknown): number {
  res.writeHead(200, { 'content-type': SIMPLE_JSON }).end(JSON.stringify(body));
  return 200;
}

/** One project page of one pure wheel, with its metadata served beside it. */
function project(name: string, metadata: string) {
  const filename = `${name}-1.0-py3-none-any.whl`;
  return {
    [`/simple/${name}/`]: noting((res) => json(res, { files: [{ filename, url: `/files/${filename}`, hashes: { sha256: SHA }, 'core-metadata': true }] })),
    [`/files/${filename}.metadata`]: noting((res) => {
      res.writeHead(200, { 'content-type': 'text/plain' }).end(metadata);
      return 200;
    }),
  };
}

const metadataOf = (name: string, requires: string[]) =>
  ['Metadata-Version: 2.1', `Name: ${name}`, ...requires.map((line) => `Requires-Dist: ${line}`), '', ''].join('\n');

/** `count` ordinary requirement lines, about 50 bytes each. */
const requirementLines = (count: number) => Array.from({ length: count }, (_, i) => `dep${i} >=1.0; python_version >= "3.9"`);

/** 30,000 wheels of one version (about 5 MB of page): the picker must not group them quadratically. */
function manyFiles() {
  return Array.from({ length: 30_000 }, (_, i) => ({
    filename: `many-1.0-${i}-py3-none-any.whl`,
    url: `/files/many-1.0-${i}-py3-none-any.whl`,
    hashes: { sha256: SHA },
    'core-metadata': true,
  }));
}

beforeAll(async () => {
  wheels = await serveTinyWheel();
  wheelBytes = Buffer.from(await (await fetch(`${wheels.baseUrl}${TINY_WHEEL}`)).arrayBuffer());
  expect(createHash('sha256').update(wheelBytes).digest('hex')).toBe(JSON.parse(wheels.lockFileContents).packages.tinypkg.sha256);
  const routes = {
    [`/own-wheels/${TINY_WHEEL}`]: noting((res) => {
      res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(wheelBytes);
      return 200;
    }),
    '/simple/absentpkg/': noting((res) => {
      res.writeHead(404).end();
      return 404;
    }),
    ...project('chain', metadataOf('chain', chainOfExtras(300))),
    ...project('ordinary', metadataOf('ordinary', requirementLines(10_000))),
    ...project('huge', metadataOf('huge', requirementLines(30_000))),
    '/simple/many/': noting((res) => json(res, { files: manyFiles() })),
    '/simple/never-answered/': noting((res) => {
      unanswered.push(res);
      return 0;
    }),
  };
  [browser, server, plainServer] = await Promise.all([
    launchChromium(),
    startStaticServer({ root: REPO_ROOT, crossOriginIsolated: true, routes }),
    startStaticServer({ root: REPO_ROOT, routes }),
  ]);
}, 60_000);
afterAll(async () => {
  for (const res of unanswered) res.destroy();
  await Promise.all([browser?.close(), server?.close(), plainServer?.close(), wheels?.close()]);
});

/** A page holding a session cookie for its own origin, with a sandbox whose index and wheels are on that origin. */
async function openSandbox(on: StaticServer = server): Promise<{ context: BrowserContext; host: HostPage }> {
  const context = await browser.newContext();
  await context.addCookies([{ name: 'session', value: 'secret-session', url: on.origin }]);
  const host = await HostPage.open(context, on.origin);
  await host.create({
    packageIndex: `${on.origin}/simple/`,
    packageBaseUrl: `${on.origin}/own-wheels/`,
    lockFileContents: wheels.lockFileContents,
    warmSpare: false,
  });
  return { context, host };
}

describe('a hostile package index, in Chromium with the isolated sandbox', { timeout: 120_000 }, () => {
  test('a lock-file wheel on the page’s own origin is fetched without the page’s cookie or a Referer', async () => {
    const { context, host } = await openSandbox();
    try {
      expect(await host.page.evaluate(() => document.cookie)).toContain('session=secret-session');
      const r = await host.run('import tinypkg\ntinypkg.ANSWER');
      expect(r).toMatchObject({ outcome: 'OUTCOME_OK', result: '42' });
      const requests = seen.get(`/own-wheels/${TINY_WHEEL}`) ?? [];
      expect(requests.length).toBeGreaterThan(0);
      expect(requests).toEqual(requests.map(() => ({ cookie: undefined, referer: undefined })));
    } finally {
      await context.close();
    }
  });

  test('an index project page on the page’s own origin is asked for without the page’s cookie or a Referer', async () => {
    const { context, host } = await openSandbox();
    try {
      const r = await host.run('import absentpkg');
      expect(r.error?.name).toBe('PackageLoadError');
      expect(r.error?.message).toMatch(/absentpkg is not on the package index/);
      const requests = seen.get('/simple/absentpkg/') ?? [];
      expect(requests.length).toBeGreaterThan(0);
      expect(requests).toEqual(requests.map(() => ({ cookie: undefined, referer: undefined })));
    } finally {
      await context.close();
    }
  });

  /** What the index sends, the import that asks for it, and how the run must fail. */
  const attacks = [
    {
      what: 'metadata chaining 300 extras of one project fails at the extras bound',
      module: 'chain',
      error: /more than 64 extras of chain were asked for in one run/,
    },
    {
      what: 'metadata of 10,000 requirement lines (500 kB) is refused at the line bound',
      module: 'ordinary',
      error: /ordinary's metadata has 10000 requirements, more than 500; refused/,
    },
    {
      what: 'metadata over 1 MB is refused at the byte bound',
      module: 'huge',
      error: /the metadata of huge-1.0-py3-none-any.whl is over 1048576 bytes; refused/,
    },
    // Every file is the same pure wheel with a zero hash: one is picked, then refused.
    { what: 'a project page of 30,000 wheels of one version is picked from, then refused', module: 'many', error: /many/ },
  ];
  for (const { what, module, error } of attacks) {
    test(`${what}, with no main-thread pause of 200 ms`, async () => {
      const { context, host } = await openSandbox();
      try {
        const pauses = await pauseAgainstIdle(
          (fn) => host.longestStallDuring(fn),
          MAX_PAUSE_MS,
          () => host.run(`import ${module}`),
        );
        expect(pauses.value.error?.name).toBe('PackageLoadError');
        expect(pauses.value.error?.message).toMatch(error);
        console.info(`[${module}] ${pauseReport(pauses)}`);
        expect(pauses.stallMs, pauseReport(pauses)).toBeLessThan(pauses.boundMs);
      } finally {
        await context.close();
      }
    });
  }

  for (const isolated of [true, false]) {
    test(`a stop while the index has not answered ends the run as interrupted and keeps the interpreter (${isolated ? 'cross-origin isolated' : 'plain'} page)`, async () => {
      const { context, host } = await openSandbox(isolated ? server : plainServer);
      try {
        await host.run('kept = 7');
        const ticket = await host.start('import never_answered');
        await expect.poll(() => seen.get('/simple/never-answered/')?.length ?? 0, { timeout: 30_000 }).toBeGreaterThan(0);
        await host.interrupt();
        const r = await host.finish(ticket);
        expect(r).toMatchObject({ stateLost: false, error: { name: 'KeyboardInterrupt' } });
        expect(r.error?.message).toMatch(/Variables are kept/);
        expect(await host.run('kept')).toMatchObject({ outcome: 'OUTCOME_OK', result: '7', stateLost: false });
      } finally {
        seen.delete('/simple/never-answered/');
        await context.close();
      }
    });
  }
});
