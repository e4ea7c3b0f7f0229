/**
 * What the Python worker inside the Deno process runs before the worker script (deno-relay.ts
 * embeds its source: it refers to nothing outside itself). It takes away what Deno gives every
 * worker and a browser worker lacks, before any untrusted code can keep a reference:
 *
 * - `Deno` and `process`: Pyodide, seeing either, would take Node's paths (and write each wheel to
 *   a cache folder the process may not write); Python has two ways fewer to the process.
 * - `caches` (and `Cache`, `CacheStorage`): the Cache API writes to disk without any permission,
 *   and what it stores outlives the process (read back by the next sandbox).
 * - `Worker`: a worker Python started would have `Deno` and `process` again. Pyodide starts none.
 *
 * And `fetch` of a file: URL reads only a file whose real path (links followed) is inside a
 * folder the process may read: Deno checks the path as written, so a link inside a granted
 * folder would otherwise lead out of it.
 */

/** What the lockdown needs: the folders the process may read (paths). */
export interface LockdownSettings {
  readFolders: string[];
}

/**
 * Runs inside the Deno worker, before the worker script is imported (by the caller: a dynamic
 * import here would be rewritten where this module is transformed, as under vitest).
 */
export function lockDownWorkerScope(settings: LockdownSettings): void {
  const scope = globalThis as unknown as Record<string, unknown>;
  const deno = scope.Deno as {
    realPathSync(path: string): string;
    build: { os: string };
    errors: { NotCapable: new (message: string) => Error };
  };
  const { realPathSync } = deno;
  const { NotCapable } = deno.errors;
  const windows = deno.build.os === 'windows';
  const sep = windows ? '\\' : '/';
  const folders: string[] = [];
  for (const folder of settings.readFolders) {
    try {
      const real = realPathSync(folder);
      folders.push(real.endsWith(sep) ? real : real + sep);
    } catch {
      // A granted folder that does not exist grants nothing.
    }
  }
  const originalFetch = scope.fetch as typeof fetch;
  const guardedFetch = (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    let url: URL;
    try {
      url = new URL(input instanceof Request ? input.url : String(input));
    } catch {
      return originalFetch(input, init);
    }
    if (url.protocol !== 'file:') return originalFetch(input, init);
    let real: string;
    try {
      if (url.host !== '') throw new NotCapable(`Requires read access to ${url.href}, a file on another host`);
      const written = decodeURIComponent(url.pathname);
      real = realPathSync(windows ? written.slice(1).replaceAll('/', '\\') : written);
    } catch (error) {
      return Promise.reject(error);
    }
    if (!folders.some((folder) => real.startsWith(folder))) {
      return Promise.reject(new NotCapable(`Requires read access to "${real}": ${url.href} leads there through a link, out of the folders it may read`));
    }
    return originalFetch(input, init);
  };
  scope.fetch = guardedFetch;
  for (const name of ['process', 'Deno', 'caches', 'Cache', 'CacheStorage', 'Worker']) delete scope[name];
}
