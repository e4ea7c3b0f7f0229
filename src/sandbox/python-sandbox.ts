import type { SnapshotData } from '../protocol.js';
import type { BootPath, FileInfo, OutputChunk, RunOptions, RunResult, SandboxLimits, SandboxOptions } from '../types.js';
import { Arrivals } from './arrivals.js';
import { type BootPlan, prepareIsolated, resolveIsolation, startSession } from './boot-plan.js';
import { SandboxDisposedError, SandboxError } from './errors.js';
import { MAX_FILES_PER_RUN, MAX_IMAGES_PER_RUN, checkLimit, resolveLimits } from './limits.js';
import { type StopReason, formatMiB, fromWorker, interruptedError, lostRun } from './outcomes.js';
import { toWorkdirPath } from './paths.js';
import type { WorkerSession } from './session.js';
import { isNode } from './spawn.js';
import { type SnapshotStore, openSnapshotStore } from './snapshot-store.js';
import { validateBytes, validateFileList, validateRunResult } from './validate.js';
import { WorkdirMirror } from './workdir-mirror.js';

/** How long a new sandbox waits for a first run before booting its spare anyway. */
const SPARE_DELAY_MS = 1500;

interface ActiveRun {
  runId: number;
  stop(reason: StopReason): void;
}

/**
 * Runs untrusted Python in a Pyodide interpreter hosted in a worker, and returns results shaped
 * like Gemini's server-side code execution.
 *
 * Globals persist across {@link PythonSandbox.run} calls; calls are queued and run one at a time.
 *
 * @example
 * ```ts
 * const sandbox = await PythonSandbox.create();
 * const r = await sandbox.run('x = 6 * 7\nx');
 * r.outcome; // 'OUTCOME_OK'
 * r.result;  // '42'
 * ```
 */
export class PythonSandbox {
  /** The effective limits (defaults merged with `options.limits`). */
  readonly limits: Readonly<SandboxLimits>;
  private session: WorkerSession;
  /** Resolves to the live session; replaced while a fresh interpreter boots after a kill. */
  private ready: Promise<WorkerSession>;
  private queue: Promise<unknown> = Promise.resolve();
  private active: ActiveRun | undefined;
  private runSeq = 0;
  private disposed = false;
  /** The interpreter was replaced outside a run (it died idle, or a call found it silent): the next run says `stateLost`. */
  private lostUnreported = false;
  /** The working directory's files, written back into a replacement interpreter. */
  private readonly workdir: WorkdirMirror;

  /** A booting or booted interpreter standing by to replace one that had to be killed. */
  private spare: Promise<WorkerSession | undefined> | undefined;
  /** The latest snapshot write (Cache Storage or disk). */
  private saving: Promise<void> = Promise.resolve();
  /** Until it fires, the spare waits for a first run to finish. */
  private spareTimer: ReturnType<typeof setTimeout> | undefined;
  /** Ends a spare's boot when the sandbox is disposed. */
  private readonly spareAbort = new AbortController();
  /** A valid snapshot for booting spares quickly (undefined until one is made or loaded). */
  private snapshot: SnapshotData | undefined;

  private constructor(
    session: WorkerSession,
    private readonly boot: BootPlan,
    limits: SandboxLimits,
    private readonly options: SandboxOptions,
    private readonly snapshots: SnapshotStore,
  ) {
    this.session = session;
    this.ready = Promise.resolve(session);
    this.limits = Object.freeze(limits);
    this.workdir = new WorkdirMirror(limits.maxTotalFileBytes);
  }

  /** Boots a worker and resolves when Python is ready. Throws `SandboxBootError` if it cannot start. */
  static async create(options: SandboxOptions = {}): Promise<PythonSandbox> {
    const limits = resolveLimits(options.limits);
    const isolation = resolveIsolation(options.isolation);
    const indexURL = new URL(options.indexURL ?? new URL(/* @vite-ignore */ './pyodide/', import.meta.url), typeof location === 'undefined' ? import.meta.url : location.href).href;
    const config: BootPlan['config'] = {
      indexURL,
      packageBaseUrl: options.packageBaseUrl,
      lockFileURL: options.lockFileURL,
      lockFileContents: options.lockFileContents,
      recursionLimit: limits.recursionLimit,
      maxOutputBytes: limits.maxOutputBytes,
      maxFileBytes: limits.maxFileBytes,
      maxTotalFileBytes: limits.maxTotalFileBytes,
      maxImagesPerRun: MAX_IMAGES_PER_RUN,
      maxFilesPerRun: MAX_FILES_PER_RUN,
    };
    const boot: BootPlan = {
      workerUrl: new URL(options.workerUrl ?? new URL(/* @vite-ignore */ './worker.js', import.meta.url), import.meta.url), config,
      isolation,
      bootTimeoutMs: limits.bootTimeoutMs,
      callTimeoutMs: limits.callTimeoutMs,
      // The worker streams at most the head of its capped output, then notes: twice is slack enough.
      maxStreamedChars: limits.maxOutputBytes * 2 + 64 * 1024,
    };
    const snapshots = openSnapshotStore(options.snapshotCache, indexURL);
    // The snapshot and (isolated mode) the runtime load while the worker starts.
    const stored = snapshots.load();
    const ready = Promise.all([isolation === 'frame' ? prepareIsolated(boot, options) : undefined, stored]).then(([, snapshot]) => ({
      snapshot,
      // Applies only if the worker boots fresh. With a spare, the spare makes the snapshot, so
      // the first boot is not slowed by it.
      makeSnapshot: options.warmSpare === false,
    }));
    const session = await startSession(boot, ready, options.onProgress);
    const sandbox = new PythonSandbox(session, boot, limits, options, snapshots);
    sandbox.adoptSnapshot(session, await stored);
    // The spare's boot competes for the CPU (2 cores here): a first run goes first.
    if (sandbox.warmSpare) sandbox.spareTimer = setTimeout(() => sandbox.startSpare(), SPARE_DELAY_MS);
    return sandbox;
  }

  /** Keeps a snapshot a session made, or drops one it rejected. */
  private adoptSnapshot(session: WorkerSession, given: SnapshotData | undefined): void {
    const info = session.info;
    if (info?.snapshot) {
      // Browsers hand workers a Blob (see SnapshotData); Node copies bytes within the process.
      this.snapshot = isNode ? info.snapshot : new Blob([info.snapshot as BlobPart]);
      this.saving = this.snapshots.save(this.snapshot);
      info.snapshot = undefined;
    } else if (info?.bootPath === 'snapshot') {
      this.snapshot = given;
    } else if (given && info?.snapshotRejected) {
      this.snapshot = undefined;
      void this.snapshots.clear();
    }
  }

  private startSpare(): void {
    clearTimeout(this.spareTimer);
    this.spareTimer = undefined;
    if (this.disposed || this.spare) return;
    const given = this.snapshot;
    const spare = startSession(this.boot, { snapshot: given, makeSnapshot: !given }, undefined, this.spareAbort.signal).then(
      (session) => {
        if (this.disposed) {
          void session.terminate('disposed');
          return undefined;
        }
        this.adoptSnapshot(session, given);
        return session;
      },
      () => undefined, // a failed spare only means the next restart boots normally
    );
    this.spare = spare;
  }

  /**
   * Resolves when background work has settled: the warm spare has booted and a new snapshot is
   * stored. Runs never wait for it; benchmarks and tests that measure the next boot do.
   */
  async whenIdle(): Promise<void> {
    if (this.warmSpare) this.startSpare();
    await this.spare;
    await this.saving;
  }

  /** Whether a second interpreter is kept booted (`options.warmSpare`, default true). */
  private get warmSpare(): boolean {
    return this.options.warmSpare ?? true;
  }

  /** How the current interpreter started: `snapshot` (restored, fast) or `fresh` (full boot). */
  get bootPath(): BootPath {
    return this.session.info?.bootPath ?? 'fresh';
  }

  /** Whether `interrupt()` can stop Python while keeping its state (SharedArrayBuffer available). */
  get interruptible(): boolean {
    return this.session.interruptible;
  }

  /** Pyodide and Python versions of the running interpreter. */
  get versions(): { pyodide: string; python: string } {
    return { pyodide: this.session.info?.pyodideVersion ?? '', python: this.session.info?.pythonVersion ?? '' };
  }

  /**
   * Runs `code` and resolves with its result. Never rejects for errors in the code (they are
   * `OUTCOME_FAILED` results); rejects only for bad arguments or a disposed sandbox.
   */
  run(code: string, options: RunOptions = {}): Promise<RunResult> {
    if (typeof code !== 'string') return Promise.reject(new TypeError(`code must be a string; got ${typeof code}`));
    let timeoutMs: number;
    try {
      timeoutMs = options.timeoutMs === undefined ? this.limits.timeoutMs : checkLimit('timeoutMs', options.timeoutMs);
    } catch (error) {
      return Promise.reject(error);
    }
    // Downloads start now, while earlier runs finish or the interpreter boots.
    this.boot.packages?.prefetch(code);
    return this.enqueue(() => this.runNow(code, timeoutMs, options));
  }

  /**
   * Stops the running code, if any: KeyboardInterrupt where possible (globals kept), otherwise
   * the worker is replaced and the run reports `stateLost`.
   */
  interrupt(): void {
    this.active?.stop('interrupt');
  }

  /** Fresh globals. Files in the working directory stay. */
  reset(): Promise<void> {
    return this.enqueue(async () => {
      const session = await this.live();
      await this.call(session, 'reset', () => session.remote.reset());
    });
  }

  /** Writes a file into the working directory (paths outside it are refused). Kept across interpreter restarts. */
  writeFile(path: string, data: Uint8Array | string): Promise<void> {
    let relative: string;
    let bytes: Uint8Array;
    try {
      relative = toWorkdirPath(path);
      bytes = toBytes(data);
    } catch (error) {
      return Promise.reject(error);
    }
    return this.enqueue(async () => {
      const session = await this.live();
      await this.call(session, 'writeFile', () => session.remote.writeFile(relative, bytes));
      this.workdir.written(relative, bytes);
    });
  }

  /** Reads a file from the working directory. */
  readFile(path: string): Promise<Uint8Array> {
    let relative: string;
    try {
      relative = toWorkdirPath(path);
    } catch (error) {
      return Promise.reject(error);
    }
    return this.enqueue(async () => {
      const session = await this.live();
      return validateBytes(await this.call(session, 'readFile', () => session.remote.readFile(relative)));
    });
  }

  /** Lists the files in the working directory, recursively. */
  listFiles(): Promise<FileInfo[]> {
    return this.enqueue(async () => {
      const session = await this.live();
      return validateFileList(await this.call(session, 'listFiles', () => session.remote.listFiles()));
    });
  }

  /** Stops the worker. Pending and later calls reject with `SandboxDisposedError`. */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    this.active?.stop('interrupt');
    clearTimeout(this.spareTimer);
    this.spareAbort.abort();
    const [session, spare] = await Promise.all([this.ready.catch(() => undefined), this.spare]);
    await Promise.all([session?.terminate('disposed'), spare?.terminate('disposed')]);
  }

  private enqueue<T>(task: () => Promise<T>): Promise<T> {
    if (this.disposed) return Promise.reject(new SandboxDisposedError());
    const next = this.queue.then(() => {
      if (this.disposed) throw new SandboxDisposedError();
      return task();
    });
    this.queue = next.catch(() => undefined);
    return next;
  }

  /**
   * A call to the worker that fails clearly instead of hanging: if the worker dies meanwhile, or
   * does not answer within `limits.callTimeoutMs` (then it is stopped, and replaced by the next call).
   */
  private async call<T>(session: WorkerSession, what: string, fn: () => Promise<T>): Promise<T> {
    const release = session.hold();
    const timeoutMs = this.limits.callTimeoutMs;
    const silent = setTimeout(() => void session.terminate(`it did not answer ${what}() within ${timeoutMs} ms (limits.callTimeoutMs)`), timeoutMs);
    try {
      return await Promise.race([
        fn(),
        session.died.then((reason) => {
          throw new SandboxError(`The sandbox worker stopped during ${what}() (${reason}). It is replaced by the next call; variables are gone.`);
        }),
      ]);
    } finally {
      clearTimeout(silent);
      release();
    }
  }

  /** The live interpreter; one that died since the last call is replaced first (and the next run says so). */
  private async live(): Promise<WorkerSession> {
    const session = await this.ready;
    if (session.alive) return session;
    this.lostUnreported = true;
    this.ready = this.restart();
    this.ready.catch(() => undefined);
    return this.ready;
  }

  private async runNow(code: string, timeoutMs: number, options: RunOptions): Promise<RunResult> {
    const started = performance.now();
    const runId = ++this.runSeq;
    // A stop that comes while this run waits for an interpreter (a restart) cancels it outright.
    let stoppedEarly: StopReason | undefined;
    this.active = { runId, stop: (reason) => (stoppedEarly ??= reason) };
    if (options.signal?.aborted) stoppedEarly = 'interrupt';
    // Died between runs: replaced for every later call too, not just this run.
    const session = await this.live();
    const stateLost = this.lostUnreported;
    this.lostUnreported = false;
    if (stoppedEarly === 'interrupt') {
      if (this.active?.runId === runId) this.active = undefined;
      const error = { ...interruptedError(false), message: 'Execution was interrupted before it started.' };
      return { outcome: 'OUTCOME_FAILED', output: '', stdout: '', stderr: '', error, images: [], files: [], stateLost, durationMs: performance.now() - started };
    }
    // Everything streamed is kept: if the worker has to be killed it is all the output there is.
    const streamed: OutputChunk[] = [];
    // Streamed chunks use their own port and may trail the result: it waits (briefly) for the rest.
    const arrivals = new Arrivals();
    const onOutput = (chunk: OutputChunk) => {
      streamed.push(chunk);
      arrivals.arrived();
      try {
        options.onOutput?.(chunk);
      } catch {
        // A throwing listener must not break the run.
      }
    };

    let stopReason: StopReason | undefined;
    let graceTimer: ReturnType<typeof setTimeout> | undefined;
    let rearm: ReturnType<typeof setInterval> | undefined;
    /** Set once the run has ended, so a late answer cannot start a timer. */
    let over = false;
    const stop = (reason: StopReason) => {
      if (stopReason) return;
      stopReason = reason;
      session.interrupt();
      // Pyodide reads and clears the buffer in two steps, so a SIGINT written in between is
      // lost (measured: ~3%). Writing it again until the run ends makes it stick; a late one is
      // ignored by the runner outside user code and cleared by the worker before every call.
      if (session.interruptible) rearm = setInterval(() => session.interrupt(), 150);
      const terminate = () => void session.terminate(`stopped: ${reason}`);
      const grace = session.interruptible ? this.limits.interruptGraceMs : Math.min(this.limits.interruptGraceMs, 100);
      graceTimer = setTimeout(terminate, grace);
      // Frees a top-level `await` (the worker's event loop is idle then); unanswered while Python is busy.
      session.remote.cancel(runId).then(
        (cancelling) => {
          // An await being cancelled unwinds by itself: it gets the grace an interrupt gets, not the short one.
          if (cancelling === true && !over && grace < this.limits.interruptGraceMs) {
            clearTimeout(graceTimer);
            graceTimer = setTimeout(terminate, this.limits.interruptGraceMs);
          }
        },
        () => undefined,
      );
    };
    this.active = { runId, stop };
    const deadline = setTimeout(() => stop('timeout'), timeoutMs);
    const onAbort = () => stop('interrupt');
    if (options.signal?.aborted || stoppedEarly) onAbort();
    options.signal?.addEventListener('abort', onAbort);

    const release = session.hold();
    session.beginRun(runId, onOutput);
    try {
      const settled = await Promise.race([
        session.remote
          .run({ runId, code })
          .then((answer) => validateRunResult(answer, this.limits))
          .then(
            (result) => ({ result }),
            // A failed call or a malformed answer: the worker cannot be trusted any more.
            (error: unknown) => ({ crash: `worker call failed: ${(error as Error)?.message ?? String(error)}` }),
          ),
        session.died.then((reason) => ({ crash: reason })),
      ]);
      if ('result' in settled) {
        await arrivals.until(settled.result.streamedChunks);
        this.workdir.afterRun(settled.result.files, settled.result.removedFiles);
      }
      const durationMs = performance.now() - started;
      if ('result' in settled && settled.result.status !== 'fatal') {
        const result: RunResult = { ...fromWorker(settled.result, stopReason, timeoutMs), stateLost, durationMs };
        if (settled.result.heapBytes > this.limits.maxMemoryBytes) {
          // Wasm memory never shrinks: the only way to give it back is a new interpreter.
          this.replace(session, 'memory limit');
          const note = `\n[the interpreter holds ${formatMiB(settled.result.heapBytes)} of memory, over limits.maxMemoryBytes (${formatMiB(this.limits.maxMemoryBytes)}); it was restarted to free it: variables are gone. ${this.workdir.describeRestore()}]\n`;
          return { ...result, output: result.output + note, stderr: result.stderr + note, stateLost: true };
        }
        return result;
      }
      // The interpreter is gone or unusable: report what we have and boot a fresh one.
      const fatal = 'result' in settled ? settled.result : undefined;
      this.replace(session, 'replaced');
      return lostRun({ fatal, streamed, stopReason, timeoutMs, durationMs, crash: 'crash' in settled ? settled.crash : undefined, filesNote: this.workdir.describeRestore() });
    } finally {
      over = true;
      session.endRun();
      // A first run is over: the deferred spare may boot now.
      if (this.spareTimer !== undefined) this.startSpare();
      clearTimeout(deadline);
      clearTimeout(graceTimer);
      clearInterval(rearm);
      options.signal?.removeEventListener('abort', onAbort);
      if (this.active?.runId === runId) this.active = undefined;
      release();
    }
  }

  /** Throws `session` away; the next call waits for its replacement. */
  private replace(session: WorkerSession, reason: string): void {
    // The restart starts the next spare itself; a deferred one would boot beside it.
    clearTimeout(this.spareTimer);
    this.spareTimer = undefined;
    void session.terminate(reason);
    this.ready = this.restart();
    this.ready.catch(() => undefined);
  }

  /** Replaces the interpreter: the warm spare if there is one, else a new boot; user files restored. */
  private async restart(): Promise<WorkerSession> {
    // Taken before any await, so a spare started meanwhile is not overwritten (and orphaned).
    const pending = this.spare;
    this.spare = undefined;
    const spare = await pending;
    let session = spare?.alive ? spare : undefined;
    if (!session) {
      const given = this.snapshot;
      session = await startSession(this.boot, { snapshot: given, makeSnapshot: false }, this.options.onProgress);
    }
    if (this.disposed) {
      await session.terminate('disposed');
      throw new SandboxDisposedError();
    }
    for (const [path, data] of this.workdir.files()) await this.call(session, 'writeFile', () => session.remote.writeFile(path, data));
    this.session = session;
    if (this.warmSpare) this.startSpare();
    return session;
  }
}

function toBytes(data: Uint8Array | string): Uint8Array {
  if (typeof data === 'string') return new TextEncoder().encode(data);
  if (data instanceof Uint8Array) return data;
  throw new TypeError('File data must be a Uint8Array or a string');
}
