/**
 * Service worker of the demo site: after one visit the page, the widget, the sandbox worker and
 * the recorded demos come from its cache, and Pyodide's runtime from the sandbox's own (it keeps
 * what it downloaded: src/sandbox/runtime/runtime-files.ts), so demos run with the network cut.
 *
 * - Pages (navigations): network first, so a new build shows up; the cache when offline.
 * - Everything else from this origin: cache first, filled on install (the list below is written
 *   by the site build) and on first use (e.g. vendored wheels).
 * - Pyodide wheels from a CDN: cache first too (versioned URLs never change).
 * - Anything else (the Gemini API): not touched.
 *
 * Cached responses keep the headers they were served with, COOP/COEP included, so a page
 * loaded offline is as cross-origin isolated as it was online.
 *
 * Lookups ignore `Vary` and the query string (MATCH): servers and CDNs answer with
 * `Vary: Origin`, the precache stores requests without an Origin header and module scripts are
 * requested with one, so a lookup that honoured Vary would miss every script offline. Each URL is
 * stored once, from this origin or a versioned CDN path, so nothing else can match in its place.
 */
const VERSION = 'dev' /* __BUILD_VERSION__ */;
const PRECACHE = [
  /* __PRECACHE_URLS__ */
];
const CACHE = `code-exec-chat-${VERSION}`;
const MATCH = { ignoreVary: true, ignoreSearch: true };

self.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE);
      await cache.addAll(PRECACHE);
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) if (name.startsWith('code-exec-chat-') && name !== CACHE) await caches.delete(name);
      await self.clients.claim();
    })(),
  );
});

self.addEventListener('fetch', (event) => {
  const { request } = event;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  const sameOrigin = url.origin === self.location.origin;
  if (request.mode === 'navigate') {
    event.respondWith(networkFirst(request));
  } else if (sameOrigin || /\/pyodide\/v[\d.]+\/full\//.test(url.pathname)) {
    event.respondWith(cacheFirst(request));
  }
});

async function networkFirst(request) {
  const cache = await caches.open(CACHE);
  try {
    const response = await fetch(request);
    if (response.ok) await keep(cache, request, response);
    return response;
  } catch (error) {
    const cached = (await cache.match(request, MATCH)) ?? (await cache.match('./index.html', MATCH));
    if (cached) return cached;
    throw error;
  }
}

async function cacheFirst(request) {
  const cache = await caches.open(CACHE);
  const cached = await cache.match(request, MATCH);
  if (cached) return cached;
  const response = await fetch(request);
  // Opaque and partial responses are not worth keeping (and cannot be checked).
  if (response.ok && response.status === 200) await keep(cache, request, response);
  return response;
}

/** Stores a copy; a response the Cache API refuses (e.g. `Vary: *`) is still served, just not kept. */
async function keep(cache, request, response) {
  await cache.put(request, response.clone()).catch(() => undefined);
}
