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
 */
import type { RuntimeFiles } from '../protocol.js';
import { fetchAsset, loadOnce, openCache, sha256Hex } from './downloads.js';

/** The Cache Storage cache holding runtime files, each under its own URL. */
const RUNTIME_CACHE_NAME = 'python-sandbox-runtime';
/** On each stored response: the SHA-256 of the `pyodide.mjs` it belongs with. */
const BUILD_HEADER = 'x-python-sandbox-build';

/** Where each runtime file is (a bundler may have renamed each one, so not one folder). */
export interface RuntimeUrls {
  pyodideMjs: string;
  asmMjs: string;
  wasm: string;
  stdlib: string;
  lockFile: string;
}

/** The runtime files in one folder, under Pyodide's own names (`indexURL`, a CDN, a self-hosted copy). */
export function runtimeIn(indexURL: string): RuntimeUrls {
  const at = (name: string) => new URL(name, indexURL).href;
  return { pyodideMjs: at('pyodide.mjs'), asmMjs: at('pyodide.asm.mjs'), wasm: at('pyodide.asm.wasm'), stdlib: at('python_stdlib.zip'), lockFile: at('pyodide-lock.json') };
}

/** A loaded runtime. */
export interface LoadedRuntime {
  files: RuntimeFiles;
  /** Stores what came from the network for return visits (call once a boot has shown it works). */
  keep(): void;
  /** Drops this runtime (from memory and storage), so the next load fetches it again (call when a boot failed). */
  forget(): void;
}

const loaded = new Map<string, Promise<LoadedRuntime>>();

/**
 * Pyodide's runtime, and the lock file, loaded once per page. `persist`: use and fill the Cache
 * Storage copy (the sandbox's `snapshotCache: 'auto'`). `option` names the setting that says
 * where the files are, for the error when one is missing.
 */
export function loadRuntime(runtime: RuntimeUrls, lockFileURL: string | undefined, persist: boolean, option: string): Promise<LoadedRuntime> {
  // Order: the build's identity first, the lock file last (see RuntimeFiles for the rest).
  const urls = [runtime.pyodideMjs, runtime.asmMjs, runtime.wasm, runtime.stdlib, lockFileURL ?? runtime.lockFile];
  const key = urls.join('|');
  return loadOnce(loaded, key, async () => {
    const { blobs, keep, stored } = await load(urls, persist, option);
    const [pyodideMjs, asmMjs, wasm, stdlib, lockFile] = blobs;
    return {
      files: { pyodideMjs, asmMjs, wasm, stdlib, lockFile: await lockFile.text() },
      keep,
      forget() {
        loaded.delete(key);
        if (stored) void openCache(RUNTIME_CACHE_NAME).then((cache) => Promise.all(urls.map((url) => cache?.delete(url))));
      },
    };
  });
}

interface Loaded {
  blobs: Blob[];
  keep(): void;
  /** Whether any of it came from Cache Storage. */
  stored: boolean;
}

async function load(urls: string[], persist: boolean, option: string): Promise<Loaded> {
  const fetchAll = (some: string[]) => Promise.all(some.map((url) => fetchRuntimeFile(url, option)));
  const cache = persist ? await openCache(RUNTIME_CACHE_NAME) : undefined;
  if (!cache) return { blobs: await fetchAll(urls), keep() {}, stored: false };
  const [identity, lock] = [urls[0], urls[4]];
  const big = urls.slice(1, 4);
  const fetchingIdentity = fetchAll([identity, lock]);
  const stored = await storedFiles(cache, big);
  // Nothing stored (a first visit): the big files download beside the identity, not after it.
  const fetchingBig = stored ? undefined : fetchAll(big);
  fetchingBig?.catch(() => undefined); // awaited below, unless the identity fails first
  let online: Blob[];
  try {
    online = await fetchingIdentity;
  } catch (error) {
    // Unreachable (offline): a stored runtime is as good as it was.
    const offline = stored && (await storedFiles(cache, urls));
    if (offline) return { blobs: offline.blobs, keep() {}, stored: true };
    throw error;
  }
  const [current, lockFile] = online;
  // pyodide.mjs embeds Pyodide's version and build id.
  const build = await sha256Hex(await current.arrayBuffer());
  const usable = stored?.build === build ? stored.blobs : undefined;
  const blobs = [current, ...(usable ?? (await (fetchingBig ?? fetchAll(big)))), lockFile];
  let kept = false;
  const keep = () => {
    if (kept) return;
    kept = true;
    // What was fetched: the lock file may change without the build (a custom one).
    const fetched = usable ? [0, 4] : [0, 1, 2, 3, 4];
    void put(cache, fetched.map((i) => urls[i]), fetched.map((i) => blobs[i]), build);
  };
  return { blobs, keep, stored: !!usable };
}

/**
 * One runtime file. A dev server or an SPA fallback answers a missing file with the app's HTML
 * page and status 200; that is said here, naming the file and the option, instead of failing
 * later on `<`.
 */
async function fetchRuntimeFile(url: string, option: string): Promise<Blob> {
  return (await fetchAsset(url, option)).blob();
}

/** The stored files for `urls`, if all are there and were stored together, with the build they were stored with. */
async function storedFiles(cache: Cache, urls: string[]): Promise<{ blobs: Blob[]; build: string } | undefined> {
  try {
    const responses = await Promise.all(urls.map((url) => cache.match(url)));
    if (responses.some((r) => !r)) return undefined;
    const builds = new Set(responses.map((r) => r?.headers.get(BUILD_HEADER)));
    const [build] = builds;
    if (builds.size !== 1 || !build) return undefined;
    return { blobs: await Promise.all(responses.map((r) => (r as Response).blob())), build };
  } catch {
    return undefined;
  }
}

async function put(cache: Cache, urls: string[], files: Blob[], build: string): Promise<void> {
  try {
    await Promise.all(urls.map((url, i) => cache.put(url, new Response(files[i], { headers: { 'content-type': files[i].type || 'application/octet-stream', [BUILD_HEADER]: build } }))));
  } catch {
    // Quota or private mode: the next visit fetches again.
  }
}
