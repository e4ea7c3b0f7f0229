/**
 * Isolated mode: wheels are fetched by the trusted side for the sandbox. Only files named in the
 * lock file are served, only from the configured source, and only when their SHA-256 matches
 * the lock file, so a compromised worker can neither reach other URLs nor swap a package.
 *
 * Downloads start early: `prefetch(code)` as soon as a run's imports are known (before the worker
 * even asks), `preload(names)` at page load; verified wheels are kept (Cache Storage in browsers,
 * a folder in Node: wheel-store.ts) so a return visit does not download them again. Node's worker
 * gets its wheels here too: Pyodide checks no hash there (see worker/boot/pyodide-module.ts).
 *
 * What the worker asks for is also a signal it could send out: each wheel is downloaded once,
 * and a failed download is remembered for `FAILURE_MEMORY_MS`, so asking again reaches no server
 * (the session also bounds requests and bytes per run: wheel-allowance.ts). A wheel is handed over
 * as a Blob, a handle: a hundred requests for a 20 MB wheel copy nothing (a worker that cannot read
 * Blobs gets each wheel's bytes once).
 *
 * Nothing is kept for the sandbox's life: a wheel's bytes are dropped once handed over (a later
 * request reads the wheel store again), and every download stops with a real AbortSignal when
 * nobody waits for it any more: at the index's time bound, when the run that asked ends, and at
 * `dispose()` (shared-download.ts).
 */
import { isNode } from '../../shared/is-node.js';
import { INDEX_WHEEL_PREFIX, WHEEL_HASH_MISMATCH } from '../../shared/wheel-refusal.js';
import { distributionFor, normalizeName } from './distribution-names.js';
import { anySignal } from '../runs/abort-signals.js';
import { ByteBudget } from '../downloads/byte-budget.js';
import { readCapped } from '../downloads/checked-fetch.js';
import { sha256Hex } from '../../shared/memory/bytes.js';
import { fetchPackageFile } from '../downloads/package-fetch.js';
import { SharedDownload } from './shared-download.js';
import { IndexClient, abortMessage } from './package-index/index-pages.js';
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
  /** Index wheels: the size the index's page stated (PEP 700); a longer body is refused. */
  size?: number;
}

/** What a run may take from a package index: distributions, requests (pages and metadata, each redirect one), time, and the bytes of its wheels together (counted as they stream, decoded). */
export const INDEX_BOUNDS = { maxDistributions: 24, maxRequests: 64, timeMs: 60_000, maxBytes: MAX_PACKAGE_BYTES_PER_RUN } as const;
export type IndexBounds = { -readonly [K in keyof typeof INDEX_BOUNDS]: number };

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
  /** Downloads under way, and failures remembered for `FAILURE_MEMORY_MS`; a wheel handed over is not kept. */
  private readonly downloads = new Map<string, { pending?: SharedDownload<Blob>; failure?: Promise<never>; failedAt?: number }>();
  /** Sizes of wheels handed over, so a run's byte bound can refuse a request before the wheel is read again. */
  private readonly sizes = new Map<string, number>();
  /** Aborted by `dispose()`: every download and resolution stops. */
  private readonly lifetime = new AbortController();
  private readonly bounds: IndexBounds;
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
   * @param bounds what a run may take from the index (tests shorten the time)
   */
  constructor(
    lockFile: string,
    private readonly baseUrl: () => string,
    private readonly index?: string,
    bounds: Partial<IndexBounds> = {},
  ) {
    this.bounds = { ...INDEX_BOUNDS, ...bounds };
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

  /**
   * A wheel, for the worker; `signal` (the run's) stops waiting for it, and the download once no
   * one else waits. Rejects anything not in the lock file or resolved from the index.
   */
  fetch(fileName: unknown, signal?: AbortSignal): Promise<Blob> {
    const entry = typeof fileName === 'string' ? (this.byFile.get(fileName) ?? this.indexWheels.get(fileName)) : undefined;
    if (!entry) return Promise.reject(new Error(`not a package of the lock file: ${String(fileName).slice(0, 200)}`));
    return this.download(entry, signal);
  }

  /** The size of a wheel handed over before (undefined if none was). */
  knownSize(fileName: string): number | undefined {
    return this.sizes.get(fileName);
  }

  /** Stops every download and resolution; later ones fail at once. */
  dispose(): void {
    this.lifetime.abort(new Error('the sandbox was disposed'));
  }

  /** Whether `name` is a package of the lock file or one resolved from the index (progress lines may name only those). */
  knows(name: string): boolean {
    return (
      this.byName.has(name) ||
      this.indexWheels.has(`${INDEX_WHEEL_PREFIX}${name}`) ||
      [...this.indexWheels.values()].some((entry) => entry.name === normalizeName(name))
    );
  }

  /**
   * Imports the lock file does not provide (top-level import names, already checked by the
   * caller), resolved from the package index with their dependencies; every wheel is downloaded
   * and checked against the index's SHA-256 before this resolves, so a refusal names the package.
   * Like wheel downloads, each answer (a failure too, for `FAILURE_MEMORY_MS`) is remembered, so
   * asking again reaches no server; a resolution stopped because its run ended (`signal`) or the
   * sandbox was disposed is forgotten, as it says nothing of the index.
   */
  fromIndex(importNames: readonly string[], signal?: AbortSignal): Promise<IndexPackages> {
    const key = [...importNames].sort().join(' ');
    const known = this.resolutions.get(key);
    if (known && (known.failedAt === undefined || performance.now() - known.failedAt < FAILURE_MEMORY_MS)) return known.packages;
    const timeBound = AbortSignal.timeout(this.bounds.timeMs);
    const stop = anySignal([timeBound, signal, this.lifetime.signal]);
    const record: { packages: Promise<IndexPackages>; failedAt?: number } = { packages: this.resolveNow(importNames, stop) };
    record.packages.catch(() => {
      if (stop.aborted && !timeBound.aborted && this.resolutions.get(key) === record) this.resolutions.delete(key);
      else record.failedAt = performance.now();
    });
    this.resolutions.set(key, record);
    return record.packages;
  }

  private async resolveNow(importNames: readonly string[], signal: AbortSignal): Promise<IndexPackages> {
    if (!this.index) throw new Error('no package index is configured (the packageIndex option is off)');
    if (!globalThis.crypto?.subtle) throw new Error('packages from an index are installed only where their SHA-256 can be checked (a secure context)');
    // Loaded on first use: the PEP 440 / PEP 508 libraries are most of the resolver's size.
    const [{ resolveFromIndex }, { environmentOf }] = await Promise.all([
      import('./package-index/dependency-resolver.js'),
      import('./package-index/target-environment.js'),
    ]);
    const client = new IndexClient(this.index, signal, this.bounds.maxRequests);
    const resolution = await resolveFromIndex(importNames.map(distributionFor), client, {
      env: environmentOf(this.lockInfo),
      lockName: (name) => this.byNormalizedName.get(name),
      maxDistributions: this.bounds.maxDistributions,
      signal,
    }).catch((error: unknown) => {
      // Stopped between steps: said as what stopped it, not as the signal's own words.
      if (!signal.aborted || error !== signal.reason) throw error;
      const reason = signal.reason as Error | undefined;
      throw new Error(
        reason?.name === 'TimeoutError' ? `resolving the packages from the index took over ${this.bounds.timeMs / 1000} s` : abortMessage(signal),
      );
    });
    const stated = resolution.wheels.reduce((sum, wheel) => sum + (wheel.file.size ?? 0), 0);
    if (stated > this.bounds.maxBytes) throw new Error(`the packages from the index come to ${stated} bytes, over ${this.bounds.maxBytes} per run`);
    const wheels = resolution.wheels.map(({ project, file }) => {
      const entry: LockEntry = { name: project, file_name: `${INDEX_WHEEL_PREFIX}${file.filename}`, sha256: file.sha256, url: file.url, size: file.size };
      if (!this.indexWheels.has(entry.file_name)) this.indexWheels.set(entry.file_name, entry);
      return this.indexWheels.get(entry.file_name)!;
    });
    // Counted as they stream, all together: a page may state no sizes, or false ones.
    const budget = new ByteBudget(this.bounds.maxBytes, 'the packages from the index');
    try {
      await Promise.all(wheels.map((entry) => this.download(entry, signal, budget)));
    } catch (error) {
      if (!signal.aborted) throw error;
      const reason = signal.reason as Error | undefined;
      throw new Error(
        reason?.name === 'TimeoutError' ? `the packages from the index took over ${this.bounds.timeMs / 1000} s to download` : abortMessage(signal),
      );
    }
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
    // No signal: a preload waits until the sandbox is disposed.
    this.download(entry).catch(() => undefined);
    for (const dependency of entry.depends ?? []) {
      const next = this.byName.get(dependency);
      if (next) this.preloadEntry(next, seen);
    }
  }

  /**
   * One download per wheel while it is under way; a failure is answered from memory for
   * `FAILURE_MEMORY_MS` (a stopped download is forgotten: it says nothing of the server). Once the
   * wheel is handed over nothing of it is kept here: a later request reads the wheel store again.
   */
  private download(entry: LockEntry, signal?: AbortSignal, budget?: ByteBudget): Promise<Blob> {
    const file = entry.file_name;
    const known = this.downloads.get(file);
    if (known?.pending) return known.pending.join(signal);
    if (known?.failure && performance.now() - known.failedAt! < FAILURE_MEMORY_MS) return known.failure;
    if (this.lifetime.signal.aborted) return Promise.reject(this.lifetime.signal.reason);
    const shared = new SharedDownload((stop) => this.downloadVerified(entry, stop, budget), this.lifetime.signal);
    const record: { pending?: SharedDownload<Blob>; failure?: Promise<never>; failedAt?: number } = { pending: shared };
    this.downloads.set(file, record);
    shared.result.then(
      (wheel) => {
        this.sizes.set(file, wheel.size);
        if (this.downloads.get(file) === record) this.downloads.delete(file);
      },
      (error: unknown) => {
        if (this.downloads.get(file) !== record) return;
        if (shared.aborted) this.downloads.delete(file);
        else {
          record.pending = undefined;
          record.failure = Promise.reject(error);
          record.failure.catch(() => undefined);
          record.failedAt = performance.now();
        }
      },
    );
    return shared.join(signal);
  }

  private async downloadVerified(entry: LockEntry, signal: AbortSignal, budget?: ByteBudget): Promise<Blob> {
    const url = entry.url ?? new URL(entry.file_name, this.baseUrl()).href;
    // Only wheels that can be checked are kept or taken: the store is not trusted (in Node it is a
    // folder of the temporary directory, which other users of the machine share).
    const store = checkable(entry) ? await openWheelStore() : undefined;
    const stored = await store?.match(url);
    if (stored && (await matches(entry, stored))) return new Blob([stored]);
    const data = await readSource(url, signal, entry.size, budget);
    if (!(await matches(entry, data))) {
      const refusal = entry.url ? "the wheel's SHA-256 does not match the package index's" : WHEEL_HASH_MISMATCH;
      throw new Error(`${entry.name} (${entry.file_name.replace(INDEX_WHEEL_PREFIX, '')}, from ${url}): ${refusal}; refused, not installed`);
    }
    await store?.put(url, data);
    return new Blob([data]);
  }
}

/**
 * A wheel's bytes: fetched, or in Node read from disk when the source is a local folder (a `file:`
 * URL). Refused as they arrive past the size the index stated, 256 MB, or what is left of `budget`.
 */
async function readSource(url: string, signal: AbortSignal, statedSize?: number, budget?: ByteBudget): Promise<ArrayBuffer> {
  if (isNode && url.startsWith('file:')) {
    const { readFile } = await import(/* @vite-ignore */ 'node:fs/promises');
    const data = await readFile(new URL(url));
    return data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer;
  }
  const response = await fetchPackageFile(url, { signal });
  if (!response.ok) {
    await response.body?.cancel().catch(() => undefined);
    throw new Error(`could not fetch ${url} (HTTP ${response.status})`);
  }
  const max =
    statedSize !== undefined && Number.isSafeInteger(statedSize) && statedSize >= 0
      ? Math.min(statedSize, MAX_PACKAGE_BYTES_PER_RUN)
      : MAX_PACKAGE_BYTES_PER_RUN;
  return (await readCapped(response, max, url, budget)).buffer;
}

/** Whether a wheel's bytes can be checked here: it has a SHA-256, and this context can hash (an insecure one cannot; Pyodide still checks it in the worker). */
function checkable(entry: LockEntry): entry is LockEntry & { sha256: string } {
  return !!entry.sha256 && !!globalThis.crypto?.subtle;
}

async function matches(entry: LockEntry, data: ArrayBuffer): Promise<boolean> {
  if (!checkable(entry)) return true;
  return (await sha256Hex(data)) === entry.sha256;
}
