/**
 * The CDN fallback runs only the runtime this package was built with. A local server
 * stands in for the CDN and serves the pyodide package's files, one of them tampered on request;
 * Cache Storage is an in-memory stand-in (the real one: return-visit.browser.test.ts).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { type BootPlan, prepareRuntime } from '../../src/sandbox/runtime/boot-plan.js';
import { BUNDLED_PYODIDE_VERSION } from '../../src/sandbox/runtime/bundled-assets.js';
import { runtimeIn } from '../../src/sandbox/runtime/runtime-urls.js';

const FILES = ['pyodide.mjs', 'pyodide.asm.mjs', 'pyodide.asm.wasm', 'python_stdlib.zip', 'pyodide-lock.json'];
const genuine = (file: string) => readFileSync(new URL(`../../node_modules/pyodide/${file}`, import.meta.url));
const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');
const tampered = (file: string) => Buffer.concat([genuine(file), Buffer.from('\n// tampered\n')]);

let server: Server;
let origin: string;
let requested: string[] = [];
beforeAll(async () => {
  // /cdn/[<folder>/]<tampered file or "none">/<file>: the runtime, with that one file changed (the
  // folder keeps a test's URLs its own: the loader keeps what it loaded per URL). Anything else: 404.
  server = createServer((req, res) => {
    requested.push(req.url ?? '');
    const [, changed, file] = (req.url ?? '').match(/^\/cdn\/(?:\w+\/)?([\w.-]+)\/([\w.-]+)$/) ?? [];
    if (!file || !FILES.includes(file)) return res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(changed === file ? tampered(file) : genuine(file));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));
beforeEach(() => {
  requested = [];
});

/** The sandbox's plan for the package's own copy (not served here) with the "CDN" as its fallback. */
function fallbackPlan(cdn: string): BootPlan {
  return {
    runtime: { urls: runtimeIn(`${origin}/app/assets/`), fallback: { indexURL: cdn, version: BUNDLED_PYODIDE_VERSION } },
    config: { indexURL: `${origin}/app/assets/` },
  } as BootPlan;
}

const bytes = async (blob: Blob | Uint8Array) => new Uint8Array(blob instanceof Blob ? await blob.arrayBuffer() : blob);

describe('the CDN fallback', () => {
  it('loads the genuine files of the exact version', async () => {
    const boot = fallbackPlan(`${origin}/cdn/none/`);
    await prepareRuntime(boot, { snapshotCache: 'off' });
    expect(sha256(await bytes(boot.config.runtime!.wasm))).toBe(sha256(genuine('pyodide.asm.wasm')));
  });

  for (const file of FILES) {
    it(`refuses a tampered ${file}, naming it and the expected and actual SHA-256`, async () => {
      const cdn = `${origin}/cdn/${file}/`;
      const expected = sha256(genuine(file));
      const actual = sha256(tampered(file));
      const refusal = `${cdn}${file} is not the file this package was built with (SHA-256 expected ${expected}, got ${actual}); refused, not stored`;
      const plan = fallbackPlan(cdn);
      if (file === 'python_stdlib.zip') {
        // The runtime loads without it; a run that imports from it says why it did not come (worker/boot/late-stdlib.ts).
        await prepareRuntime(plan, { snapshotCache: 'off' });
        await expect(plan.stdlib).rejects.toThrow(refusal);
      } else {
        await expect(prepareRuntime(plan, { snapshotCache: 'off' })).rejects.toThrow(`Could not load the Pyodide runtime: ${refusal}`);
      }
    });
  }
});

/** Cache Storage as the loader uses it: `caches.open(name)`, then match/put/delete by URL. */
function memoryCacheStorage(): { storage: CacheStorage; entries: Map<string, Response> } {
  const entries = new Map<string, Response>();
  const cache = {
    match: async (url: string) => entries.get(url)?.clone(),
    put: async (url: string, response: Response) => void entries.set(url, new Response(await response.blob(), { headers: response.headers })),
    delete: async (url: string) => entries.delete(url),
  } as unknown as Cache;
  return { storage: { open: async () => cache } as unknown as CacheStorage, entries };
}

describe('the CDN fallback on a page that cannot hash', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('refuses to run unchecked files and says why (no crypto.subtle outside a secure context)', async () => {
    vi.stubGlobal('crypto', {});
    await expect(prepareRuntime(fallbackPlan(`${origin}/cdn/insecure/none/`), { snapshotCache: 'off' })).rejects.toThrow(
      /pyodide\.mjs against the SHA-256 this package was built with: this page is not a secure context/,
    );
  });
});

describe('the CDN fallback with Cache Storage', () => {
  const original = globalThis.caches;
  let entries: Map<string, Response>;
  beforeEach(() => {
    const memory = memoryCacheStorage();
    globalThis.caches = memory.storage;
    entries = memory.entries;
  });
  afterEach(() => {
    globalThis.caches = original;
  });

  it('never stores a refused file', async () => {
    const boot = fallbackPlan(`${origin}/cdn/stored/pyodide.mjs/`);
    await prepareRuntime(boot, {}).catch(() => undefined);
    // What a boot that went through would do next: store the runtime for return visits.
    boot.onBooted?.({ pyodideVersion: BUNDLED_PYODIDE_VERSION } as never);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect([...entries.keys()]).toEqual([]);
  });

  it('downloads again a stored file whose bytes differ (stored before files were checked), and does not use it', async () => {
    const cdn = `${origin}/cdn/again/`;
    const build = sha256(genuine('pyodide.mjs'));
    const store = (file: string, body: Uint8Array) =>
      entries.set(`${cdn}${file}`, new Response(new Uint8Array(body), { headers: { 'x-python-sandbox-build': build } }));
    for (const file of ['pyodide.asm.mjs', 'python_stdlib.zip']) store(file, genuine(file));
    store('pyodide.asm.wasm', tampered('pyodide.asm.wasm'));
    const boot = fallbackPlan(cdn);
    await prepareRuntime(boot, {});
    expect(sha256(await bytes(boot.config.runtime!.wasm))).toBe(sha256(genuine('pyodide.asm.wasm')));
    expect(requested).toContain('/cdn/again/pyodide.asm.wasm');
  });
});

describe('a runtime set by indexURL', () => {
  it("is the integrator's choice and not checked (any version or build may be served there)", async () => {
    const boot = { runtime: { urls: runtimeIn(`${origin}/cdn/pyodide.asm.wasm/`) }, config: {} } as BootPlan;
    await prepareRuntime(boot, { snapshotCache: 'off' });
    expect(sha256(await bytes(boot.config.runtime!.wasm))).toBe(sha256(tampered('pyodide.asm.wasm')));
  });
});
