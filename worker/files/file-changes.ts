/**
 * Whether the file system may have changed since the runner last looked, and which files were
 * written. Walking the working directory for a run's new and changed files was the largest part of
 * the runner's own time per run (0.1 ms of ~0.2 ms, HumanEval), and most runs write nothing: the
 * runner walks only when this says something changed.
 *
 * Every change the walk can see (a file's content, size, stamp, name, or existence) goes through
 * one of Emscripten's FS functions below, whichever way the code reached it (Python's `open`,
 * `os.*`, C code, `mmap`, or `pyodide.FS` itself); a write through a symlink reaches `write` with
 * the file's real path. Anything outside the working directory counts too (a symlink in it may
 * point anywhere), except writes to devices (`/dev/stdout`), which are output, not files.
 *
 * The walk compares stamps and sizes, which a cell can forge: rewrite a file at the same size,
 * then put its stamp back with `os.utime`. So the paths that were written to, emptied, renamed
 * onto or re-stamped are named too, and the runner reports them as changed whatever their stamp.
 */

/** The parts of Emscripten's FS this watches (pyodide.FS). */
export interface WatchedFS {
  open(path: unknown, flags: unknown, ...rest: unknown[]): unknown;
  write(stream: { path?: string }, ...rest: unknown[]): unknown;
  getPath?(node: unknown): string;
  getStream?(fd: unknown): { path?: string } | null;
  cwd?(): string;
  [name: string]: unknown;
}

/**
 * What `take()` says: `null` when nothing changed; otherwise the JSON list of the paths written
 * (absolute, or as the code named them), or `"*"` when which files changed is not known.
 */
export type FileChanges = string | null;

/** Changes to the tree (a new or removed entry shows in the walk), not to a file's content or stamp. */
const TREE_CHANGES = ['unlink', 'rmdir', 'mkdir', 'mknod', 'symlink'] as const;
/** Changes after which no list of files can be trusted. */
const UNKNOWN_CHANGES = ['mount', 'unmount'] as const;
/** `open` flags that create or empty a file: O_CREAT, O_TRUNC. */
const CREATES = 0o100 | 0o1000;
/** More written paths than this in one run: the runner treats every file as changed. */
const MAX_NAMED = 10_000;

/**
 * Watches `FS` from now on. Returns `take()`: what changed since the last call (or since watching
 * began: at first, everything), and starts counting again.
 */
export function watchFileChanges(FS: WatchedFS): () => FileChanges {
  let changed = true;
  let unknown = true;
  let named = new Set<string>();
  const name = (target: unknown) => {
    if (unknown) return;
    const path = typeof target === 'string' ? target : target && typeof FS.getPath === 'function' ? safePath(FS, target) : undefined;
    if (path === undefined || named.size >= MAX_NAMED) unknown = true;
    // A relative path is relative to the current folder now, which a cell may have changed.
    else named.add(path.startsWith('/') || typeof FS.cwd !== 'function' ? path : `${FS.cwd()}/${path}`);
  };
  const wrap = (fn: string, changes: (...args: unknown[]) => boolean) => {
    const original = FS[fn];
    if (typeof original !== 'function') return;
    FS[fn] = function (this: unknown, ...args: unknown[]) {
      if (changes(...args)) changed = true;
      return original.apply(this, args);
    };
  };
  for (const fn of TREE_CHANGES) wrap(fn, () => true);
  for (const fn of UNKNOWN_CHANGES) wrap(fn, () => (unknown = true));
  // String modes come from FS.writeFile and friends ('w', 'a', 'r+'...): anything but 'r' may write.
  wrap('open', (path, flags) => {
    const writes = typeof flags === 'string' ? flags !== 'r' : ((flags as number) & CREATES) !== 0;
    if (writes) name(path);
    return writes;
  });
  wrap('write', (stream) => {
    const path = (stream as { path?: string })?.path;
    if (path?.startsWith('/dev/')) return false;
    name(path);
    return true;
  });
  wrap('msync', (stream) => (name((stream as { path?: string })?.path), true));
  wrap('rename', (_from, to) => (name(to), true));
  wrap('truncate', (target) => (name(target), true));
  wrap('ftruncate', (fd) => (name(FS.getStream?.(fd)?.path), true));
  wrap('utime', (path) => (name(path), true));
  return () => {
    const answer = !changed ? null : unknown ? '*' : JSON.stringify([...named]);
    changed = false;
    unknown = false;
    named = new Set();
    return answer;
  };
}

function safePath(FS: WatchedFS, node: unknown): string | undefined {
  try {
    return FS.getPath!(node);
  } catch {
    return undefined;
  }
}
