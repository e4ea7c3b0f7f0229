/**
 * The wheel store is bounded: in bytes and in wheels, the least recently used (stored or read)
 * evicted first, in Node's folder and in Cache Storage (here an in-memory Cache with the same calls).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type WheelStore, cacheStore, openFolderStore } from '../../src/sandbox/packages/wheel-store.js';

const KB = 1024;
const wheel = (bytes: number, fill = 1) => new Uint8Array(bytes).fill(fill).buffer;
/** File times and Date.now() must differ between steps for "least recently" to mean something. */
const tick = () => new Promise((resolve) => setTimeout(resolve, 15));

/** Cache Storage's calls this store uses, kept in a Map (Node has no `caches`). */
function memoryCache(): Cache {
  const entries = new Map<string, Response>();
  const keyOf = (request: RequestInfo | URL) => (typeof request === 'string' ? request : request instanceof URL ? request.href : request.url);
  return {
    async match(request: RequestInfo | URL) {
      return entries.get(keyOf(request))?.clone();
    },
    async put(request: RequestInfo | URL, response: Response) {
      entries.set(keyOf(request), new Response(await response.arrayBuffer(), { headers: response.headers }));
    },
    async delete(request: RequestInfo | URL) {
      return entries.delete(keyOf(request));
    },
    async keys() {
      return [...entries.keys()].map((url) => new Request(url));
    },
  } as unknown as Cache;
}

const folders: string[] = [];
afterEach(async () => {
  await Promise.all(folders.splice(0).map((folder) => rm(folder, { recursive: true, force: true })));
});
async function folderStore(bounds: { maxBytes: number; maxWheels: number }): Promise<WheelStore> {
  const folder = await mkdtemp(join(tmpdir(), 'wheel-store-test-'));
  folders.push(folder);
  return openFolderStore(join(folder, 'wheels'), bounds);
}

const kinds: Array<[string, (bounds: { maxBytes: number; maxWheels: number }) => Promise<WheelStore>]> = [
  ["Node's folder", folderStore],
  ['Cache Storage', async (bounds) => cacheStore(memoryCache(), bounds)],
];

describe.each(kinds)('the wheel store (%s)', (_, open) => {
  it('keeps at most its number of wheels, evicting the least recently used (a read counts as a use)', async () => {
    const store = await open({ maxBytes: 1024 * KB, maxWheels: 2 });
    await store.put('https://w.test/a.whl', wheel(KB));
    await tick();
    await store.put('https://w.test/b.whl', wheel(KB));
    await tick();
    expect(await store.match('https://w.test/a.whl')).toBeDefined();
    await tick();
    await store.put('https://w.test/c.whl', wheel(KB));
    expect(await store.match('https://w.test/b.whl')).toBeUndefined();
    expect(await store.match('https://w.test/a.whl')).toBeDefined();
    expect(await store.match('https://w.test/c.whl')).toBeDefined();
  });

  it('keeps at most its bytes, evicting the least recently used', async () => {
    const store = await open({ maxBytes: 2.5 * KB, maxWheels: 100 });
    for (const name of ['a', 'b', 'c']) {
      await store.put(`https://w.test/${name}.whl`, wheel(KB));
      await tick();
    }
    expect(await store.match('https://w.test/a.whl')).toBeUndefined();
    expect(await store.match('https://w.test/b.whl')).toBeDefined();
    expect(await store.match('https://w.test/c.whl')).toBeDefined();
  });

  it('does not keep a wheel larger than the whole store', async () => {
    const store = await open({ maxBytes: 2 * KB, maxWheels: 100 });
    await store.put('https://w.test/small.whl', wheel(KB));
    await store.put('https://w.test/huge.whl', wheel(3 * KB));
    expect(await store.match('https://w.test/huge.whl')).toBeUndefined();
    expect(await store.match('https://w.test/small.whl')).toBeDefined();
  });
});
