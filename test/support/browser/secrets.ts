/**
 * Secrets of the host origin that a sandboxed run must never read or change: a cookie, a
 * localStorage item, an IndexedDB record, a Cache Storage entry, an OPFS file, an API key in a
 * page variable (`window.__apiKey`, passed nowhere), and what the origin's cookie-protected API
 * (`/api/secret`) answers. Each is a random token, so finding it anywhere is proof of a leak.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Page } from 'playwright-core';

export interface Secrets {
  cookie: string;
  localStorage: string;
  indexedDB: string;
  cache: string;
  opfs: string;
  apiKey: string;
  /** What `/api/secret` answers when the cookie comes along. */
  api: string;
}

/** What the host origin's storage holds: compared before and after every attempt. */
export interface StorageState {
  cookie: string;
  localStorage: Record<string, string>;
  indexedDB: { databases: string[]; secret: unknown };
  cache: { keys: string[]; secret: string | null };
  opfs: { entries: string[]; secret: string | null };
  apiKey: unknown;
}

export const API_PATH = '/api/secret';

export function makeSecrets(): Secrets {
  const token = (kind: string) => `SECRET-${kind}-${randomBytes(12).toString('hex')}`;
  return {
    cookie: token('COOKIE'),
    localStorage: token('LOCALSTORAGE'),
    indexedDB: token('INDEXEDDB'),
    cache: token('CACHE'),
    opfs: token('OPFS'),
    apiKey: token('APIKEY'),
    api: token('API'),
  };
}

export function allSecretValues(secrets: Secrets): string[] {
  return Object.values(secrets);
}

/** The secret tokens that occur in `value` (any JSON-serialisable data). */
export function secretsIn(value: unknown, secrets: Secrets): string[] {
  const text = JSON.stringify(value) ?? '';
  return allSecretValues(secrets).filter((secret) => text.includes(secret));
}

/**
 * `/api/secret` for the static server's `routes`: the secret with the session cookie, 401
 * without. `calls` counts every call, whatever it carried.
 */
export function secretApi(secrets: () => Secrets | undefined): { route: (req: IncomingMessage, res: ServerResponse) => number; calls: { cookie: boolean }[] } {
  const calls: { cookie: boolean }[] = [];
  const route = (req: IncomingMessage, res: ServerResponse) => {
    const current = secrets();
    const cookie = req.headers.cookie ?? '';
    calls.push({ cookie: cookie !== '' });
    if (!current || !cookie.split(/;\s*/).includes(`session=${current.cookie}`)) {
      res.writeHead(401, { 'Content-Type': 'text/plain' }).end('no session');
      return 401;
    }
    res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' }).end(JSON.stringify({ secret: current.api }));
    return 200;
  };
  return { route, calls };
}

/** Stores the secrets in the page's origin and in `window.__apiKey`. */
export async function seedSecrets(page: Page, secrets: Secrets): Promise<void> {
  await page.evaluate((s) => (window as unknown as { harness: { seedSecrets(s: Secrets): Promise<void> } }).harness.seedSecrets(s), secrets);
}

/** Reads back everything the secrets live in (and what else is there). */
export function readStorage(page: Page): Promise<StorageState> {
  return page.evaluate(async () => {
    const local: Record<string, string> = {};
    for (let i = 0; i < localStorage.length; i++) {
      const key = localStorage.key(i)!;
      local[key] = localStorage.getItem(key)!;
    }
    const databases = (await indexedDB.databases()).map((d) => `${d.name}@${d.version}`).sort();
    const idbSecret = await new Promise((resolve, reject) => {
      const open = indexedDB.open('secrets');
      open.onerror = () => reject(open.error);
      open.onsuccess = () => {
        const get = open.result.transaction('kv').objectStore('kv').get('secret');
        get.onsuccess = () => {
          open.result.close();
          resolve(get.result);
        };
        get.onerror = () => reject(get.error);
      };
    });
    const cache = await caches.open('secrets');
    const cacheKeys = (await cache.keys()).map((r) => new URL(r.url).pathname).sort();
    const cached = await cache.match('/secret-cache-entry');
    const root = await navigator.storage.getDirectory();
    const entries: string[] = [];
    for await (const name of (root as unknown as { keys(): AsyncIterable<string> }).keys()) entries.push(name);
    const file = await root
      .getFileHandle('secret.txt')
      .then((h) => h.getFile())
      .catch(() => undefined);
    return {
      cookie: document.cookie,
      localStorage: local,
      indexedDB: { databases, secret: idbSecret },
      cache: { keys: cacheKeys, secret: cached ? await cached.text() : null },
      opfs: { entries: entries.sort(), secret: file ? await file.text() : null },
      apiKey: (window as unknown as { __apiKey?: unknown }).__apiKey,
    };
  });
}

/** The host page's own credentialed call to its API (a control: the cookie does open it). */
export function callApiFromPage(page: Page): Promise<{ status: number; body: string }> {
  return page.evaluate(
    (path) => (window as unknown as { harness: { callApi(p: string): Promise<{ status: number; body: string }> } }).harness.callApi(path),
    API_PATH,
  );
}
