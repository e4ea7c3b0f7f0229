/**
 * Where the package broker keeps the wheels it verified, so a later visit (a new page, a new Node
 * process) downloads nothing: Cache Storage in browsers, a folder in Node. What is read back is
 * checked against the lock file again before use, so the store itself is not trusted (in Node
 * its folder is in the shared temporary directory).
 */
import { isNode } from '../../is-node.js';
import { openCache, sha256Hex } from '../downloads/checked-fetch.js';

export interface WheelStore {
  match(url: string): Promise<ArrayBuffer | undefined>;
  put(url: string, data: ArrayBuffer): Promise<void>;
}

const CACHE_NAME = 'python-sandbox-wheels';

/** The store of this host, or undefined where there is none (an insecure context, private mode). */
export async function openWheelStore(): Promise<WheelStore | undefined> {
  return isNode ? openFolderStore() : openCacheStore();
}

async function openCacheStore(): Promise<WheelStore | undefined> {
  const cache = await openCache(CACHE_NAME);
  if (!cache) return undefined;
  return {
    async match(url) {
      return (await cache.match(url).catch(() => undefined))?.arrayBuffer();
    },
    async put(url, data) {
      await cache.put(url, new Response(data)).catch(() => undefined);
    },
  };
}

async function openFolderStore(): Promise<WheelStore> {
  const { lstat, mkdir, readFile, rename, writeFile } = await import(/* @vite-ignore */ 'node:fs/promises');
  const { tmpdir } = await import(/* @vite-ignore */ 'node:os');
  const { join } = await import(/* @vite-ignore */ 'node:path');
  const uid = process.getuid?.();
  // One folder per user, written only once it is known to be this user's own directory: another
  // user may have made one of that name first, or a link to a folder of theirs choosing.
  const folder = join(tmpdir(), uid === undefined ? CACHE_NAME : `${CACHE_NAME}-${uid}`);
  const ownFolder = async () => {
    await mkdir(folder, { mode: 0o700 }).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'EEXIST') throw error;
    });
    const stat = await lstat(folder);
    return stat.isDirectory() && (uid === undefined || stat.uid === uid);
  };
  // One file per URL: sources never mix, and a URL needs no escaping to be a file name.
  const fileOf = async (url: string) => join(folder, `${await sha256Hex(new TextEncoder().encode(url))}.whl`);
  return {
    async match(url) {
      try {
        const data = await readFile(await fileOf(url));
        return data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer;
      } catch {
        return undefined;
      }
    },
    async put(url, data) {
      try {
        if (!(await ownFolder())) return;
        // Written aside, then renamed: another process never reads half a wheel.
        const file = await fileOf(url);
        const partial = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}`;
        await writeFile(partial, new Uint8Array(data));
        await rename(partial, file);
      } catch {
        // Best effort: the next visit downloads it again.
      }
    },
  };
}
