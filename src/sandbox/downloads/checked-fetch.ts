/**
 * How the trusted side downloads and keeps files (the runtime, wheels, the worker script):
 * checked fetches, SHA-256 fingerprints, Cache Storage where there is one, and one attempt at a
 * time per file.
 */

import { joinBytes } from '../../shared/memory/bytes.js';
import { Pacer } from './pacer.js';

/** `fetch(url)`, failing on an HTTP error status. */
export async function fetchOk(url: string | URL): Promise<Response> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`could not fetch ${url} (HTTP ${response.status})`);
  return response;
}

/**
 * One of the sandbox's own files (the worker, a runtime file), with an error that names the file
 * and `option`, the setting that says where it is, when the answer is not the file: an HTTP
 * error, or an HTML page (what a dev server or an SPA fallback sends for a missing file).
 */
export async function fetchAsset(url: string | URL, option: string): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(url);
  } catch (error) {
    throw new Error(`could not fetch ${url} (${(error as Error).message}); set ${option} to where it is served`);
  }
  if (!response.ok || isHtmlPage(response)) throw assetRefused(url, option, response.status);
  return response;
}

/** The error for one of the sandbox's own files answered with an HTTP error status or an HTML page (see {@link fetchAsset}). */
export function assetRefused(url: string | URL, option: string, status: number): Error {
  if (status < 200 || status > 299) return new Error(`${url} answered HTTP ${status}; set ${option} to where it is served`);
  return new Error(
    `${url} answered with an HTML page, not the file (is it missing there, with the app's page served instead?); set ${option} to where it is served`,
  );
}

/** Whether a server answered with a page (a dev server's or an SPA's fallback for a missing file), not the file asked for. */
export function isHtmlPage(response: Response): boolean {
  return /^text\/html/i.test(response.headers.get('content-type') ?? '');
}

/** The named Cache Storage cache, or undefined where there is none (insecure context, private mode). */
export async function openCache(name: string): Promise<Cache | undefined> {
  try {
    return typeof caches === 'undefined' ? undefined : await caches.open(name);
  } catch {
    return undefined;
  }
}

/** `load()` once per key while it is pending or has succeeded; a failure is forgotten, so the next call tries again. */
export function loadOnce<T>(loads: Map<string, Promise<T>>, key: string, load: () => Promise<T>): Promise<T> {
  let pending = loads.get(key);
  if (!pending) {
    pending = load();
    pending.catch(() => loads.delete(key));
    loads.set(key, pending);
  }
  return pending;
}

/**
 * A response's body, refused past `maxBytes` (its stated length is checked first, then what
 * arrives); each chunk is also taken from `budget` when given (several downloads sharing one bound).
 */
export async function readCapped(response: Response, maxBytes: number, what: string, budget?: { take(n: number): void }): Promise<Uint8Array<ArrayBuffer>> {
  const tooBig = () => new Error(`${what} is over ${maxBytes} bytes; refused`);
  const stated = Number(response.headers.get('content-length'));
  if (Number.isFinite(stated) && stated > maxBytes) {
    await response.body?.cancel().catch(() => undefined);
    throw tooBig();
  }
  const reader = response.body?.getReader();
  if (!reader) return new Uint8Array(0);
  const chunks: Uint8Array[] = [];
  let size = 0;
  // Once a body has arrived, each read resolves at once: without a yield, reading 5 MB held a
  // page's main thread for 300 ms.
  const pacer = new Pacer();
  for (;;) {
    await pacer.step();
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw tooBig();
    }
    try {
      budget?.take(value.byteLength);
    } catch (error) {
      await reader.cancel().catch(() => undefined);
      throw error;
    }
    chunks.push(value);
  }
  return joinBytes(chunks);
}
