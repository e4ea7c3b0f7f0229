/**
 * The host's copy of the working directory, so that a replacement interpreter (after a kill, a
 * crash or the memory limit) gets its files back. It knows what `writeFile` wrote and what each
 * finished run returned in `RunResult.files`; what a killed run changed is never known, so after
 * a restart the files are as the last finished run left them.
 */
import type { FileOutput } from '../types.js';
import { base64Size, base64ToBytes } from './base64.js';
import { toWorkdirPath } from './paths.js';

interface Kept {
  /** A run's files stay base64 (as validated) until a restore needs them: no decoding per run. */
  data: Uint8Array | string;
  size: number;
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
    this.set(path, { data, size: data.length, pinned: true });
  }

  /** What a finished run created, changed (`files`) and deleted (`removed`, undefined when unknown). */
  afterRun(files: FileOutput[], removed: string[] | undefined): void {
    for (const path of removed ?? []) {
      this.drop(path);
      this.lost.delete(path);
    }
    for (const file of files) {
      // The list comes from the worker, which runs untrusted code (its sizes and base64 were
      // checked by validateRunResult): a path outside the working directory is not written back.
      let path: string;
      try {
        path = toWorkdirPath(file.path);
      } catch {
        continue;
      }
      // Once a run has changed it, a file the host wrote is the run's: it counts against the
      // budget (else a run could keep any amount under a path the host once wrote).
      this.drop(path);
      const size = base64Size(file.data);
      if (file.omitted || this.runBytes + size > this.budgetBytes) this.lost.add(path);
      else this.set(path, { data: file.data, size, pinned: false });
    }
  }

  /**
   * The files to write into a replacement interpreter, decoded one at a time as they are taken;
   * `fromRun`: a run wrote it (not the host), so it is data to the new interpreter, not code.
   */
  *files(): Generator<[path: string, data: Uint8Array, fromRun: boolean]> {
    for (const [path, { data, pinned }] of [...this.kept]) yield [path, typeof data === 'string' ? base64ToBytes(data) : data, !pinned];
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
    if (!entry.pinned) this.runBytes += entry.size;
  }

  private drop(path: string): void {
    const old = this.kept.get(path);
    if (!old) return;
    this.kept.delete(path);
    if (!old.pinned) this.runBytes -= old.size;
  }

}
