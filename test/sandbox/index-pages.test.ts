/**
 * The package index is hostile too: what it sends is bounded before it is parsed, and checked
 * before it is used (URLs, hashes, sizes, request counts).
 */
import { createServer } from 'node:http';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { MAX_INDEX_PAGE_BYTES } from '../../src/sandbox/packages/package-index/index-page-files.js';
import { IndexClient } from '../../src/sandbox/packages/package-index/index-pages.js';
import { type Listening, listenOnLoopback } from '../support/loopback.js';

const SHA = 'a'.repeat(64);
const pages: Record<string, { type?: string; body: string | Buffer }> = {};
/** Paths answered with a redirect to another (`Location` as given). */
const redirects: Record<string, string> = {};
/** Every path asked, in order, with the headers that came with it. */
const asked: Array<{ path: string; headers: Record<string, string | string[] | undefined> }> = [];
let server: Listening;
beforeAll(async () => {
  server = await listenOnLoopback(
    createServer((request, response) => {
      asked.push({ path: request.url ?? '', headers: request.headers });
      const location = redirects[request.url ?? ''];
      if (location) return void response.writeHead(302, { location }).end();
      const page = pages[request.url ?? ''];
      if (!page) return void response.writeHead(404).end();
      response.writeHead(200, { 'content-type': page.type ?? 'application/vnd.pypi.simple.v1+json' }).end(page.body);
    }),
  );
});
afterAll(() => server?.close());

const client = (maxRequests = 10) => new IndexClient(`${server.origin}/simple/`, AbortSignal.timeout(10_000), maxRequests);
const file = (over: Record<string, unknown>) => ({
  filename: 'a-1.0-py3-none-any.whl',
  url: '../../files/a-1.0-py3-none-any.whl',
  hashes: { sha256: SHA },
  ...over,
});

describe('the package index client', () => {
  test('resolves relative file URLs against the page, and reads hashes, Requires-Python and metadata keys', async () => {
    pages['/simple/a/'] = { body: JSON.stringify({ files: [file({ 'requires-python': '>=3.9', 'core-metadata': { sha256: SHA } })] }) };
    expect(await client().files('a')).toEqual([
      {
        filename: 'a-1.0-py3-none-any.whl',
        url: `${server.origin}/files/a-1.0-py3-none-any.whl`,
        sha256: SHA,
        requiresPython: '>=3.9',
        yanked: false,
        hasMetadata: true,
        metadataSha256: SHA,
        size: undefined,
      },
    ]);
  });

  test('drops files without a SHA-256, with a non-http(s) URL, or that are not wheels', async () => {
    pages['/simple/b/'] = {
      body: JSON.stringify({
        files: [
          file({ hashes: {} }),
          file({ url: 'javascript:alert(1)' }),
          file({ url: 'file:///etc/passwd' }),
          file({ filename: 'a-1.0.tar.gz' }),
          file({ filename: '../../x.whl' }),
        ],
      }),
    };
    expect(await client().files('b')).toEqual([]);
  });

  test('a project the index does not have is undefined (not an error)', async () => {
    expect(await client().files('nothere')).toBeUndefined();
  });

  test('a page that is not PEP 691 JSON (an HTML simple page) is a clear error', async () => {
    pages['/simple/c/'] = { type: 'text/html', body: '<html></html>' };
    await expect(client().files('c')).rejects.toThrow(/not PEP 691 JSON/);
  });

  test('a page over the size bound is refused before it is parsed', async () => {
    pages['/simple/d/'] = { body: Buffer.alloc(MAX_INDEX_PAGE_BYTES + 1, 32) };
    await expect(client().files('d')).rejects.toThrow(/over 8388608 bytes; refused/);
  });

  test('metadata that does not match its SHA-256 is refused', async () => {
    pages['/files/a-1.0-py3-none-any.whl.metadata'] = { type: 'text/plain', body: 'Name: a\n' };
    const [entry] = (await client().files('a'))!;
    await expect(client().metadata(entry)).rejects.toThrow(/does not match its SHA-256/);
  });

  test('requests past the bound are refused without reaching the server', async () => {
    const bounded = client(1);
    await bounded.files('a');
    await expect(bounded.files('a')).rejects.toThrow(/more than 1 requests to the package index/);
  });
});

describe('redirects from the index', () => {
  test('are followed, and file URLs resolve against the page they led to', async () => {
    pages['/simple/moved/'] = { body: JSON.stringify({ files: [file({ url: 'f/a-1.0-py3-none-any.whl' })] }) };
    redirects['/simple/m/'] = '/simple/moved/';
    const [entry] = (await client().files('m'))!;
    expect(entry.url).toBe(`${server.origin}/simple/moved/f/a-1.0-py3-none-any.whl`);
  });

  test('a redirect loop is refused after 5 redirects, not the 20 a browser would follow', async () => {
    redirects['/simple/loop/'] = '/simple/loop/';
    const before = asked.length;
    await expect(client(64).files('loop')).rejects.toThrow(/redirected more than 5 times/);
    expect(asked.length - before).toBe(6);
  });

  test('each redirect counts as a request against the bound', async () => {
    redirects['/simple/hop/'] = '/simple/hop2/';
    redirects['/simple/hop2/'] = '/simple/a/';
    const before = asked.length;
    await expect(client(2).files('hop')).rejects.toThrow(/more than 2 requests to the package index/);
    expect(asked.length - before).toBe(2);
  });

  test('a redirect to a URL that is not http(s) is refused', async () => {
    redirects['/simple/elsewhere/'] = 'file:///etc/passwd';
    await expect(client().files('elsewhere')).rejects.toThrow(/redirected to a file: URL; refused/);
  });
});

describe("the worker's index requests", () => {
  test('are taken only as a few Python identifiers', async () => {
    const { parseWorkerEvent } = await import('../../src/sandbox/session/worker-answers.js');
    expect(parseWorkerEvent({ type: 'index-request', requestId: 1, names: ['tabulate', 'docx', 'tabulate'] })).toEqual({
      type: 'index-request',
      requestId: 1,
      names: ['tabulate', 'docx'],
    });
  });

  test('that do not fit are refused with a reason the host answers with, never dropped', async () => {
    const { parseWorkerEvent } = await import('../../src/sandbox/session/worker-answers.js');
    for (const names of [[], ['../x'], ['a b'], ['café'], ['x'.repeat(101)], Array.from({ length: 17 }, (_, i) => `m${i}`), 'tabulate', [7]]) {
      const event = parseWorkerEvent({ type: 'index-request', requestId: 1, names });
      expect(event).toMatchObject({ type: 'index-request', requestId: 1, names: [], refused: expect.any(String) });
    }
    expect(parseWorkerEvent({ type: 'index-request', requestId: -1, names: ['a'] })).toBeUndefined();
  });
});

describe('the packageIndex option', () => {
  test('is off when absent or false, and an http(s) URL ending in / otherwise', async () => {
    const { resolvePackageIndex } = await import('../../src/sandbox/packages/package-index-option.js');
    expect(resolvePackageIndex(undefined, 'file:///app/')).toBeUndefined();
    expect(resolvePackageIndex(false, 'file:///app/')).toBeUndefined();
    expect(resolvePackageIndex('https://pypi.org/simple', 'file:///app/')).toBe('https://pypi.org/simple/');
    expect(() => resolvePackageIndex('file:///etc/', 'file:///app/')).toThrow(TypeError);
    expect(() => resolvePackageIndex(true, 'file:///app/')).toThrow(/packageIndex must be a URL or false/);
  });
});
