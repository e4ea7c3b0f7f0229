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
 * Pyodide's `packageCacheDir` in Node, one per interpreter. Pyodide installs a wheel it finds
 * there without any check, and writes there each wheel it downloads; so the folder has a name
 * nobody can guess, and is emptied after every load (`emptyStagingDir`). The verified wheels a
 * later process reuses are kept by the host's broker, which checks them again when read.
 */
export async function stagingPackageDir(): Promise<string | undefined> {
  if (!isNode) return undefined;
  const { tmpdir } = await import(/* @vite-ignore */ 'node:os');
  const { join } = await import(/* @vite-ignore */ 'node:path');
  return join(tmpdir(), `python-sandbox-staging-${crypto.randomUUID()}`);
}

/** Removes the wheels Pyodide wrote into `dir` (the folder stays: a new one could be made by someone else in between). */
export async function emptyStagingDir(dir: string): Promise<void> {
  const { readdir, rm } = await import(/* @vite-ignore */ 'node:fs/promises');
  const { join } = await import(/* @vite-ignore */ 'node:path');
  const names = await readdir(dir).catch(() => [] as string[]);
  await Promise.all(names.map((name) => rm(join(dir, name), { recursive: true, force: true })));
}
