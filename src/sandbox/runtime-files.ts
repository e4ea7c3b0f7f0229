/**
 * Isolated mode: the trusted side fetches Pyodide's runtime (once per location; the HTTP cache
 * or a service worker keeps return visits fast) and hands it to the sandboxed worker as Blobs,
 * which every session of the page shares without copying.
 */
import type { RuntimeFiles } from '../protocol.js';

const cache = new Map<string, Promise<RuntimeFiles>>();

async function get(url: string, as: 'text' | 'blob'): Promise<string & Blob> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`could not fetch ${url} (HTTP ${response.status})`);
  return (as === 'text' ? response.text() : response.blob()) as Promise<string & Blob>;
}

export function fetchRuntime(indexURL: string, lockFileURL?: string): Promise<RuntimeFiles> {
  const key = `${indexURL}|${lockFileURL ?? ''}`;
  let files = cache.get(key);
  if (!files) {
    const at = (name: string) => new URL(name, indexURL).href;
    files = Promise.all([
      get(at('pyodide.mjs'), 'blob'),
      get(at('pyodide.asm.mjs'), 'blob'),
      get(at('pyodide.asm.wasm'), 'blob'),
      get(at('python_stdlib.zip'), 'blob'),
      get(lockFileURL ?? at('pyodide-lock.json'), 'text'),
    ]).then(([pyodideMjs, asmMjs, wasm, stdlib, lockFile]) => ({ pyodideMjs, asmMjs, wasm, stdlib, lockFile }));
    files.catch(() => cache.delete(key));
    cache.set(key, files);
  }
  return files;
}
