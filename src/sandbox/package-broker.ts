/**
 * Isolated mode: wheels are fetched by the trusted side for the sandbox. Only files named in the
 * lock file are served, only from the configured source, and only when their SHA-256 matches
 * the lock file, so a compromised worker can neither reach other URLs nor swap a package.
 *
 * Downloads start early: `prefetch(code)` as soon as a run's imports are known (before the worker
 * even asks), `preload(names)` at page load; verified wheels are kept (Cache Storage in browsers,
 * a folder in Node: wheel-store.ts) so a return visit does not download them again. Node's worker
 * gets its wheels here too: Pyodide checks no hash there (see worker/engine.ts).
 *
 * What the worker asks for is also a signal it could send out: each wheel is downloaded once,
 * and a failed download is remembered for `FAILURE_MEMORY_MS`, so asking again reaches no server
 * (the session also bounds requests and bytes per run: package-handout.ts). A wheel is handed over
 * as a Blob, a handle: a hundred requests for a 20 MB wheel copy nothing (a worker that cannot read
 * Blobs gets each wheel's bytes once).
 */
import { isNode } from '../is-node.js';
import { WHEEL_HASH_MISMATCH } from '../wheel-refusal.js';
import { fetchOk, sha256Hex } from './downloads.js';
import { openWheelStore } from './wheel-store.js';

interface LockEntry {
  name: string;
  file_name: string;
  sha256?: string;
  imports?: string[];
  depends?: string[];
}

/** How long a failed download is answered from memory (long enough to close a request-order channel, short enough to recover from a dropped connection). */
export const FAILURE_MEMORY_MS = 60_000;

export class PackageBroker {
  private readonly byFile = new Map<string, LockEntry>();
  private readonly byName = new Map<string, LockEntry>();
  private readonly byImport = new Map<string, LockEntry>();
  private readonly downloads = new Map<string, { wheel: Promise<Blob>; failedAt?: number }>();

  /**
   * @param lockFile the lock file's JSON text
   * @param baseUrl the configured package source; resolved lazily, since the default depends on the
   *   Pyodide version
   */
  constructor(
    lockFile: string,
    private readonly baseUrl: () => string,
  ) {
    const lock = JSON.parse(lockFile) as { packages?: Record<string, LockEntry> };
    for (const [key, entry] of Object.entries(lock.packages ?? {})) {
      if (typeof entry?.file_name !== 'string') continue;
      this.byFile.set(entry.file_name, entry);
      this.byName.set(entry.name ?? key, entry);
      for (const name of entry.imports ?? []) this.byImport.set(name, entry);
    }
  }

  /** A wheel, for the worker. Rejects anything not in the lock file. */
  fetch(fileName: unknown): Promise<Blob> {
    const entry = typeof fileName === 'string' ? this.byFile.get(fileName) : undefined;
    if (!entry) return Promise.reject(new Error(`not a package of the lock file: ${String(fileName).slice(0, 200)}`));
    return this.download(entry);
  }

  /** Whether `name` is a package of the lock file (progress lines may name only those). */
  knows(name: string): boolean {
    return this.byName.has(name);
  }

  /** Starts downloading the wheels `code` imports (and their dependencies). Best effort. */
  prefetch(code: string): void {
    for (const match of code.matchAll(/^\s*(?:from|import)\s+([A-Za-z_]\w*)/gm)) {
      const entry = this.byImport.get(match[1]);
      if (entry) this.preloadEntry(entry);
    }
  }

  /** Starts downloading the named packages (lock-file names, e.g. `numpy`). Best effort. */
  preload(names: readonly string[]): void {
    for (const name of names) {
      const entry = this.byName.get(name) ?? this.byImport.get(name);
      if (entry) this.preloadEntry(entry);
    }
  }

  private preloadEntry(entry: LockEntry, seen = new Set<string>()): void {
    if (seen.has(entry.name)) return;
    seen.add(entry.name);
    this.download(entry).catch(() => undefined);
    for (const dependency of entry.depends ?? []) {
      const next = this.byName.get(dependency);
      if (next) this.preloadEntry(next, seen);
    }
  }

  /** One download per wheel: pending, done, or failed less than `FAILURE_MEMORY_MS` ago. */
  private download(entry: LockEntry): Promise<Blob> {
    const known = this.downloads.get(entry.file_name);
    if (known && (known.failedAt === undefined || performance.now() - known.failedAt < FAILURE_MEMORY_MS)) return known.wheel;
    const record: { wheel: Promise<Blob>; failedAt?: number } = { wheel: this.downloadVerified(entry) };
    record.wheel.catch(() => (record.failedAt = performance.now()));
    this.downloads.set(entry.file_name, record);
    return record.wheel;
  }

  private async downloadVerified(entry: LockEntry): Promise<Blob> {
    const url = new URL(entry.file_name, this.baseUrl()).href;
    const store = await openWheelStore();
    const stored = await store?.match(url);
    if (stored && (await matches(entry, stored))) return new Blob([stored]);
    const data = await readSource(url);
    if (!(await matches(entry, data))) throw new Error(`${entry.name} (${entry.file_name}, from ${url}): ${WHEEL_HASH_MISMATCH}; refused, not installed`);
    await store?.put(url, data);
    return new Blob([data]);
  }
}

/** A wheel's bytes: fetched, or in Node read from disk when the source is a local folder (a `file:` URL). */
async function readSource(url: string): Promise<ArrayBuffer> {
  if (isNode && url.startsWith('file:')) {
    const { readFile } = await import(/* @vite-ignore */ 'node:fs/promises');
    const data = await readFile(new URL(url));
    return data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer;
  }
  return (await fetchOk(url)).arrayBuffer();
}

async function matches(entry: LockEntry, data: ArrayBuffer): Promise<boolean> {
  if (!entry.sha256) return true;
  if (!globalThis.crypto?.subtle) return true; // insecure context: Pyodide still checks it in the worker
  return (await sha256Hex(data)) === entry.sha256;
}
