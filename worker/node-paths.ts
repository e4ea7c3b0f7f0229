/**
 * File-system details that only matter when the worker runs in Node (browsers use URLs and the
 * HTTP cache). Each helper is a no-op in browsers.
 */
import { isNode } from '../src/is-node.js';

/** Node wants file paths where browsers want URLs. */
export async function toLocalPath(url: string): Promise<string> {
  if (!isNode || !url.startsWith('file:')) return url;
  const { fileURLToPath } = await import(/* @vite-ignore */ 'node:url');
  const path = fileURLToPath(url);
  return url.endsWith('/') && !path.endsWith('/') ? `${path}/` : path;
}

/**
 * Where Node keeps downloaded wheels (Pyodide's `packageCacheDir`), one folder per package source
 * so sources never mix. Without it Pyodide derives a relative folder from the URL.
 */
export async function packageCacheDir(packageBaseUrl: string): Promise<string | undefined> {
  if (!isNode) return undefined;
  const { tmpdir } = await import(/* @vite-ignore */ 'node:os');
  const { join } = await import(/* @vite-ignore */ 'node:path');
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(packageBaseUrl));
  const id = [...new Uint8Array(digest).slice(0, 8)].map((b) => b.toString(16).padStart(2, '0')).join('');
  return join(tmpdir(), 'python-sandbox-packages', id);
}
