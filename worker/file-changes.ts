/**
 * Whether the file system may have changed since the runner last looked. Walking the working
 * directory for a run's new and changed files was the largest part of the runner's own time per
 * run (0.1 ms of ~0.2 ms, HumanEval), and most runs write nothing: the runner walks only when
 * this says something changed.
 *
 * Every change the walk can see (a file's content, size, stamp, name, or existence) goes through
 * one of Emscripten's FS functions below, whichever way the code reached it (Python's `open`,
 * `os.*`, C code, `mmap`, or `pyodide.FS` itself); a write through a symlink reaches `write` with
 * the file's real path. Anything outside the working directory counts too (a symlink in it may
 * point anywhere), except writes to devices (`/dev/stdout`), which are output, not files.
 */

/** The parts of Emscripten's FS this watches (pyodide.FS). */
export interface WatchedFS {
  open(path: unknown, flags: unknown, ...rest: unknown[]): unknown;
  write(stream: { path?: string }, ...rest: unknown[]): unknown;
  [name: string]: unknown;
}

/** FS functions that change the tree or a file's stamp or size every time they succeed. */
const CHANGES = ['rename', 'unlink', 'rmdir', 'mkdir', 'mknod', 'symlink', 'truncate', 'ftruncate', 'utime', 'msync', 'mount', 'unmount'] as const;
/** `open` flags that create or empty a file: O_CREAT, O_TRUNC. */
const CREATES = 0o100 | 0o1000;

/**
 * Watches `FS` from now on. Returns `takeChanged()`: whether anything changed since the last
 * call (or since watching began: at first, yes), and starts counting again.
 */
export function watchFileChanges(FS: WatchedFS): () => boolean {
  let changed = true;
  const wrap = (name: string, changes: (...args: unknown[]) => boolean) => {
    const original = FS[name];
    if (typeof original !== 'function') return;
    FS[name] = function (this: unknown, ...args: unknown[]) {
      if (changes(...args)) changed = true;
      return original.apply(this, args);
    };
  };
  for (const name of CHANGES) wrap(name, () => true);
  // String modes come from FS.writeFile and friends ('w', 'a', 'r+'...): anything but 'r' may write.
  wrap('open', (_path, flags) => (typeof flags === 'string' ? flags !== 'r' : ((flags as number) & CREATES) !== 0));
  wrap('write', (stream) => !(stream as { path?: string })?.path?.startsWith('/dev/'));
  return () => {
    const was = changed;
    changed = false;
    return was;
  };
}
