/**
 * The host's copy of the working directory, so that a replacement interpreter (after a kill, a
 * crash or the memory limit) gets its files back. It knows what `writeFile` wrote and what each
 * finished run returned in `RunResult.files`; what a killed run changed is never known, so after
 * a restart the files are as the last finished run left them.
 */
import type { FileOutput } from '../types.js';
import { base64ToBytes } from './base64.js';
import { toWorkdirPath } from './paths.js';

interface Kept {
  data: Uint8Array;
  /** Written with `writeFile`: kept whatever its size, as that method promises. */
  pinned: boolean;
}

export class WorkdirMirror {
  private readonly kept = new Map<string, Kept>();
  /** Bytes of kept files that runs wrote (pinned files do not count). */
  private runBytes = 0;
  /** Files that exist in the interpreter but cannot be restored (not returned, or over the budget). */
  private readonly lost = new Set<string>();

  /** @param budgetBytes How much of what runs wrote is kept (`limits.maxTotalFileBytes`). */
  constructor(private readonly budgetBytes: number) {}

  /** A file given with `writeFile`. */
  written(path: string, data: Uint8Array): void {
    this.set(path, { data, pinned: true });
  }

  /** What a finished run created, changed (`files`) and deleted (`removed`, undefined when unknown). */
  afterRun(files: FileOutput[], removed: string[] | undefined): void {
    for (const path of removed ?? []) {
      this.drop(path);
      this.lost.delete(path);
    }
    for (const file of files) {
      // The list comes from the worker, which runs untrusted code: a path outside the working
      // directory or contents that are not base64 are not written into the next interpreter.
      let path: string;
      let data: Uint8Array | undefined;
      try {
        path = toWorkdirPath(file.path);
        if (!file.omitted) data = base64ToBytes(file.data);
      } catch {
        continue;
      }
      const pinned = this.kept.get(path)?.pinned ?? false;
      this.drop(path);
      if (!data || (!pinned && this.runBytes + data.length > this.budgetBytes)) this.lost.add(path);
      else this.set(path, { data, pinned });
    }
  }

  /** The files to write into a replacement interpreter. */
  files(): Array<[path: string, data: Uint8Array]> {
    return [...this.kept].map(([path, { data }]) => [path, data]);
  }

  /** One sentence for the model and the user about the files after a restart. */
  describeRestore(): string {
    const lost = [...this.lost];
    const base = 'Files in the working directory are as the last finished run left them';
    if (lost.length === 0) return `${base}.`;
    const shown = lost.slice(0, 5).join(', ') + (lost.length > 5 ? ` and ${lost.length - 5} more` : '');
    return `${base}, except ${shown}, which could not be kept.`;
  }

  private set(path: string, entry: Kept): void {
    this.drop(path);
    this.kept.set(path, entry);
    this.lost.delete(path);
    if (!entry.pinned) this.runBytes += entry.data.length;
  }

  private drop(path: string): void {
    const old = this.kept.get(path);
    if (!old) return;
    this.kept.delete(path);
    if (!old.pinned) this.runBytes -= old.data.length;
  }

}
