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
 * (the session also bounds requests and bytes per run: wheel-allowance.ts). A wheel is handed over
 * as a Blob, a handle: a hundred requests for a 20 MB wheel copy nothing (a worker that cannot read
 * Blobs gets each wheel's bytes once).
 */
import { isNode } from '../../is-node.js';
import { INDEX_WHEEL_PREFIX, WHEEL_HASH_MISMATCH } from '../../wheel-refusal.js';
import { distributionFor, normalizeName } from './distribution-names.js';
import { readCapped, sha256Hex } from '../downloads/checked-fetch.js';
import { fetchPackageFile } from '../downloads/package-fetch.js';
import { IndexClient } from './package-index/index-pages.js';
import type { LockInfo } from './package-index/target-environment.js';
import { MAX_PACKAGE_BYTES_PER_RUN } from './wheel-allowance.js';
import { openWheelStore } from './wheel-store.js';

interface LockEntry {
  name: string;
  file_name: string;
  sha256?: string;
  imports?: string[];
  depends?: string[];
  /** Index wheels: where the index said it is (lock wheels are relative to the package source). */
  url?: string;
}

/** What a run may take from a package index: distributions, requests (pages and metadata), time. */
export const INDEX_BOUNDS = { maxDistributions: 24, maxRequests: 64, timeMs: 60_000 } as const;

/** What the worker loads for imports the lock file does not provide. */
export interface IndexPackages {
  /** Lock-file packages the index packages depend on. */
  lock: string[];
  /** Index wheels, as file names the worker asks `fetch` for. */
  wheels: string[];
}

/** How long a failed download is answered from memory (long enough to close a request-order channel, short enough to recover from a dropped connection). */
export const FAILURE_MEMORY_MS = 60_000;

export class PackageBroker {
  private readonly byFile = new Map<string, LockEntry>();
  private readonly byName = new Map<string, LockEntry>();
  private readonly byImport = new Map<string, LockEntry>();
  private readonly downloads = new Map<string, { wheel: Promise<Blob>; failedAt?: number }>();
  /** Lock-file package names by normalized name (`pillow` → `Pillow`). */
  private readonly byNormalizedName = new Map<string, string>();
  /** Wheels resolved from the index, by the file name the worker asks for. */
  private readonly indexWheels = new Map<string, LockEntry>();
  private readonly resolutions = new Map<string, { packages: Promise<IndexPackages>; failedAt?: number }>();
  private readonly lockInfo: LockInfo | undefined;

  /**
   * @param lockFile the lock file's JSON text
   * @param baseUrl the configured package source; resolved lazily, since the default depends on the
   *   Pyodide version
   * @param index a PEP 691 package index's simple API root, for imports the lock file does not provide
   */
  constructor(
    lockFile: string,
    private readonly baseUrl: () => string,
    private readonly index?: string,
  ) {
    const lock = JSON.parse(lockFile) as { info?: LockInfo; packages?: Record<string, LockEntry> };
    this.lockInfo = lock.info;
    for (const [key, entry] of Object.entries(lock.packages ?? {})) {
      if (typeof entry?.file_name !== 'string') continue;
      this.byFile.set(entry.file_name, entry);
      this.byName.set(entry.name ?? key, entry);
      this.byNormalizedName.set(normalizeName(entry.name ?? key), entry.name ?? key);
      for (const name of entry.imports ?? []) this.byImport.set(name, entry);
    }
  }

  /** A wheel, for the worker. Rejects anything not in the lock file or resolved from the index. */
  fetch(fileName: unknown): Promise<Blob> {
    const entry = typeof fileName === 'string' ? (this.byFile.get(fileName) ?? this.indexWheels.get(fileName)) : undefined;
    if (!entry) return Promise.reject(new Error(`not a package of the lock file: ${String(fileName).slice(0, 200)}`));
    return this.download(entry);
  }

  /** Whether `name` is a package of the lock file or one resolved from the index (progress lines may name only those). */
  knows(name: string): boolean {
    return this.byName.has(name) || this.indexWheels.has(`${INDEX_WHEEL_PREFIX}${name}`) || [...this.indexWheels.values()].some((entry) => entry.name === normalizeName(name));
  }

  /**
   * Imports the lock file does not provide (top-level import names, already checked by the
   * caller), resolved from the package index with their dependencies; every wheel is downloaded
   * and checked against the index's SHA-256 before this resolves, so a refusal names the package.
   * Like wheel downloads, each answer (a failure too, for `FAILURE_MEMORY_MS`) is remembered, so
   * asking again reaches no server.
   */
  fromIndex(importNames: readonly string[]): Promise<IndexPackages> {
    const key = [...importNames].sort().join(' ');
    const known = this.resolutions.get(key);
    if (known && (known.failedAt === undefined || performance.now() - known.failedAt < FAILURE_MEMORY_MS)) return known.packages;
    const record: { packages: Promise<IndexPackages>; failedAt?: number } = { packages: this.resolveNow(importNames) };
    record.packages.catch(() => (record.failedAt = performance.now()));
    this.resolutions.set(key, record);
    return record.packages;
  }

  private async resolveNow(importNames: readonly string[]): Promise<IndexPackages> {
    if (!this.index) throw new Error('no package index is configured (the packageIndex option is off)');
    if (!globalThis.crypto?.subtle) throw new Error('packages from an index are installed only where their SHA-256 can be checked (a secure context)');
    // Loaded on first use: the PEP 440 / PEP 508 libraries are most of the resolver's size.
    const [{ resolveFromIndex }, { environmentOf }] = await Promise.all([import('./package-index/dependency-resolver.js'), import('./package-index/target-environment.js')]);
    const signal = AbortSignal.timeout(INDEX_BOUNDS.timeMs);
    const client = new IndexClient(this.index, signal, INDEX_BOUNDS.maxRequests);
    const resolution = await resolveFromIndex(importNames.map(distributionFor), client, {
      env: environmentOf(this.lockInfo),
      lockName: (name) => this.byNormalizedName.get(name),
      maxDistributions: INDEX_BOUNDS.maxDistributions,
    });
    const stated = resolution.wheels.reduce((sum, wheel) => sum + (wheel.file.size ?? 0), 0);
    if (stated > MAX_PACKAGE_BYTES_PER_RUN) throw new Error(`the packages from the index come to ${stated} bytes, over ${MAX_PACKAGE_BYTES_PER_RUN} per run`);
    const wheels = resolution.wheels.map(({ project, file }) => {
      const entry: LockEntry = { name: project, file_name: `${INDEX_WHEEL_PREFIX}${file.filename}`, sha256: file.sha256, url: file.url };
      if (!this.indexWheels.has(entry.file_name)) this.indexWheels.set(entry.file_name, entry);
      return this.indexWheels.get(entry.file_name)!;
    });
    await Promise.race([
      Promise.all(wheels.map((entry) => this.download(entry))),
      new Promise((_, reject) => signal.addEventListener('abort', () => reject(new Error(`the packages from the index took over ${INDEX_BOUNDS.timeMs / 1000} s to download`)), { once: true })),
    ]);
    return { lock: resolution.lock, wheels: wheels.map((entry) => entry.file_name) };
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
    const url = entry.url ?? new URL(entry.file_name, this.baseUrl()).href;
    // Only wheels that can be checked are kept or taken: the store is not trusted (in Node it is a
    // folder of the temporary directory, which other users of the machine share).
    const store = checkable(entry) ? await openWheelStore() : undefined;
    const stored = await store?.match(url);
    if (stored && (await matches(entry, stored))) return new Blob([stored]);
    const data = await readSource(url);
    if (!(await matches(entry, data))) {
      const refusal = entry.url ? "the wheel's SHA-256 does not match the package index's" : WHEEL_HASH_MISMATCH;
      throw new Error(`${entry.name} (${entry.file_name.replace(INDEX_WHEEL_PREFIX, '')}, from ${url}): ${refusal}; refused, not installed`);
    }
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
  const response = await fetchPackageFile(url);
  if (!response.ok) {
    await response.body?.cancel().catch(() => undefined);
    throw new Error(`could not fetch ${url} (HTTP ${response.status})`);
  }
  return (await readCapped(response, MAX_PACKAGE_BYTES_PER_RUN, url)).buffer;
}

/** Whether a wheel's bytes can be checked here: it has a SHA-256, and this context can hash (an insecure one cannot; Pyodide still checks it in the worker). */
function checkable(entry: LockEntry): entry is LockEntry & { sha256: string } {
  return !!entry.sha256 && !!globalThis.crypto?.subtle;
}

async function matches(entry: LockEntry, data: ArrayBuffer): Promise<boolean> {
  if (!checkable(entry)) return true;
  return (await sha256Hex(data)) === entry.sha256;
}
