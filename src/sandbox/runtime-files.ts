/**
 * Isolated mode: the trusted side fetches Pyodide's runtime (once per location; the HTTP cache
 * or a service worker keeps return visits fast) and hands the bytes to the sandboxed worker.
 */
import type { RuntimeFiles } from '../protocol.js';

const cache = new Map<string, Promise<RuntimeFiles>>();

async function get(url: string, as: 'text' | 'arrayBuffer'): Promise<string & ArrayBuffer> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`could not fetch ${url} (HTTP ${response.status})`);
  return (as === 'text' ? response.text() : response.arrayBuffer()) as Promise<string & ArrayBuffer>;
}

export function fetchRuntime(indexURL: string, lockFileURL?: string): Promise<RuntimeFiles> {
  const key = `${indexURL}|${lockFileURL ?? ''}`;
  let files = cache.get(key);
  if (!files) {
    const at = (name: string) => new URL(name, indexURL).href;
    files = Promise.all([
      get(at('pyodide.mjs'), 'text'),
      get(at('pyodide.asm.mjs'), 'text'),
      get(at('pyodide.asm.wasm'), 'arrayBuffer'),
      get(at('python_stdlib.zip'), 'arrayBuffer'),
      get(lockFileURL ?? at('pyodide-lock.json'), 'text'),
    ]).then(([pyodideMjs, asmMjs, wasm, stdlib, lockFile]) => ({ pyodideMjs, asmMjs, wasm, stdlib, lockFile }));
    files.catch(() => cache.delete(key));
    cache.set(key, files);
  }
  return files;
}
