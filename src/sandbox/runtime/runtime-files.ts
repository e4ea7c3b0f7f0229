/**
 * Isolated mode: the trusted side loads Pyodide's runtime and hands it to the sandboxed worker as
 * Blobs, which every session of the page shares without copying.
 *
 * Return visits take the runtime from Cache Storage, where a Blob is a handle to the stored body:
 * a few milliseconds, where reading 13 MB back from the HTTP cache takes 100–250 ms on a 2-core
 * machine. `pyodide.mjs` names the build (it embeds the version and build id), so it is fetched
 * every time (small; usually a revalidation), as is the lock file, and the big files are taken
 * from storage only if they were stored with that same `pyodide.mjs`. Offline, the stored
 * runtime is used as it is.
 *
 * Files from anywhere but the package itself (the CDN fallback) are checked against the hashes
 * the build recorded, whether downloaded or stored: a file that differs fails the load, naming it
 * and both hashes, and is never stored; a stored one that differs is downloaded again.
 *
 * A gzipped file (the package ships its big ones as `.gz`) is decompressed while it streams in;
 * hashes, storage and the worker only ever see the decompressed bytes.
 *
 * Downloaded, the standard library comes after the wasm and Pyodide's JavaScript: on a slow link
 * they arrive first, and the wasm compiles and a snapshot restores while the standard library is
 * on its way (worker/boot/late-stdlib.ts). The runtime is loaded without waiting for it.
 */
import type { RuntimeFiles } from '../../shared/protocol.js';
import { bounded, unpacked } from '../downloads/byte-streams.js';
import type { DownloadProgress } from '../downloads/download-progress.js';
import { downloadInWorker } from '../downloads/download-worker.js';
import { assetRefused, fetchAsset, loadOnce, openCache } from '../downloads/checked-fetch.js';
import { sha256Hex } from '../../shared/memory/bytes.js';
import { type RuntimeDigests, RuntimeIntegrityError, checkRuntimeFile } from './runtime-integrity.js';
import type { RuntimeSizes } from './runtime-sizes.js';
import type { RuntimeUrls } from './runtime-urls.js';

/** The Cache Storage cache holding runtime files, each under its own URL. */
const RUNTIME_CACHE_NAME = 'python-sandbox-runtime';
/** On each stored response: the SHA-256 of the `pyodide.mjs` it belongs with. */
const BUILD_HEADER = 'x-python-sandbox-build';

/** The most any runtime file may hold once decompressed (the largest, the wasm, is 9.6 MB). */
const MAX_RUNTIME_FILE_BYTES = 64e6;

/** How downloads are counted: the expected size of each file (see {@link DownloadProgress.track}) and where the counts go. */
export interface RuntimeDownload {
  sizes?: RuntimeSizes;
  progress?: DownloadProgress;
}

/** A loaded runtime. */
export interface LoadedRuntime {
  /** `files.stdlib` is set once the standard library is in (from storage: at once). */
  files: RuntimeFiles;
  /** The standard library, which may still be downloading. */
  stdlib: Promise<Blob>;
  /** Stores what came from the network for return visits (call once a boot has shown it works). */
  keep(): void;
  /** Drops this runtime (from memory and storage), so the next load fetches it again (call when a boot failed); resolves once the stored copy is gone. */
  forget(): Promise<void>;
}

const loaded = new Map<string, Promise<LoadedRuntime>>();

/**
 * Pyodide's runtime, and the lock file, loaded once per page. `persist`: use and fill the Cache
 * Storage copy (the sandbox's `snapshotCache: 'auto'`). `option` names the setting that says
 * where the files are, for the error when one is missing. `digests`: the SHA-256 each file must
 * have (a custom `lockFileURL` is not checked); a file that differs fails the load with a
 * {@link RuntimeIntegrityError}. `download`: progress of what is downloaded (a first visit's wait).
 */
export function loadRuntime(
  runtime: RuntimeUrls,
  lockFileURL: string | undefined,
  persist: boolean,
  option: string,
  digests?: RuntimeDigests,
  download: RuntimeDownload = {},
): Promise<LoadedRuntime> {
  // Order: the build's identity first, the lock file last (see RuntimeFiles for the rest).
  const urls = [runtime.pyodideMjs, runtime.asmMjs, runtime.wasm, runtime.stdlib, lockFileURL ?? runtime.lockFile];
  const expected = digests && [digests.pyodideMjs, digests.asmMjs, digests.wasm, digests.stdlib, lockFileURL === undefined ? digests.lockFile : undefined];
  const { sizes = {}, progress } = download;
  const fetching = { sizes: [sizes.pyodideMjs, sizes.asmMjs, sizes.wasm, sizes.stdlib, lockFileURL === undefined ? sizes.lockFile : undefined], progress };
  const key = `${urls.join('|')}${expected ? '|checked' : ''}`;
  return loadOnce(loaded, key, async () => {
    const { blobs, keep, stored } = await load(urls, persist, option, expected ?? [], fetching);
    const stdlib = blobs[3];
    stdlib.catch(() => undefined); // said by the boot that waits for it
    const [pyodideMjs, asmMjs, wasm, lockFile] = await Promise.all([blobs[0], blobs[1], blobs[2], blobs[4]]);
    const files: RuntimeFiles = { pyodideMjs, asmMjs, wasm, lockFile: await lockFile.text(), ...(stored && { stdlib: await stdlib }) };
    void stdlib.then(
      (blob) => (files.stdlib = blob),
      () => undefined,
    );
    return {
      files,
      stdlib,
      keep,
      async forget() {
        loaded.delete(key);
        if (stored)
          await openCache(RUNTIME_CACHE_NAME)
            .then((cache) => Promise.all(urls.map((url) => cache?.delete(url))))
            .catch(() => undefined);
      },
    };
  });
}

interface Loaded {
  /** In `urls`' order; the standard library's may still be downloading when the others are in. */
  blobs: Promise<Blob>[];
  keep(): void;
  /** Whether any of it came from Cache Storage. */
  stored: boolean;
}

/** `expected[i]`: the SHA-256 `urls[i]` must have (none: not checked); `sizes[i]`: its size as it arrives, if known. */
async function load(
  urls: string[],
  persist: boolean,
  option: string,
  expected: readonly (string | undefined)[],
  fetching: { sizes: (number | undefined)[]; progress?: DownloadProgress },
): Promise<Loaded> {
  // The big files (1–3) in the download worker, when there is one; the two small ones, fetched on every visit, in the page.
  const fetchOne = (i: number) => fetchRuntimeFile(urls[i], option, expected[i], fetching.sizes[i], fetching.progress, i >= 1 && i <= 3);
  const fetchAt = (indexes: number[]) => Promise.all(indexes.map(fetchOne));
  // The standard library once Pyodide's JavaScript and the wasm are in (see the top of this file).
  const fetchBig = () => {
    const code = fetchAt([1, 2]);
    return [code.then(([asmMjs]) => asmMjs), code.then(([, wasm]) => wasm), code.then(() => fetchOne(3))];
  };
  const cache = persist ? await openCache(RUNTIME_CACHE_NAME) : undefined;
  if (!cache) {
    const [asmMjs, wasm, stdlib] = fetchBig();
    const [pyodideMjs, lockFile] = [fetchOne(0), fetchOne(4)];
    return { blobs: [pyodideMjs, asmMjs, wasm, stdlib, lockFile], keep() {}, stored: false };
  }
  // The identity (pyodide.mjs) and the lock file; the big files.
  const [small, big] = [
    [0, 4],
    [1, 2, 3],
  ];
  const fetchingIdentity = fetchAt(small);
  const stored = await storedFiles(
    cache,
    big.map((i) => urls[i]),
    big.map((i) => expected[i]),
  );
  // Nothing stored (a first visit): the big files download beside the identity, not after it.
  const fetchingBig = stored ? undefined : fetchBig();
  for (const blob of fetchingBig ?? []) blob.catch(() => undefined); // awaited by the caller, unless the identity fails first
  let online: Blob[];
  try {
    online = await fetchingIdentity;
  } catch (error) {
    // A file that is not the expected one is said, not covered up with a stored copy.
    if (error instanceof RuntimeIntegrityError) throw error;
    // Unreachable (offline): a stored runtime is as good as it was.
    const offline = stored && (await storedFiles(cache, urls, expected));
    if (offline) return { blobs: offline.blobs.map((blob) => Promise.resolve(blob)), keep() {}, stored: true };
    throw error;
  }
  const [current, lockFile] = online;
  // pyodide.mjs embeds Pyodide's version and build id.
  const build = await sha256Hex(await current.arrayBuffer());
  const usable = stored?.build === build ? stored.blobs.map((blob) => Promise.resolve(blob)) : undefined;
  const blobs = [Promise.resolve(current), ...(usable ?? fetchingBig ?? fetchBig()), Promise.resolve(lockFile)];
  let kept = false;
  const keep = () => {
    if (kept) return;
    kept = true;
    // What was fetched: the lock file may change without the build (a custom one).
    const fetched = usable ? [0, 4] : [0, 1, 2, 3, 4];
    void Promise.all(fetched.map((i) => blobs[i])).then(
      (files) =>
        put(
          cache,
          fetched.map((i) => urls[i]),
          files,
          build,
        ),
      () => undefined,
    );
  };
  return { blobs, keep, stored: !!usable };
}

/**
 * One runtime file, decompressed as it arrives if it is gzip. A dev server or an SPA fallback
 * answers a missing file with the app's HTML page and status 200; that is said here, naming the
 * file and the option, instead of failing later on `<`. With `expected`, a file whose
 * (decompressed) bytes differ is refused.
 */
async function fetchRuntimeFile(
  url: string,
  option: string,
  expected: string | undefined,
  size: number | undefined,
  progress: DownloadProgress | undefined,
  big: boolean,
): Promise<Blob> {
  const blob = (big && (await readInWorker(url, option, size, progress))) || (await readInPage(url, option, size, progress));
  if (expected) await checkRuntimeFile(url, blob, expected);
  return blob;
}

/**
 * The file read by the download worker, failing as {@link readInPage} does; undefined where there
 * is no worker, or it could not reach the file (the page may: a service worker of its own).
 */
async function readInWorker(url: string, option: string, size: number | undefined, progress: DownloadProgress | undefined): Promise<Blob | undefined> {
  const download = await downloadInWorker(url, MAX_RUNTIME_FILE_BYTES, progress, size);
  if (!download) return undefined;
  if (download.kind === 'file') return download.blob;
  if (download.kind === 'refused') throw assetRefused(url, option, download.status);
  throw unreadable(url, option, download.message);
}

function unreadable(url: string, option: string, message: string): Error {
  return new Error(`${url} could not be read (${message}: a damaged or cut-off download?); set ${option} to where it is served`);
}

async function readInPage(url: string, option: string, size: number | undefined, progress: DownloadProgress | undefined): Promise<Blob> {
  const response = await fetchAsset(url, option);
  const body = progress?.track(response, size) ?? response.body;
  let blob: Blob;
  try {
    const bytes = body && (await unpacked(body));
    blob = bytes ? await new Response(bounded(bytes, MAX_RUNTIME_FILE_BYTES)).blob() : new Blob([]);
  } catch (error) {
    throw unreadable(url, option, (error as Error).message);
  }
  return blob;
}

/**
 * The stored files for `urls`, if all are there, were stored together and have the bytes
 * `expected` (a copy stored before files were checked may not), with the build they were stored with.
 */
async function storedFiles(cache: Cache, urls: string[], expected: readonly (string | undefined)[]): Promise<{ blobs: Blob[]; build: string } | undefined> {
  try {
    const responses = await Promise.all(urls.map((url) => cache.match(url)));
    if (responses.some((r) => !r)) return undefined;
    const builds = new Set(responses.map((r) => r?.headers.get(BUILD_HEADER)));
    const [build] = builds;
    if (builds.size !== 1 || !build) return undefined;
    const blobs = await Promise.all(responses.map((r) => (r as Response).blob()));
    for (const [i, blob] of blobs.entries()) {
      if (expected[i] && (await sha256Hex(await blob.arrayBuffer())) !== expected[i]) return undefined;
    }
    return { blobs, build };
  } catch {
    return undefined;
  }
}

async function put(cache: Cache, urls: string[], files: Blob[], build: string): Promise<void> {
  try {
    await Promise.all(
      urls.map((url, i) =>
        cache.put(url, new Response(files[i], { headers: { 'content-type': files[i].type || 'application/octet-stream', [BUILD_HEADER]: build } })),
      ),
    );
  } catch {
    // Quota or private mode: the next visit fetches again.
  }
}
