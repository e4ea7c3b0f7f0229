/**
 * The host's copy of the working directory, so that a replacement interpreter (after a kill, a
 * crash or the memory limit) gets its files back. It knows what `writeFile` wrote and what each
 * finished run returned in `RunResult.files`; what a killed run changed is never known, so after
 * a restart the files are as the last finished run left them.
 *
 * Bounded, since runs choose what it holds: by content bytes (`limits.maxTotalFileBytes`), by the
 * number of files runs wrote, and by the characters of their names (5,000 empty files with long
 * names cost no bytes). A file it cannot vouch for is not written back but named as lost: one over
 * a bound, and every file when a run's walk stopped at its cap and so could not tell what the run
 * deleted (else a deleted file would come back).
 */
import type { RestoredFile } from '../../shared/protocol.js';
import type { FileOutput } from '../../shared/types.js';
import { base64Size, base64ToBytes } from './base64.js';
import { toWorkdirPath } from './workdir-paths.js';

/** Files that runs wrote which a restart writes back, at most (what `writeFile` wrote is not counted). */
export const MIRROR_MAX_RUN_FILES = 1000;
/** Characters of the names of those files, at most. */
export const MIRROR_MAX_PATH_CHARS = 256 * 1024;
/** Whether `path` is a working directory's path as the mirror keeps it (normalized, inside). */
function isWorkdirPath(path: string): boolean {
  try {
    return toWorkdirPath(path) === path;
  } catch {
    return false;
  }
}

/** Names of lost files remembered for the restart's note; beyond them, lost files are only counted. */
const MAX_LOST_NAMES = 100;

interface Kept {
  /** A run's files stay base64 (as validated) until a restore needs them: no decoding per run. */
  data: Uint8Array | string;
  size: number;
  /** Written with `writeFile`: kept whatever its size, as that method promises. */
  pinned: boolean;
}

export class WorkdirMirror {
  private readonly kept = new Map<string, Kept>();
  /** Bytes, files and name characters of kept files that runs wrote (pinned files do not count). */
  private runBytes = 0;
  private runFiles = 0;
  private runPathChars = 0;
  /** Files that exist in the interpreter (or may) but cannot be restored; past the names, a count. */
  private readonly lost = new Set<string>();
  private lostUnnamed = 0;

  /**
   * @param budgetBytes How much of what runs wrote is kept (`limits.maxTotalFileBytes`).
   * @param restored A restored state's files that `WorkdirMirror.keeper(budgetBytes)` took, and the names of those it passed over.
   */
  constructor(
    private readonly budgetBytes: number,
    restored: { files: readonly { path: string; data: Uint8Array }[]; skipped: readonly string[] } = { files: [], skipped: [] },
  ) {
    // A saved state's files are what runs wrote (and a forged state's, anything): kept under the same bounds, as data.
    for (const { path, data } of restored.files) this.set(path, { data, size: data.length, pinned: false });
    for (const path of restored.skipped) this.markLost(path);
  }

  /**
   * Which of a saved state's files (asked in order, by name and size) a mirror with this budget
   * keeps: those a run could have left in it, within the same bounds; the rest the host never unpacks.
   */
  static keeper(budgetBytes: number): (path: string, bytes: number) => boolean {
    let bytes = 0;
    let files = 0;
    let pathChars = 0;
    return (path, size) => {
      const fits = files < MIRROR_MAX_RUN_FILES && bytes + size <= budgetBytes && pathChars + path.length <= MIRROR_MAX_PATH_CHARS && isWorkdirPath(path);
      if (!fits) return false;
      bytes += size;
      files++;
      pathChars += path.length;
      return true;
    };
  }

  /** A file given with `writeFile`. */
  written(path: string, data: Uint8Array): void {
    this.set(path, { data, size: data.length, pinned: true });
  }

  /** What a finished run created, changed (`files`) and deleted (`removed`, undefined when unknown). */
  afterRun(files: FileOutput[], removed: string[] | undefined): void {
    // The list comes from the worker, which runs untrusted code (its sizes and base64 were
    // checked by validateRunResult): a path outside the working directory is not written back.
    const returned = new Map<string, FileOutput>();
    for (const file of files) {
      try {
        returned.set(toWorkdirPath(file.path), file);
      } catch {
        // Not a path in the working directory.
      }
    }
    if (removed === undefined) {
      // The run's walk stopped at its cap: any file it did not return may have been deleted.
      for (const path of [...this.kept.keys()]) {
        if (returned.has(path)) continue;
        this.drop(path);
        this.markLost(path);
      }
    }
    for (const path of removed ?? []) {
      this.drop(path);
      this.lost.delete(path);
    }
    for (const [path, file] of returned) {
      // Once a run has changed it, a file the host wrote is the run's: it counts against the
      // bounds (else a run could keep any amount under a path the host once wrote).
      this.drop(path);
      const size = base64Size(file.data);
      const fits =
        !file.omitted &&
        this.runBytes + size <= this.budgetBytes &&
        this.runFiles < MIRROR_MAX_RUN_FILES &&
        this.runPathChars + path.length <= MIRROR_MAX_PATH_CHARS;
      if (fits) this.set(path, { data: file.data, size, pinned: false });
      else this.markLost(path);
    }
  }

  /** How many files a restart writes back. */
  get size(): number {
    return this.kept.size;
  }

  /**
   * The files to write into a replacement interpreter, decoded one at a time as they are taken;
   * `restored`: a run wrote it (not the host), so it is data to the new interpreter, not code.
   */
  *files(): Generator<RestoredFile> {
    for (const [path, { data, pinned }] of [...this.kept]) yield { path, data: typeof data === 'string' ? base64ToBytes(data) : data, restored: !pinned };
  }

  /**
   * Writes the files back into a replacement interpreter with `write`, if there are any: one call,
   * not a round trip per file (the mirror is bounded: MIRROR_MAX_RUN_FILES, the byte budget).
   */
  async writeBack(write: (files: RestoredFile[]) => Promise<void>): Promise<void> {
    const files = [...this.files()];
    if (files.length > 0) await write(files);
  }

  /** One sentence for the model and the user about the files after a restart. */
  describeRestore(): string {
    const base = 'Files in the working directory are as the last finished run left them';
    const count = this.lost.size + this.lostUnnamed;
    if (count === 0) return `${base}.`;
    const shown = [...this.lost].slice(0, 5);
    const rest = count - shown.length;
    const names = shown.length === 0 ? `${count} files` : shown.join(', ') + (rest > 0 ? ` and ${rest} more` : '');
    return `${base}, except ${names}, which could not be kept.`;
  }

  private markLost(path: string): void {
    if (this.lost.has(path)) return;
    if (this.lost.size < MAX_LOST_NAMES) this.lost.add(path);
    else this.lostUnnamed++;
  }

  private set(path: string, entry: Kept): void {
    this.drop(path);
    this.kept.set(path, entry);
    this.lost.delete(path);
    if (entry.pinned) return;
    this.runBytes += entry.size;
    this.runFiles++;
    this.runPathChars += path.length;
  }

  private drop(path: string): void {
    const old = this.kept.get(path);
    if (!old) return;
    this.kept.delete(path);
    if (old.pinned) return;
    this.runBytes -= old.size;
    this.runFiles--;
    this.runPathChars -= path.length;
  }
}
