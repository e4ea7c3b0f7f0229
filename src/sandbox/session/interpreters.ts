/**
 * Where a sandbox's interpreters come from: the first boot, the warm spare that stands by to
 * replace one that had to be killed, and the snapshot that makes both fast (kept in the store for
 * return visits). The sandbox asks for a replacement; how it is found is decided here.
 */
import type { SnapshotData } from '../../shared/protocol.js';
import type { LoadProgress } from '../../shared/types.js';
import { type BootPlan, startSession } from '../runtime/boot-plan.js';
import type { WorkerSession } from './worker-session.js';
import { isNode } from '../../shared/is-node.js';
import type { SnapshotStore } from '../runtime/snapshot-store.js';

/** How long a new sandbox waits for a first run before booting its spare anyway. */
const SPARE_DELAY_MS = 1500;

/**
 * The largest state a Node host hands a staged worker. The staged worker gets a copy (the host
 * keeps its own, for a boot if the staged one fails), made on the host's thread: ~1 ms a MB. A
 * larger state is moved to a boot of its own, as before staging, and the staged worker waits on.
 */
const NODE_STAGED_MAX_BYTES = 16 * 2 ** 20;

/**
 * When a second interpreter stands by (`SandboxOptions.warmSpare`): `true` from the start,
 * `false` never, `auto` from the start where a stop must terminate the worker (neither a
 * SharedArrayBuffer nor JSPI yields) and restart points are off, and in Node (where a sandbox
 * that keeps checkpoints or restart points stages a worker for restores instead), and otherwise
 * (browsers where `interrupt()` keeps the interpreter) only after the first replacement: there a
 * replacement is rare (code that ignores KeyboardInterrupt, C code that never returns to Python,
 * a fatal error, the memory limit), and an interpreter costs ~90 MB (Chromium, renderer PSS).
 */
export type SparePolicy = boolean | 'auto';

export interface InterpreterOptions {
  warmSpare: SparePolicy;
  onProgress?: (p: LoadProgress) => void;
  /** The snapshot shipped with the package, for a first boot when the store has none. */
  shipped?: () => Promise<SnapshotData | undefined>;
  /** Whether a replacement restores a restart point (given whether stops keep the interpreter): a spare, a fresh interpreter, could not stand in for it. */
  restores?: (stopsKeepState: boolean) => boolean;
  /** Whether checkpoints are kept (`SandboxOptions.checkpoints`): a rewind restores one. */
  checkpoints?: boolean;
}

export class Interpreters {
  /** A booting or booted interpreter standing by. */
  private spare: Promise<WorkerSession | undefined> | undefined;
  /** Until it fires, the spare waits for a first run to finish (the spare's boot competes for the CPU). */
  private spareTimer: ReturnType<typeof setTimeout> | undefined;
  /** Ends a spare's boot when the sandbox is disposed. */
  private readonly spareAbort = new AbortController();
  /** A valid snapshot for booting quickly (undefined until one is made or loaded). */
  private snapshot: SnapshotData | undefined;
  /** Until the store has said which snapshot it keeps: `snapshot` is that one once it resolves. */
  private choosing: Promise<void> = Promise.resolve();
  /** The latest snapshot write (Cache Storage or disk). */
  private saving: Promise<void> = Promise.resolve();
  private disposed = false;
  /** A worker staged for the next restore, waiting for its state (see `stage`). */
  private staged: { give(state: Uint8Array): void; session: Promise<WorkerSession>; ready: Promise<void> } | undefined;
  /** Whether a worker is staged for restores now: after the first (see `restored`), or from the first run (`warmSpare: true`; Node's `auto`). */
  private stagesRestores = false;
  /** Whether a spare is kept now (see SparePolicy); `auto` turns it on at the first replacement. */
  private keepSpare: boolean;

  private constructor(
    private readonly boot: BootPlan,
    private readonly options: InterpreterOptions,
    private readonly snapshots: SnapshotStore,
    stopsKeepState: boolean,
    hasSnapshot: boolean,
  ) {
    // `auto` in a page whose stops terminate: a stop restores the restart point in a new worker, so
    // a spare booted beside it (competing with the first stops' restores) would serve only a restore that failed.
    const restores = options.restores?.(stopsKeepState) ?? false;
    // Where restores happen, a worker staged for them from the first run on (see `restored`): with
    // `true`, and with Node's `auto`, where it stands in for the spare (Node's stops keep the
    // interpreter, so what such a sandbox replaces is mostly a rewind's; one worker's memory either way).
    const early = options.warmSpare === true || (isNode && options.warmSpare === 'auto');
    this.stagesRestores = early && (restores || options.checkpoints === true);
    // A staged worker boots from a snapshot: with none yet, Node's spare comes first and makes one.
    const nodeSpare = !this.stagesRestores || !hasSnapshot;
    this.keepSpare = options.warmSpare === 'auto' ? (isNode ? nodeSpare : !stopsKeepState && !restores) : options.warmSpare;
  }

  /**
   * Boots the first interpreter, from `state` if given (`SandboxOptions.savedState`, checked), else
   * from the snapshot. The stored snapshot (the spare's) and `prepared` (isolated mode: the runtime)
   * load while the worker starts; the spare is scheduled once it is up.
   */
  static async start(
    boot: BootPlan,
    options: InterpreterOptions,
    snapshots: SnapshotStore,
    prepared: Promise<void>,
    state?: Promise<Uint8Array>,
  ): Promise<{ interpreters: Interpreters; session: WorkerSession }> {
    const stored = snapshots.load();
    const shipped = stored.then((snapshot) => (snapshot ? undefined : options.shipped?.()));
    const given = Promise.all([stored, shipped]).then(([mine, built]) => mine ?? built);
    // A saved state is stored against the boot snapshot (worker/snapshots/state-base.ts): the worker gets it too.
    const config = state
      ? Promise.all([prepared, state, given]).then(([, restoreState, snapshot]) => ({ restoreState, snapshot, makeSnapshot: false }))
      : Promise.all([prepared, given]).then(([, snapshot]) => ({
          snapshot,
          // Applies only if the worker boots fresh. With a spare from the start (Node, `true`), the
          // spare makes the snapshot, so the first boot is not slowed by it; a browser's `auto` may
          // keep no spare, so there the first boot makes it.
          makeSnapshot: options.warmSpare === false || (options.warmSpare === 'auto' && !isNode),
        }));
    const session = await startSession(boot, config, options.onProgress);
    const snapshot = await given;
    const interpreters = new Interpreters(boot, options, snapshots, session.stopsKeepState, snapshot !== undefined);
    interpreters.adopt(session, snapshot, !(await stored));
    if (interpreters.keepSpare) interpreters.spareTimer = setTimeout(() => interpreters.startSpare(), SPARE_DELAY_MS);
    return { interpreters, session };
  }

  /**
   * A run has finished: a spare still waiting for it may boot now, and, with no call waiting, a
   * worker be staged for restores (one staged beside the next run would compete with it for the CPU).
   */
  runFinished(idle = true): void {
    if (this.spareTimer !== undefined) this.startSpare();
    if (idle) this.stage();
  }

  /**
   * An interpreter for the one being thrown away: the warm spare if it is alive, else a new
   * boot. A new spare starts behind it.
   */
  async replacement(): Promise<WorkerSession> {
    // The replacement starts the next spare itself; a deferred one would boot beside it.
    clearTimeout(this.spareTimer);
    this.spareTimer = undefined;
    // Taken before any await, so a spare started meanwhile is not overwritten (and orphaned).
    const pending = this.spare;
    this.spare = undefined;
    const spare = await pending;
    const session = spare?.alive
      ? spare
      : await startSession(
          this.boot,
          this.kept().then((snapshot) => ({ snapshot, makeSnapshot: false })),
          this.options.onProgress,
        );
    // `auto`: a sandbox that needed one replacement keeps a spare for the next.
    if (this.options.warmSpare === 'auto') this.keepSpare = true;
    if (this.keepSpare && !this.disposed) this.startSpare();
    return session;
  }

  /**
   * A new interpreter started from `state` (a saved interpreter; see saved-state.ts), or a boot
   * error: the staged worker if one stands by (a failed one leaves it to a boot of its own). Once
   * a sandbox has restored (a rewind, a stop's restart point), the next restore finds a worker
   * staged for it (unless `warmSpare` is false), started after the next run.
   */
  async restored(state: Uint8Array): Promise<WorkerSession> {
    const staged = isNode && state.length > NODE_STAGED_MAX_BYTES ? undefined : this.staged;
    if (staged) this.staged = undefined;
    staged?.give(state);
    const session =
      (await staged?.session.catch(() => undefined)) ??
      (await startSession(
        this.boot,
        this.kept().then((snapshot) => ({ makeSnapshot: false, restoreState: state, snapshot })),
        this.options.onProgress,
      ));
    this.stagesRestores = this.options.warmSpare !== false;
    return session;
  }

  /**
   * A worker for the next restore, booted as far as it can be without the state (Pyodide loaded,
   * its module created: `BootConfig.restoreLater`), so that a restore waits only for its state to
   * be unpacked and written. Its progress is told once it has its state.
   */
  private stage(): void {
    if (this.disposed || this.staged || !this.stagesRestores) return;
    let handIn!: (state: Uint8Array) => void;
    let waiting!: () => void;
    const state = new Promise<Uint8Array>((resolve) => (handIn = resolve));
    const ready = new Promise<void>((resolve) => (waiting = resolve));
    let given = false;
    const session = this.kept().then((snapshot) => {
      if (!snapshot) throw new Error('no boot snapshot to stage a restore on');
      const progress = (p: LoadProgress) => given && this.options.onProgress?.(p);
      return startSession(this.boot, { snapshot, makeSnapshot: false, restoreLater: true }, progress, this.spareAbort.signal, { state, onWaiting: waiting });
    });
    session.catch(() => undefined);
    this.staged = {
      give: (bytes) => {
        given = true;
        handIn(bytes);
      },
      session,
      // A staged boot that failed is settled too.
      ready: Promise.race([
        ready,
        session.then(
          () => undefined,
          () => undefined,
        ),
      ]),
    };
  }

  /** The snapshot to boot from, once the store has said which it keeps. */
  private async kept(): Promise<SnapshotData | undefined> {
    await this.choosing;
    return this.snapshot;
  }

  /** Resolves when the warm spare (if one is kept now) has booted, a staged worker waits for its state, and a new snapshot is stored. */
  async whenIdle(): Promise<void> {
    if (this.keepSpare) this.startSpare();
    this.stage();
    await this.spare;
    await this.staged?.ready;
    await this.saving;
  }

  /**
   * Stops the spare (booting or booted), and lets a snapshot being stored finish: a script that
   * exits once `dispose()` resolves would otherwise leave its `snapshotCache` empty (storing the
   * shipped snapshot unpacks its file first, about 0.1 s), and every later process boots without it.
   */
  async dispose(): Promise<void> {
    this.disposed = true;
    clearTimeout(this.spareTimer);
    this.spareAbort.abort();
    const staged = this.staged?.session.then(
      (session) => session.terminate('disposed'),
      () => undefined,
    );
    await Promise.all([(await this.spare)?.terminate('disposed'), staged, this.saving]);
  }

  private startSpare(): void {
    clearTimeout(this.spareTimer);
    this.spareTimer = undefined;
    if (this.disposed || this.spare) return;
    let given: SnapshotData | undefined;
    const choice = this.kept().then((snapshot) => {
      given = snapshot;
      return { snapshot, makeSnapshot: !snapshot };
    });
    this.spare = startSession(this.boot, choice, undefined, this.spareAbort.signal).then(
      (session) => {
        if (this.disposed) {
          void session.terminate('disposed');
          return undefined;
        }
        this.adopt(session, given);
        return session;
      },
      () => undefined, // a failed spare only means the next restart boots normally
    );
  }

  /** Boots from `made` until the store says which snapshot it keeps (another sandbox's, if it stored one first): from then on, that one. */
  private keep(made: SnapshotData): void {
    this.snapshot = made;
    const kept = this.saving.then(() => this.snapshots.keep(made));
    this.choosing = kept.then(({ held }) => {
      this.snapshot = held;
    });
    this.saving = kept.then(({ written }) => written);
  }

  /**
   * Keeps a snapshot a session made, or drops one it rejected. `unstored`: `given` is not in the
   * store (the shipped one); if it fit, it is stored like one made here, for return visits.
   */
  private adopt(session: WorkerSession, given: SnapshotData | undefined, unstored = false): void {
    const info = session.info;
    // One the worker refused (corrupt, another build) leaves the store before one made in its place is kept.
    if (given && info?.snapshotRejected) {
      this.snapshot = undefined;
      this.saving = this.snapshots.clear();
    }
    if (info?.snapshot) {
      // Browsers hand workers a Blob (see SnapshotData); Node copies bytes within the process.
      this.keep(isNode ? (info.snapshot as Uint8Array<ArrayBuffer>) : new Blob([info.snapshot as BlobPart]));
      info.snapshot = undefined;
    } else if (info?.bootPath === 'snapshot' || info?.bootPath === 'saved') {
      if (unstored && given) this.keep(given);
      else this.snapshot = given;
    }
  }
}
