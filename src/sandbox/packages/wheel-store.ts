/**
 * Where the package broker keeps the wheels it verified, so a later visit (a new page, a new Node
 * process) downloads nothing: Cache Storage in browsers, a folder in Node. What is read back is
 * checked against the lock file again before use, so the store itself is not trusted (in Node
 * its folder is in the shared temporary directory). Bounded in bytes and in wheels, the least
 * recently used evicted first (wheel-store-eviction.ts).
 */
import { isNode } from '../../shared/is-node.js';
import { openCache } from '../downloads/checked-fetch.js';
import { sha256Hex } from '../../shared/memory/bytes.js';
import { type StoredWheel, WHEEL_STORE_BOUNDS, type WheelStoreBounds, evictions } from './wheel-store-eviction.js';

export interface WheelStore {
  match(url: string): Promise<ArrayBuffer | undefined>;
  put(url: string, data: ArrayBuffer): Promise<void>;
}

const CACHE_NAME = 'python-sandbox-wheels';

/** The store of this host, or undefined where there is none (an insecure context, private mode). */
export async function openWheelStore(): Promise<WheelStore | undefined> {
  if (isNode) return openFolderStore(await defaultFolder());
  const cache = await openCache(CACHE_NAME);
  return cache && cacheStore(cache);
}

/** Where each entry's size and last use are kept beside the wheels (a URL no wheel can have). */
const USAGE_KEY = 'https://python-sandbox.invalid/wheel-usage';
const BYTES_HEADER = 'x-wheel-bytes';

/** Cache Storage: each wheel a response (its size in a header); the last use of each in one small JSON entry. */
export function cacheStore(cache: Cache, bounds: WheelStoreBounds = WHEEL_STORE_BOUNDS): WheelStore {
  const readUsage = async (): Promise<Record<string, number>> => {
    try {
      const usage = (await (await cache.match(USAGE_KEY))?.json()) as unknown;
      return typeof usage === 'object' && usage !== null ? (usage as Record<string, number>) : {};
    } catch {
      return {};
    }
  };
  const writeUsage = (usage: Record<string, number>) =>
    cache.put(USAGE_KEY, new Response(JSON.stringify(usage), { headers: { 'content-type': 'application/json' } }));
  const touch = async (url: string) => {
    const usage = await readUsage();
    usage[url] = Date.now();
    await writeUsage(usage);
  };
  return {
    async match(url) {
      const data = await (await cache.match(url).catch(() => undefined))?.arrayBuffer();
      if (data) await touch(url).catch(() => undefined);
      return data;
    },
    async put(url, data) {
      if (data.byteLength > bounds.maxBytes) return;
      try {
        await cache.put(url, new Response(data, { headers: { [BYTES_HEADER]: String(data.byteLength) } }));
        const usage = await readUsage();
        usage[url] = Date.now();
        const stored: StoredWheel[] = [];
        for (const request of await cache.keys()) {
          if (request.url === USAGE_KEY) continue;
          const bytes = Number((await cache.match(request))?.headers.get(BYTES_HEADER));
          // A wheel stored before sizes were recorded counts as the largest there can be: it goes first.
          stored.push({ key: request.url, bytes: Number.isFinite(bytes) && bytes > 0 ? bytes : bounds.maxBytes, usedAt: usage[request.url] ?? 0 });
        }
        for (const key of evictions(stored, bounds)) {
          await cache.delete(key);
          delete usage[key];
        }
        for (const key of Object.keys(usage)) if (!stored.some((wheel) => wheel.key === key)) delete usage[key];
        await writeUsage(usage);
      } catch {
        // Best effort: the next visit downloads it again.
      }
    },
  };
}

/** One folder per user, in the temporary directory. */
async function defaultFolder(): Promise<string> {
  const { tmpdir } = await import(/* @vite-ignore */ 'node:os');
  const { join } = await import(/* @vite-ignore */ 'node:path');
  const uid = process.getuid?.();
  return join(tmpdir(), uid === undefined ? CACHE_NAME : `${CACHE_NAME}-${uid}`);
}

/** A folder: one file per URL, its modification time its last use. */
export async function openFolderStore(folder: string, bounds: WheelStoreBounds = WHEEL_STORE_BOUNDS): Promise<WheelStore> {
  const { lstat, mkdir, readFile, readdir, rename, unlink, utimes, writeFile } = await import(/* @vite-ignore */ 'node:fs/promises');
  const { join } = await import(/* @vite-ignore */ 'node:path');
  const uid = process.getuid?.();
  // Written only once it is known to be this user's own directory: another user may have made
  // one of that name first, or a link to a folder of theirs choosing.
  const ownFolder = async () => {
    await mkdir(folder, { mode: 0o700 }).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'EEXIST') throw error;
    });
    const stat = await lstat(folder);
    return stat.isDirectory() && (uid === undefined || stat.uid === uid);
  };
  // One file per URL: sources never mix, and a URL needs no escaping to be a file name.
  const fileOf = async (url: string) => join(folder, `${await sha256Hex(new TextEncoder().encode(url))}.whl`);
  const evict = async () => {
    const stored: StoredWheel[] = [];
    for (const name of await readdir(folder)) {
      if (!/^[0-9a-f]{64}\.whl$/.test(name)) continue;
      const stat = await lstat(join(folder, name)).catch(() => undefined);
      if (stat?.isFile()) stored.push({ key: name, bytes: stat.size, usedAt: stat.mtimeMs });
    }
    for (const name of evictions(stored, bounds)) await unlink(join(folder, name)).catch(() => undefined);
  };
  return {
    async match(url) {
      try {
        const file = await fileOf(url);
        const data = await readFile(file);
        // Read is use: the least recently used go first.
        if (await ownFolder()) await utimes(file, new Date(), new Date()).catch(() => undefined);
        return data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer;
      } catch {
        return undefined;
      }
    },
    async put(url, data) {
      if (data.byteLength > bounds.maxBytes) return;
      try {
        if (!(await ownFolder())) return;
        // Written aside, then renamed: another process never reads half a wheel.
        const file = await fileOf(url);
        const partial = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}`;
        await writeFile(partial, new Uint8Array(data));
        await rename(partial, file);
        await evict();
      } catch {
        // Best effort: the next visit downloads it again.
      }
    },
  };
}
