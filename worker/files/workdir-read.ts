/**
 * `readFile` in the worker: one regular file of the working directory, refused when it is larger
 * than the host's bound before any byte is copied (a run may leave a file of hundreds of
 * megabytes; copying it only to throw it away cost the host 1.1 GB). Nothing is followed: a
 * symlink, a device or a path through a symlinked folder is not a file of the working directory
 * (the walk that lists files passes over them too, worker/python/workdir.py).
 */
import type { FileTooLarge } from '../../src/shared/protocol.js';

/** The parts of Emscripten's FS this reads with (pyodide.FS). */
export interface ReadableFS {
  lookupPath(path: string, options: { follow: boolean }): { path: string; node: { mode: number } };
  isFile(mode: number): boolean;
  lstat(path: string): { size: number };
  readFile(path: string): Uint8Array;
}

/** The name that crosses the boundary (instanceof does not): the host turns it into SandboxFileNotFoundError. */
function notFound(path: string): Error {
  return Object.assign(new Error(`No such file in the working directory: ${path}`), { name: 'FileNotFoundError' });
}

/**
 * The bytes of `full` (an absolute, normalized path), or its size when over `maxBytes`.
 * @throws FileNotFoundError when it is missing or not a regular file reached without symlinks.
 */
export function readWorkdirFile(FS: ReadableFS, full: string, maxBytes?: number): Uint8Array | FileTooLarge {
  let found: ReturnType<ReadableFS['lookupPath']>;
  try {
    found = FS.lookupPath(full, { follow: false });
  } catch {
    throw notFound(full);
  }
  // A symlinked folder on the way shows as a resolved path that differs from the one asked for.
  if (found.path !== full || !FS.isFile(found.node.mode)) throw notFound(full);
  const { size } = FS.lstat(full);
  if (maxBytes !== undefined && size > maxBytes) return { tooLarge: true, size };
  return FS.readFile(full);
}
