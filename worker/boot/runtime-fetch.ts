/**
 * Browsers: the host hands in the runtime's bytes (an isolated worker's realm may not fetch
 * anything: its CSP says `connect-src 'none'`; and a bundler may have renamed each file). Pyodide
 * still calls `fetch` for the wasm, the standard library and wheels, so `fetch` is replaced by one
 * that serves the runtime's bytes and asks the host for wheels, which it serves only from the
 * configured source and only for lock-file entries. Anything else is refused in an isolated
 * worker (an opaque origin), and fetched as usual in a trusted one (`isolation: 'worker'`).
 */
import type { Bytes, RuntimeFiles } from '../../src/shared/protocol.js';
import { VIRTUAL_PACKAGE_URL } from '../packages/package-url.js';
import { precompileWasm } from './wasm-precompile.js';

/** Pyodide needs URLs; this one never reaches the network (nor does the wheels', `VIRTUAL_PACKAGE_URL`). */
export const VIRTUAL_INDEX_URL = 'https://pyodide.invalid/runtime/';

export type PackageFetcher = (fileName: string) => Promise<Bytes>;

/** `stdlib`: the standard library's bytes when Pyodide asks for them (they may still be on their way, see engine.ts). */
export function installRuntimeFetch(runtime: RuntimeFiles, fetchPackage: PackageFetcher, stdlib: () => Promise<Bytes>): void {
  const wasmUrl = `${VIRTUAL_INDEX_URL}pyodide.asm.wasm`;
  const stdlibUrl = `${VIRTUAL_INDEX_URL}python_stdlib.zip`;
  const network = globalThis.origin !== 'null' ? globalThis.fetch.bind(globalThis) : undefined;
  // Blob bodies: read as they stream, never copied here.
  const serve = ({ body, type }: { body: Bytes; type: string }) => new Response(body, { headers: { 'content-type': type } });
  const servedWasm = new WeakSet<Response>();
  precompileWasm(Promise.resolve(serve({ body: runtime.wasm, type: 'application/wasm' })), (response) => servedWasm.has(response));
  globalThis.fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    if (url === stdlibUrl) return serve({ body: await stdlib(), type: 'application/zip' });
    if (url === wasmUrl) {
      const response = serve({ body: runtime.wasm, type: 'application/wasm' });
      servedWasm.add(response);
      return response;
    }
    if (url.startsWith(VIRTUAL_PACKAGE_URL)) return packageFromHost(url, fetchPackage);
    if (network) return network(input, init);
    throw new TypeError(`Network access is disabled in the sandbox (${url})`);
  };
}

/**
 * Node: only wheels are asked of the host (which checks each against the lock file, as it does
 * for browsers); the runtime is read from disk and any other fetch goes out as usual.
 */
export function routePackagesToHost(fetchPackage: PackageFetcher): void {
  const network = globalThis.fetch.bind(globalThis);
  globalThis.fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    return url.startsWith(VIRTUAL_PACKAGE_URL) ? packageFromHost(url, fetchPackage) : network(input, init);
  };
}

async function packageFromHost(url: string, fetchPackage: PackageFetcher): Promise<Response> {
  const data = await fetchPackage(decodeURIComponent(url.slice(VIRTUAL_PACKAGE_URL.length)));
  return new Response(data, { headers: { 'content-type': 'application/octet-stream' } });
}

/**
 * The isolated worker is a classic worker only because Chromium refuses module workers from an
 * opaque origin's blob: URLs; Pyodide is imported as modules all the same. Pyodide refuses to
 * run in a classic worker, which it detects by a successful `importScripts("data:…")` (the CSP
 * allows data: scripts for WebKit's data: worker), so the worker has no `importScripts`.
 */
export function hideImportScripts(): void {
  Object.defineProperty(globalThis, 'importScripts', { value: undefined, configurable: true, writable: true });
}

/**
 * Imports a module from its source: a Blob through a blob: URL, bytes through a data: URL (a
 * worker that cannot read Blobs cannot import blob: URLs either). The isolated CSP allows both.
 */
export async function importModule<T>(source: Bytes): Promise<T> {
  if (source instanceof Uint8Array) {
    return (await import(/* @vite-ignore */ `data:text/javascript;charset=utf-8,${encodeURIComponent(new TextDecoder().decode(source))}`)) as T;
  }
  // Re-typed (no copy): a module must have a JavaScript type, whatever the server said.
  const url = URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
  try {
    return (await import(/* @vite-ignore */ url)) as T;
  } finally {
    URL.revokeObjectURL(url);
  }
}
