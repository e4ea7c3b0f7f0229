/**
 * File-system details that only matter when the worker runs in Node (browsers use URLs and the
 * HTTP cache). Each helper is a no-op in browsers.
 */
import { isNode } from '../../src/shared/is-node.js';

/** Node wants file paths where browsers want URLs. */
export async function toLocalPath(url: string): Promise<string> {
  if (!isNode || !url.startsWith('file:')) return url;
  const { fileURLToPath } = await import(/* @vite-ignore */ 'node:url');
  const path = fileURLToPath(url);
  return url.endsWith('/') && !path.endsWith('/') ? `${path}/` : path;
}

/** A file of the local runtime (Node; Deno, see deno-process.ts), as a Blob read only where it is sliced. */
export async function localFile(url: string): Promise<Blob> {
  // The worker in a Deno process is a browser worker (deno-relay.ts) that may fetch the runtime's file: URLs.
  if (!isNode) return (await fetch(url)).blob();
  const { openAsBlob } = await import(/* @vite-ignore */ 'node:fs');
  return openAsBlob(await toLocalPath(url));
}

/** A file of the local runtime as a stream (Deno's `fetch` of a file reads it whole: a Blob of it would hold it all). */
export async function localStream(url: string): Promise<ReadableStream<Uint8Array>> {
  if (isNode) return (await localFile(url)).stream();
  const { body } = await fetch(url);
  if (!body) throw new Error(`${url} has no body`);
  return body;
}

/**
 * Pyodide's `packageCacheDir` in Node, one per interpreter. Pyodide installs a wheel it finds
 * there without any check, and writes there each wheel it downloads; so the folder has a name
 * nobody can guess, is made for this user only, and is emptied after every load. The verified
 * wheels a later process reuses are kept by the host's broker, which checks them again when read.
 */
export class StagingFolder {
  private constructor(readonly path: string) {}

  /** Only a name: the folder is made by the first load (an interpreter that loads nothing leaves nothing behind). */
  static async create(): Promise<StagingFolder | undefined> {
    if (!isNode) return undefined;
    const { tmpdir } = await import(/* @vite-ignore */ 'node:os');
    const { join } = await import(/* @vite-ignore */ 'node:path');
    return new StagingFolder(join(tmpdir(), `python-sandbox-staging-${crypto.randomUUID()}`));
  }

  /** Made here, writable by this user only, before Pyodide would make it with the umask's mode. */
  async beforeLoad(): Promise<void> {
    const { mkdir } = await import(/* @vite-ignore */ 'node:fs/promises');
    await mkdir(this.path, { mode: 0o700 }).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'EEXIST') throw error;
    });
  }

  /** Removes the wheels Pyodide wrote (the folder stays: once gone, someone else could make one of that name). */
  async afterLoad(): Promise<void> {
    const { readdir, rm } = await import(/* @vite-ignore */ 'node:fs/promises');
    const { join } = await import(/* @vite-ignore */ 'node:path');
    const names = await readdir(this.path).catch(() => [] as string[]);
    await Promise.all(names.map((name) => rm(join(this.path, name), { recursive: true, force: true })));
  }
}
