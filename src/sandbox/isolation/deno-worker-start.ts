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
 */

/**
 * Runs inside the Deno worker, before the worker script is imported (by the caller: a dynamic
 * import here would be rewritten where this module is transformed, as under vitest).
 */
export function startPythonWorker(): void {
  const scope = globalThis as unknown as Record<string, unknown>;
  for (const name of ['process', 'Deno', 'caches', 'Cache', 'CacheStorage', 'Worker']) delete scope[name];
}
