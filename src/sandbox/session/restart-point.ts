/**
 * The restart point: the interpreter saved (as `saveState` saves it) while the sandbox is idle
 * after a run, and kept packed in host memory, so that a stop or crash that must replace the
 * worker brings back the state from before the run instead of an empty interpreter.
 *
 * Never in a run's path: the save starts once the sandbox has been idle for `IDLE_SAVE_DELAY_MS`
 * after the last queued call settled, and is skipped when another call is queued by then (a caller
 * awaiting run after run saves once, after the last);
 * a call queued while the worker saves makes it give way once the memory is copied (tens of
 * milliseconds; its packing took 20-400 ms more in WebKit), so the call waits for no more: the point
 * kept stays the one before, and the next idle moment saves again. Its files are not restored: the
 * working directory comes back from the host's mirror, as after any replacement.
 *
 * Checkpoints (session/timeline.ts) are these saves kept on: with them on, the saves are made even
 * where the sandbox restores none, and each kept is told to the listener (`listen`).
 */
import type { Kept } from '../runs/run-results.js';
import type { GivingWay } from './giving-way.js';
import type { Interpreters } from './interpreters.js';
import { restoredSession } from './saved-state.js';
import type { WorkerSession } from './worker-session.js';

/**
 * How long the sandbox stays idle before its idle save starts. A run that comes while the worker
 * copies the memory waits for the copy (13-73 ms in a Chromium frame on a slow machine): with the
 * save a turn after each run, a caller that sends runs a few milliseconds apart (a loop with work
 * between its calls, the bench's runs paired with raw Pyodide's) waited that long for each, 15×
 * its runs without saves. A model's turn between two runs lasts far longer than this.
 */
export const IDLE_SAVE_DELAY_MS = 100;

/** `SandboxOptions.restartPoints` (see there). */
export type RestartPointPolicy = boolean | 'auto';

/** Whether a sandbox keeps restart points: `auto` where a stop cannot keep the interpreter (no SharedArrayBuffer, no JSPI). */
export function keepsRestartPoints(policy: RestartPointPolicy, stopsKeepState: boolean): boolean {
  return policy === 'auto' ? !stopsKeepState : policy;
}

/** @throws {TypeError} a value that is not a policy. */
export function checkRestartPoints(policy: unknown): RestartPointPolicy {
  if (policy === undefined) return 'auto';
  if (policy === true || policy === false || policy === 'auto') return policy;
  throw new TypeError(`restartPoints must be true, false or 'auto'; got ${String(policy)}`);
}

/** The sandbox's side: the worker's save of its current interpreter, queued like any call, or undefined if it is busy or gone. */
export type IdleSave = () => Promise<Saved | undefined>;
interface Saved {
  /** The worker's save (saved-state.ts `savedState`). */
  state: Uint8Array;
  changes: number;
  lineage: number;
  /** The sandbox's latest run when it was asked for. */
  run: number;
}

/** Told of each save kept (its bytes and the latest run they hold), and of each refused (why). */
export interface SaveListener {
  kept(state: Uint8Array, run: number): void;
  refused(run: number, reason: string): void;
}

export class RestartPoint {
  /** The latest save, packed (see saved-state.ts). */
  private bytes: Uint8Array | undefined;
  /** Changes made to the interpreter (runs, resets, restores), how many of them `bytes` holds, and how many the latest save asked for. */
  private changes = 0;
  private savedChanges = 0;
  private askedChanges = 0;
  /** Counts fresh interpreters: a save of the one before is not kept. */
  private lineage = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** A save's worker part is queued or going (it holds the sandbox's queue). */
  private asking = false;
  /** The latest save, until it is kept (each waits for the one before, so an older one never overwrites it). */
  private saving: Promise<void> | undefined;
  private disposed = false;
  /** `interrupt()` came while a save held the queue: the run waiting behind it (running, as its caller sees it) stops before it starts. */
  private stopBehind = false;
  /** Saves begun, kept, and given up for a call that arrived (tests and the bench count them). */
  readonly counts = { begun: 0, kept: 0, gaveWay: 0 };
  /** Saves are made: for restart points (`enabled`) or for a listener. */
  private saves: boolean;
  private listener: SaveListener | undefined;
  /** The run the latest idle save asked for holds. */
  private askedRun = 0;

  constructor(
    readonly enabled: boolean,
    private readonly save: IdleSave,
    private readonly idle: () => boolean,
    /** The sandbox's saves that give way to a call (see giving-way.ts). */
    private readonly givingWay: GivingWay,
    /** The largest memory kept (`limits.maxMemoryBytes`: an honest interpreter past it was replaced); a worker that says more is not believed. */
    private readonly maxBytes = Number.POSITIVE_INFINITY,
  ) {
    this.saves = enabled;
  }

  /** Each save kept or refused is told to `listener`; saves are made even where no restart point is restored. */
  listen(listener: SaveListener): void {
    this.listener = listener;
    this.saves = true;
  }

  /**
   * `session`'s save by `save` (asked to give way) and the changes it holds, or undefined if the
   * worker is gone or it gave way (what it would have held is due again): called by the sandbox's
   * queue, so no change is going on.
   */
  async saved(session: WorkerSession, save: (session: WorkerSession) => Promise<Uint8Array>, run = 0): Promise<Saved | undefined> {
    const changes = (this.askedChanges = this.changes);
    const lineage = this.lineage;
    this.askedRun = run;
    if (!session.alive) return undefined;
    const state = await this.givingWay.save(() => save(session));
    if (state !== undefined) return { state, changes, lineage, run };
    this.counts.gaveWay++;
    this.askedChanges = this.savedChanges;
    return undefined;
  }

  /**
   * A save the sandbox's user asked for: this point's bytes (a copy) when they hold the interpreter
   * as it is, so nothing is saved twice; otherwise `save`'s, which become the point (and the checkpoint of `run`).
   */
  async asked(save: () => Promise<Uint8Array | undefined>, run = 0): Promise<Uint8Array | undefined> {
    if (this.bytes && this.savedChanges === this.changes && !this.asking && !this.saving) return this.bytes.slice();
    const { changes, lineage } = this;
    const bytes = await save();
    if (bytes && this.saves && !this.disposed && lineage === this.lineage && changes === this.changes) {
      this.bytes = bytes.slice();
      this.savedChanges = this.askedChanges = changes;
      this.listener?.kept(this.bytes, run);
    }
    return bytes;
  }

  /** The interpreter started from `bytes` (`SandboxOptions.savedState`): they are its first point, until a run changes it. */
  seed(bytes: Uint8Array | undefined): void {
    if (!this.saves || !bytes) return;
    this.bytes = bytes.slice();
    this.listener?.kept(this.bytes, 0);
  }

  /** The interpreter was replaced by one started from `bytes` (kept, as a save is: a rewind's checkpoint): they are the point now. */
  adopt(bytes: Uint8Array): void {
    // A save of the interpreter before is not kept.
    this.lineage++;
    this.changes++;
    this.savedChanges = this.askedChanges = this.changes;
    if (this.saves) this.bytes = bytes;
  }

  /** The packed size held (the bench's memory row). */
  get heldBytes(): number {
    return this.bytes?.length ?? 0;
  }

  /** A run, reset or restore is about to change the interpreter. */
  changed(): void {
    this.changes++;
  }

  /** `interrupt()` with no run going: if this point's save holds the queue, the next run is stopped (see `stopsNextRun`). */
  interruptBehind(): void {
    if (this.asking) this.stopBehind = true;
  }

  /** Whether the run starting now was interrupted while it waited behind a save (asked once per run). */
  stopsNextRun(): boolean {
    const stop = this.stopBehind;
    this.stopBehind = false;
    return stop;
  }

  /** The sandbox's queue emptied: a save starts once it has stayed empty for `IDLE_SAVE_DELAY_MS`. */
  queueEmptied(): void {
    this.stopBehind = false;
    // Counted from the latest call settled, not the first: a save set for an earlier idle moment could start in the next one's short gap.
    clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.due()) return;
    this.timer = setTimeout(() => this.take(), IDLE_SAVE_DELAY_MS);
    (this.timer as { unref?: () => void }).unref?.();
  }

  /** Resolves once a save due now (a change unsaved while idle, or a save going) is kept. */
  async whenSaved(): Promise<void> {
    this.take();
    await this.saving;
  }

  /**
   * An interpreter in place of `lost`: the restart point restored in a new worker, or if none is
   * kept (or it fails to restore) `interpreters.replacement()`. `during`: the change going on (a
   * stopped run) is undone too. `kept` says what the restore kept, for the result's note.
   */
  async replacement(lost: WorkerSession, interpreters: Interpreters, during: boolean): Promise<{ session: WorkerSession; kept?: Kept }> {
    clearTimeout(this.timer);
    this.timer = undefined;
    // A save being packed is newer than the one kept.
    await this.saving;
    if (this.bytes && this.enabled) {
      try {
        const { session } = await restoredSession(lost, this.bytes, this.maxBytes, interpreters);
        const missed = this.changes - this.savedChanges - (during ? 1 : 0);
        this.changes = this.askedChanges = this.savedChanges;
        return { session, kept: keptAccount(missed) };
      } catch {
        // Falls back to a fresh interpreter, reported as today.
      }
    }
    this.bytes = undefined;
    this.changes = this.savedChanges = this.askedChanges = 0;
    this.lineage++;
    return { session: await interpreters.replacement() };
  }

  /** Whether `replacement` will restore (the caller then waits for it, to say so): a point is kept or being saved. */
  get restores(): boolean {
    return this.enabled && (this.bytes !== undefined || this.saving !== undefined);
  }

  /** The sandbox is disposed: no save starts. */
  dispose(): void {
    this.disposed = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.bytes = undefined;
  }

  /** A change since the latest save asked for, and no save holding the worker. */
  private due(): boolean {
    return this.saves && !this.disposed && !this.asking && this.changes !== this.askedChanges;
  }

  private take(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.due() || !this.idle()) return;
    this.asking = true;
    this.counts.begun++;
    const before = this.saving;
    const asked = this.save().finally(() => {
      this.asking = false;
    });
    const saving: Promise<void> = asked
      .then(async (saved) => {
        if (!saved) return;
        // Its sizes are checked against `maxBytes` when it is restored (`replacement`).
        const bytes = saved.state;
        await before;
        if (saved.lineage === this.lineage && saved.changes <= this.changes && !this.disposed) {
          this.bytes = bytes;
          this.savedChanges = saved.changes;
          this.counts.kept++;
          this.listener?.kept(bytes, saved.run);
        }
      })
      // An interpreter that cannot be saved (a compiled package loaded) keeps the point before it.
      .catch((error: Error) => {
        if (!this.disposed) this.listener?.refused(this.askedRun, String(error?.message ?? error));
      })
      .finally(() => {
        if (this.saving === saving) this.saving = undefined;
      });
    this.saving = saving;
    // A change made while this save held the worker is saved next, once the sandbox is idle again.
    void asked.then(
      () => this.idle() && this.queueEmptied(),
      () => undefined,
    );
  }
}

/** What a restore kept: `missed` changes before the stopped run were made after the save. */
function keptAccount(missed: number): Kept {
  if (missed <= 0)
    return { stateLost: false, restarted: ' from the state saved before this run: variables from earlier runs are kept; what this run changed is undone.' };
  const runs = missed === 1 ? 'one run' : `${missed} runs`;
  return {
    stateLost: true,
    restarted: ` from the state saved ${runs} before this one: what ${missed === 1 ? 'that run' : 'those runs'} and this one changed is undone.`,
  };
}
