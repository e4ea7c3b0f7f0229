/**
 * The browsers' runtime loader, against a server that answers what a misconfigured host does, and
 * with Cache Storage (an in-memory stand-in here; the real one is covered by return-visit.browser.test.ts).
 */
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RuntimeFiles } from '../../src/shared/protocol.js';
import { loadRuntime } from '../../src/sandbox/runtime/runtime-files.js';
import { runtimeIn } from '../../src/sandbox/runtime/runtime-urls.js';

let server: Server;
let origin: string;
/** Paths asked for, in order, each with whether pyodide.mjs had been answered yet. */
let requests: Array<{ path: string; identityAnswered: boolean }> = [];
let identityAnswered = false;
/** What pyodide.mjs says (its hash is the build), per folder. */
const builds = new Map<string, string>();
/** In folder `first`, pyodide.mjs is answered only once the wasm was asked for (or after a second): a loader that waits for it first shows. */
let answerIdentity: (() => void) | undefined;
/** In folder `late`, the wasm is answered after 300 ms, and the standard library when the test says. */
const late = { wasmAnswered: false, stdlibAskedAfterWasm: undefined as boolean | undefined, answerStdlib: undefined as (() => void) | undefined };
beforeAll(async () => {
  server = createServer((req, res) => {
    const path = req.url ?? '';
    requests.push({ path, identityAnswered });
    if (path === '/rt/late/pyodide.asm.wasm') {
      setTimeout(() => {
        late.wasmAnswered = true;
        res.writeHead(200, { 'content-type': 'application/wasm' }).end('late/pyodide.asm.wasm');
      }, 300);
      return;
    }
    if (path === '/rt/late/python_stdlib.zip') {
      late.stdlibAskedAfterWasm = late.wasmAnswered;
      late.answerStdlib = () => res.writeHead(200, { 'content-type': 'application/zip' }).end('late/python_stdlib.zip');
      return;
    }
    // An SPA fallback: every path answers 200 with the app's page.
    if (path.startsWith('/spa/')) return res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end('<!doctype html><title>app</title>');
    const [, folder, name] = path.match(/^\/rt\/(\w+)\/([\w.-]+)$/) ?? [];
    if (!folder) return res.writeHead(404).end();
    if (name === 'pyodide.asm.wasm') answerIdentity?.();
    if (name !== 'pyodide.mjs') return res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(`${folder}/${name}`);
    const answer = () => {
      answerIdentity = undefined;
      clearTimeout(timer);
      identityAnswered = true;
      res.writeHead(200, { 'content-type': 'text/javascript' }).end(builds.get(folder) ?? 'build 1');
    };
    const timer = setTimeout(answer, folder === 'first' ? 1000 : 0);
    if (folder === 'first') answerIdentity = answer;
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

describe('loadRuntime', () => {
  it('asks for the standard library once the wasm is in, and is loaded without waiting for it', async () => {
    const runtime = await loadRuntime(runtimeIn(`${origin}/rt/late/`), undefined, false, 'indexURL');
    await expect.poll(() => late.stdlibAskedAfterWasm).toBe(true);
    expect(runtime.files.stdlib).toBeUndefined();
    late.answerStdlib?.();
    expect(await (await runtime.stdlib).text()).toBe('late/python_stdlib.zip');
    expect(runtime.files.stdlib).toBe(await runtime.stdlib);
  });

  it('names the file and the option to set when the server answers it with an HTML page', async () => {
    await expect(loadRuntime(runtimeIn(`${origin}/spa/pyodide/`), undefined, false, 'indexURL')).rejects.toThrow(
      /\/spa\/pyodide\/pyodide\.mjs answered with an HTML page.*; set indexURL to where it is served/,
    );
  });

  it('names the file, the status and the option to set when it is missing', async () => {
    await expect(loadRuntime(runtimeIn(`${origin}/missing/`), undefined, false, 'indexURL')).rejects.toThrow(
      /\/missing\/pyodide\.mjs answered HTTP 404; set indexURL to where it is served/,
    );
  });
});

/** Cache Storage as the loader uses it: `caches.open(name)`, then match/put/delete by URL. */
function memoryCacheStorage(): CacheStorage {
  const caches = new Map<string, Map<string, Response>>();
  const open = async (name: string) => {
    const entries = caches.get(name) ?? new Map<string, Response>();
    caches.set(name, entries);
    return {
      match: async (url: string) => entries.get(url)?.clone(),
      put: async (url: string, response: Response) => void entries.set(url, new Response(await response.blob(), { headers: response.headers })),
      delete: async (url: string) => entries.delete(url),
    } as unknown as Cache;
  };
  return { open } as unknown as CacheStorage;
}

describe('loadRuntime with Cache Storage', () => {
  const original = globalThis.caches;
  beforeAll(() => {
    globalThis.caches = memoryCacheStorage();
  });
  afterAll(() => {
    globalThis.caches = original;
  });
  beforeEach(() => {
    requests = [];
    identityAnswered = false;
  });
  const paths = () => requests.map((r) => r.path.split('/').pop());
  const text = (file: RuntimeFiles['wasm']) => new Response(file).text();
  const texts = async (files: RuntimeFiles) => [await text(files.pyodideMjs), await text(files.wasm), files.lockFile];

  it('downloads the big files beside pyodide.mjs on a first visit, not after it', async () => {
    const runtime = await loadRuntime(runtimeIn(`${origin}/rt/first/`), undefined, true, 'indexURL');
    expect(requests.find((r) => r.path === '/rt/first/pyodide.asm.wasm')?.identityAnswered).toBe(false);
    expect(await texts(runtime.files)).toEqual(['build 1', 'first/pyodide.asm.wasm', 'first/pyodide-lock.json']);
  });

  it('takes the big files from storage on a return visit, asking only for pyodide.mjs and the lock file', async () => {
    (await loadRuntime(runtimeIn(`${origin}/rt/again/`), undefined, true, 'indexURL')).keep();
    await new Promise((resolve) => setTimeout(resolve, 50)); // keep() stores in the background
    const stored = await loadRuntime(runtimeIn(`${origin}/rt/again/`), undefined, true, 'indexURL');
    stored.forget();
    requests = [];
    const runtime = await loadRuntime(runtimeIn(`${origin}/rt/again/`), undefined, true, 'indexURL');
    expect(paths()).toEqual(['pyodide.mjs', 'pyodide-lock.json']);
    expect(await texts(runtime.files)).toEqual(['build 1', 'again/pyodide.asm.wasm', 'again/pyodide-lock.json']);
  });

  it('downloads the big files again when pyodide.mjs names another build', async () => {
    const first = await loadRuntime(runtimeIn(`${origin}/rt/rebuilt/`), undefined, true, 'indexURL');
    first.keep();
    await new Promise((resolve) => setTimeout(resolve, 50));
    first.forget();
    builds.set('rebuilt', 'build 2');
    requests = [];
    await (await loadRuntime(runtimeIn(`${origin}/rt/rebuilt/`), undefined, true, 'indexURL')).stdlib;
    expect(paths()).toEqual(expect.arrayContaining(['pyodide.mjs', 'pyodide.asm.mjs', 'pyodide.asm.wasm', 'python_stdlib.zip', 'pyodide-lock.json']));
  });
});
