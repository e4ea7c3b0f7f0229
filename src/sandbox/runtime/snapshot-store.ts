/**
 * Where interpreter snapshots are kept between boots: in memory (this page or process), in the
 * browser's Cache Storage (return visits), or in a folder (Node, when asked). The worker
 * validates what it is given, so a store only moves bytes.
 */
import { isNode } from '../../shared/is-node.js';
import type { SnapshotData } from '../../shared/protocol.js';
import type { SnapshotCache } from '../../shared/types.js';
import { snapshotFileBytes } from './shipped-snapshot.js';

export interface SnapshotStore {
  load(): Promise<SnapshotData | undefined>;
  /**
   * Stores `data` unless the store holds a snapshot already; resolves with the one it holds then.
   * A saved state is stored against the snapshot its interpreter booted from, so every sandbox of
   * a store boots from one snapshot: sandboxes that each made one at once (an empty store) keep
   * the first stored, and each one's saves restore in the others.
   */
  keep(data: SnapshotData): Promise<Kept>;
  clear(): Promise<void>;
}

/** The snapshot a store keeps, known before it is written (Cache Storage writes megabytes). */
export interface Kept {
  held: SnapshotData;
  /** Resolves once `held` is written where the store keeps it. */
  written: Promise<void>;
}

const WRITTEN = Promise.resolve();

/** One snapshot per runtime location, shared by every sandbox of this page or process. */
const memory = new Map<string, SnapshotData>();

class MemoryStore implements SnapshotStore {
  constructor(private readonly key: string) {}
  async load() {
    return memory.get(this.key);
  }
  async keep(data: SnapshotData) {
    // No await before the check: the sandboxes of this process keep one.
    const held = memory.get(this.key);
    if (held) return { held, written: WRITTEN };
    memory.set(this.key, data);
    return { held: data, written: WRITTEN };
  }
  async clear() {
    memory.delete(this.key);
  }
}

const CACHE_NAME = 'python-sandbox-snapshots';

class CacheStorageStore implements SnapshotStore {
  private readonly request: string;
  constructor(key: string) {
    // Cache Storage wants http(s) URLs; this one is never fetched.
    this.request = `https://snapshot.invalid/${encodeURIComponent(key)}`;
  }
  async load() {
    const response = await (await caches.open(CACHE_NAME)).match(this.request);
    // A Blob of the stored body: the worker reads it; this thread never holds the bytes.
    return response?.blob();
  }
  async keep(data: SnapshotData) {
    const cache = await caches.open(CACHE_NAME);
    const held = await cache.match(this.request);
    if (held) return { held: await held.blob(), written: WRITTEN };
    return { held: data, written: cache.put(this.request, new Response(data as BodyInit, { headers: { 'content-type': 'application/octet-stream' } })) };
  }
  async clear() {
    await (await caches.open(CACHE_NAME)).delete(this.request);
  }
}

/**
 * Cache Storage, and this page's memory beside it: where storing fails (Safari's private
 * browsing, a full quota, an automation session after a reload), later sandboxes of the same
 * page still restore instead of booting fully.
 */
class PersistentStore implements SnapshotStore {
  constructor(
    private readonly stored: SnapshotStore,
    private readonly kept: SnapshotStore,
  ) {}
  /** The page's own first: its sandboxes boot from one snapshot, whatever another tab stored meanwhile. */
  async load() {
    const kept = await this.kept.load();
    if (kept) return kept;
    const stored = await this.stored.load().catch(() => undefined);
    return stored && (await this.kept.keep(stored)).held;
  }
  async keep(data: SnapshotData) {
    const { held } = await this.kept.keep(data);
    if (held !== data) return { held, written: WRITTEN };
    const written = this.stored.keep(data).then(
      (kept) => kept.written,
      () => undefined,
    );
    return { held, written };
  }
  async clear() {
    await this.kept.clear();
    await this.stored.clear();
  }
}

class DirectoryStore implements SnapshotStore {
  constructor(
    private readonly directory: string,
    private readonly key: string,
  ) {}
  private async file() {
    const { join } = await import(/* @vite-ignore */ 'node:path');
    const name = `snapshot-${[...this.key].reduce((h, c) => (Math.imul(h, 31) + c.charCodeAt(0)) >>> 0, 7).toString(16)}.bin`;
    return join(this.directory, name);
  }
  async load() {
    const { readFile } = await import(/* @vite-ignore */ 'node:fs/promises');
    try {
      return new Uint8Array(await readFile(await this.file()));
    } catch {
      return undefined;
    }
  }
  async keep(data: SnapshotData) {
    const { link, mkdir, rm, writeFile } = await import(/* @vite-ignore */ 'node:fs/promises');
    await mkdir(this.directory, { recursive: true });
    const file = await this.file();
    const held = await this.load();
    if (held) return { held, written: WRITTEN };
    // Written whole, then linked: a reader never sees half a snapshot, and of processes sharing the
    // folder (servers with one state folder) the first link wins; the others read the one it made.
    const bytes = data instanceof Uint8Array ? data : data instanceof Blob ? new Uint8Array(await data.arrayBuffer()) : await snapshotFileBytes(data);
    const written = `${file}.${Math.random().toString(36).slice(2)}.tmp`;
    await writeFile(written, bytes);
    try {
      await link(written, file);
      return { held: data, written: WRITTEN };
    } catch (error) {
      if ((error as { code?: unknown }).code !== 'EEXIST') throw error;
      return { held: (await this.load()) ?? data, written: WRITTEN };
    } finally {
      await rm(written, { force: true });
    }
  }
  async clear() {
    const { rm } = await import(/* @vite-ignore */ 'node:fs/promises');
    await rm(await this.file(), { force: true });
  }
}

class NoStore implements SnapshotStore {
  async load() {
    return undefined;
  }
  async keep(data: SnapshotData) {
    return { held: data, written: WRITTEN };
  }
  async clear() {}
}

/**
 * Picks the store for a setting; `key` identifies the runtime (its indexURL), the worker checks
 * versions. A store that fails (quota, private mode) degrades to no snapshot, never to an error.
 */
export function openSnapshotStore(setting: SnapshotCache | undefined, key: string): SnapshotStore {
  let store: SnapshotStore;
  if (setting === 'off') store = new NoStore();
  // A folder is Node's (a browser build has no file system code at all).
  else if (typeof setting === 'object') store = isNode ? new DirectoryStore(setting.directory, key) : new NoStore();
  else if (setting === 'memory' || typeof caches === 'undefined') store = new MemoryStore(key);
  else store = new PersistentStore(new CacheStorageStore(key), new MemoryStore(key));
  return {
    load: () => store.load().catch(() => undefined),
    keep: (data) =>
      store.keep(data).then(
        (kept) => ({ held: kept.held, written: kept.written.catch(() => undefined) }),
        () => ({ held: data, written: WRITTEN }),
      ),
    clear: () => store.clear().catch(() => undefined),
  };
}
