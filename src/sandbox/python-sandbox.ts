import type { BootPath, Checkpoint, FileInfo, ReadFileOptions, RunOptions, RunResult, SandboxLimits, SandboxOptions } from '../shared/types.js';
import { RunOutput } from './runs/run-output.js';
import { SandboxDisposedError, SandboxFileNotFoundError } from './errors.js';
import { callWorker } from './session/worker-call.js';
import { restoredSession, savedState } from './session/saved-state.js';
import type { Interpreters } from './session/interpreters.js';
import type { BootPlan } from './runtime/boot-plan.js';
import { type StartedSandbox, startSandbox } from './runtime/sandbox-start.js';
import { runArguments } from './runs/run-arguments.js';
import { CallQueue } from './runs/call-queue.js';
import { type Kept, type StopReason, fromWorker, interruptedBeforeStart, lostRun, overMemory } from './runs/run-results.js';
import { keepsRestartPoints, RestartPoint } from './session/restart-point.js';
import { GivingWay } from './session/giving-way.js';
import { fileBytes, readBound, toWorkdirPath } from './files/workdir-paths.js';
import { type ActiveRun, mayAwait, RunStopper, WaitingRun } from './runs/run-stopper.js';
import type { WorkerSession } from './session/worker-session.js';
import { runAnswer, validateFileList, validateFileRead } from './session/worker-answers.js';
import { WorkdirMirror } from './files/workdir-mirror.js';
import type { FunctionSpec } from './functions/function-specs.js';
import { FunctionCalls } from './functions/function-calls.js';
import { savedNow, Timeline } from './session/timeline.js';

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
  /** The interpreter of the latest call (for the getters); `ready` is the one the next call gets. */
  private session: WorkerSession;
  /** Resolves to the live session; replaced while a fresh interpreter boots after a kill. */
  private ready: Promise<WorkerSession>;
  private readonly calls: CallQueue;
  private active: ActiveRun | undefined;
  private runSeq = 0;
  private disposed = false;
  /** The interpreter was replaced outside a run (it died idle, or a call found it silent): the next run says `stateLost`. */
  private lostUnreported = false;
  /** The working directory's files, written back into a replacement interpreter. */
  private workdir: WorkdirMirror;
  /** The interpreter saved when idle after a run, restored when a stop or crash replaces it. */
  private readonly restartPoint: RestartPoint;
  private readonly givingWay: GivingWay;
  private readonly boot: BootPlan;
  private readonly interpreters: Interpreters;
  /** The checkpoints kept (restart points' saves kept on) for `rewind` and `fork` (with the options this sandbox was created with). */
  private readonly timeline: Timeline;
  private readonly options: SandboxOptions;
  private constructor(started: StartedSandbox) {
    const { session, boot, limits, interpreters, restartPoints, files, savedState: startedFrom } = started;
    this.session = session;
    this.options = started.options;
    this.timeline = new Timeline(started.checkpoints, started.forkedFrom);
    this.boot = boot;
    this.interpreters = interpreters;
    this.ready = Promise.resolve(session);
    this.limits = Object.freeze(limits);
    this.workdir = new WorkdirMirror(limits.maxTotalFileBytes, files);
    const idleSave = () => this.enqueue(async () => this.restartPoint.saved(this.session, (s) => this.saved(s, true), this.runSeq));
    this.givingWay = new GivingWay({ session: () => this.session, waiting: () => this.calls.waiting });
    const keeps = keepsRestartPoints(restartPoints, session.stopsKeepState);
    this.restartPoint = new RestartPoint(keeps, idleSave, () => this.calls.idle, this.givingWay, limits.maxMemoryBytes);
    if (this.timeline.enabled) this.restartPoint.listen(this.timeline);
    this.restartPoint.seed(startedFrom);
    this.calls = new CallQueue(this.restartPoint.queueEmptied.bind(this.restartPoint), this.givingWay.callWaiting);
  }

  /**
   * Boots a worker and resolves when Python is ready.
   * @param options Where the runtime comes from, limits, isolation, progress callback.
   * @throws {TypeError | RangeError} an unknown option or a limit out of range (the message names it).
   * @throws {SandboxBootError} Python could not start (assets missing, wrong MIME type, `limits.bootTimeoutMs`).
   * @throws {SandboxStateError} `options.savedState` was refused or did not restore (see `restoreState`).
   */
  static async create(options: SandboxOptions = {}): Promise<PythonSandbox> {
    return new PythonSandbox(await startSandbox(options));
  }

  /**
   * Resolves when background work has settled: the warm spare (where one is kept, see `SandboxOptions.warmSpare`) has booted, a worker staged for a restore waits for it, a new
   * snapshot is stored, and a restart point due (`SandboxOptions.restartPoints`) is kept. Runs never wait for it; benchmarks and tests do.
   */
  async whenIdle(): Promise<void> {
    await Promise.all([this.interpreters.whenIdle(), this.restartPoint.whenSaved()]);
  }

  /** How the current interpreter started: `snapshot` (fast), `fresh` (full boot) or `saved` (from a saved state). */
  get bootPath(): BootPath {
    return this.session.info?.bootPath ?? 'fresh';
  }

  /** Where Python runs (`SandboxOptions.isolation` as resolved): `frame` or `worker` in browsers, `worker` or `deno` in Node. */
  get isolation(): 'frame' | 'worker' | 'deno' {
    return typeof this.boot.isolation === 'object' ? 'deno' : this.boot.isolation;
  }

  /** Whether there is a SharedArrayBuffer interrupt buffer (a cross-origin isolated page, Node) for `interrupt()` and an aborted signal. Without one they keep Python's state where the engine has JSPI (Python yields for stops); a run past its deadline keeps it either way. */
  get interruptible(): boolean {
    return this.session.interruptible;
  }

  /** Pyodide and Python versions of the running interpreter. */
  get versions(): { pyodide: string; python: string } {
    return { pyodide: this.session.info?.pyodideVersion ?? '', python: this.session.info?.pythonVersion ?? '' };
  }

  /**
   * Runs `code` and resolves with its result. Never rejects for errors in the code (they are
   * `OUTCOME_FAILED` results), nor for a worker that had to be replaced (`stateLost: true`).
   * @param code Python source; a trailing expression's repr becomes `result`; top-level `await` works.
   * @param options `timeoutMs` (default `limits.timeoutMs`), `onOutput` for live output, `signal` to stop it, `functions` Python may await.
   * @returns The run's record, shaped for Gemini's `codeExecutionResult` (see `toParts`).
   * @throws {TypeError | RangeError} `code` is not a string, `timeoutMs` is out of range, or a `functions` entry is malformed (named).
   * @throws {SandboxDisposedError} the sandbox was disposed.
   */
  async run(code: string, options: RunOptions = {}): Promise<RunResult> {
    // Checked before anything is queued; an async function rejects with the error.
    const checked = runArguments(code, options, this.limits);
    // Downloads start now, while earlier runs finish or the interpreter boots.
    this.boot.packages?.prefetch(code);
    return this.enqueue(async () => this.timeline.stamp(await this.runNow(code, checked.timeoutMs, options, checked.functions), this.runSeq));
  }

  /**
   * Stops the running code, if any: KeyboardInterrupt where possible (globals kept), otherwise
   * the worker is replaced and the run reports `stateLost`. A run waiting behind a restart point's
   * save (see `SandboxOptions.restartPoints`) counts as running: it stops before it starts.
   */
  interrupt(): void {
    if (this.active) this.active.stop('interrupt');
    else this.restartPoint.interruptBehind();
  }

  /**
   * Fresh globals. Files in the working directory stay; imported modules and anything a cell
   * patched stay too (same interpreter: see SECURITY.md).
   * @throws {SandboxError} the worker did not answer within `limits.callTimeoutMs`, or died (it is replaced).
   * @throws {SandboxDisposedError} the sandbox was disposed.
   */
  reset(): Promise<void> {
    return this.onWorker('reset', (session) => {
      this.restartPoint.changed();
      return session.remote.reset();
    });
  }

  /**
   * Writes a file into the working directory. Kept across interpreter restarts.
   * @param path Relative (`data/sales.csv`) or absolute inside `/home/pyodide`.
   * @param data Bytes, or text (written as UTF-8).
   * @throws {TypeError} a path outside the working directory, or data that is neither.
   * @throws {SandboxError} the worker did not answer within `limits.callTimeoutMs`, or died (it is replaced).
   * @throws {SandboxDisposedError} the sandbox was disposed.
   */
  async writeFile(path: string, data: Uint8Array | string): Promise<void> {
    // Checked before anything is queued; an async function rejects with the error.
    const relative = toWorkdirPath(path);
    const bytes = fileBytes(data);
    return this.onWorker('writeFile', async (session) => {
      this.restartPoint.changed();
      await session.remote.writeFile(relative, bytes);
      this.workdir.written(relative, bytes);
    });
  }

  /**
   * Reads a file from the working directory: a regular file, reached without symlinks.
   * @param options `maxBytes`: refuse a larger file without copying it (see {@link ReadFileOptions}).
   * @throws {TypeError} a path outside the working directory.
   * @throws {RangeError} a `maxBytes` that is not a count of bytes.
   * @throws {SandboxFileNotFoundError} no such file.
   * @throws {SandboxFileTooLargeError} the file has more than `options.maxBytes` bytes.
   * @throws {SandboxError} the worker did not answer within `limits.callTimeoutMs`, or died (it is replaced).
   * @throws {SandboxDisposedError} the sandbox was disposed.
   */
  async readFile(path: string, options: ReadFileOptions = {}): Promise<Uint8Array> {
    const relative = toWorkdirPath(path);
    const maxBytes = readBound(options.maxBytes);
    const answer = await this.onWorker<unknown>('readFile', (session) => session.remote.readFile(relative, maxBytes)).catch((error: Error) => {
      throw error?.name === 'FileNotFoundError' ? new SandboxFileNotFoundError(relative) : error;
    });
    return validateFileRead(answer, relative, maxBytes);
  }

  /**
   * Lists the files in the working directory, recursively (at most 5,000).
   * @throws {SandboxError} the worker did not answer within `limits.callTimeoutMs`, or died (it is replaced).
   * @throws {SandboxDisposedError} the sandbox was disposed.
   */
  async listFiles(): Promise<FileInfo[]> {
    return validateFileList(await this.onWorker('listFiles', (session) => session.remote.listFiles()));
  }

  /**
   * The live interpreter as bytes to store (gzip, checksummed, bound to this build): its memory
   * (variables, imports, functions, classes) and the working directory's files. See `restoreState`.
   * `givesWay` (a save made when idle): a call made meanwhile goes first, the save stopping once the
   * memory is copied (tens of milliseconds), and it resolves `undefined` (save again when idle).
   * @throws {SandboxStateError} compiled package code is loaded (the message names the package), or a page's state packs past 160 MiB.
   */
  saveState(): Promise<Uint8Array>;
  saveState(options: { givesWay?: boolean }): Promise<Uint8Array | undefined>;
  saveState({ givesWay = false } = {}): Promise<Uint8Array | undefined> {
    return this.enqueue(async () => {
      const session = await this.live();
      return this.restartPoint.asked(() => (givesWay ? this.givingWay.save(() => this.saved(session, true)) : this.saved(session, false)), this.runSeq);
    });
  }

  /**
   * Replaces the interpreter with the one `saveState` made (here or in another process or page of
   * this build): exactly its state, no cell runs again. `maxBytes` bounds the bytes, packed and
   * unpacked (default 2 GiB; in a page 160 MiB packed).
   * @throws {SandboxStateError} not a saved state, corrupt, another build's, or over `maxBytes`; `SandboxBootError` (`retryable`) a busy machine ran out of `limits.bootTimeoutMs`.
   */
  restoreState(bytes: Uint8Array, maxBytes?: number): Promise<void> {
    return this.enqueue(() => this.restoreFrom(bytes, maxBytes).then(() => this.restartPoint.changed()));
  }

  /**
   * The checkpoints kept (`SandboxOptions.checkpoints`), oldest first, once the latest run's is made: one after each run, or after the last of runs sent back to back (they share it).
   * @throws {SandboxDisposedError} the sandbox was disposed.
   */
  checkpoints(): Promise<Checkpoint[]> {
    return this.disposed ? Promise.reject(new SandboxDisposedError()) : this.restartPoint.whenSaved().then(() => this.timeline.list());
  }

  /** The checkpoint holding the state as it is now, made now if none does (as `saveState` makes one): what a chat takes before a message's first cell. @throws {SandboxStateError} checkpoints are off, or this state is not kept (`saveState`'s reasons, or over `maxBytes`). */
  async checkpointNow(): Promise<Checkpoint> {
    if (this.timeline.enabled) await this.saveState();
    return this.timeline.holding();
  }

  /**
   * Puts the interpreter and its working directory back as they were at checkpoint `id` (a new worker started from it: files written since are gone, files changed since are as they were). Later checkpoints are dropped; the next result says so (`RunResult.restoredFrom`).
   * @throws {SandboxStateError} no checkpoint `id` is kept (the message says which are), or it did not restore: the sandbox is unchanged.
   * @throws {SandboxDisposedError} the sandbox was disposed.
   */
  rewind(id: string): Promise<void> {
    return this.enqueue(async () => {
      const checkpoint = this.timeline.get(id);
      await this.restoreFrom(checkpoint.state);
      this.restartPoint.adopt(checkpoint.state);
      this.timeline.rewound(checkpoint);
    });
  }

  /**
   * A new sandbox with this one's options (but `onProgress`, if `options` gives one: the fork's loads are its own), from checkpoint `id` or else the current state (saved as `saveState` saves it, after the calls queued before); neither sees what the other does. Its first result says so (`restoredFrom`).
   * @throws {SandboxStateError} no checkpoint `id`, or the current state cannot be saved (`saveState`'s reasons); this sandbox is unchanged.
   * @throws {SandboxDisposedError} the sandbox was disposed.
   */
  async fork(id?: string, options: Pick<SandboxOptions, 'onProgress'> = {}): Promise<PythonSandbox> {
    const from = id === undefined ? savedNow(await this.saveState()) : await this.enqueue(async () => this.timeline.get(id));
    return new PythonSandbox({ ...(await startSandbox({ ...this.options, ...options, savedState: from.state })), forkedFrom: from });
  }

  /** Stops the worker. Pending and later calls reject with `SandboxDisposedError`. */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    this.restartPoint.dispose();
    this.timeline.clear();
    this.active?.stop('interrupt');
    // Downloads and index resolutions under way stop now, not when their servers finish.
    this.boot.packages?.dispose();
    const [session] = await Promise.all([this.ready.catch(() => undefined), this.interpreters.dispose()]);
    await session?.terminate('disposed');
  }

  private enqueue<T>(task: () => Promise<T>): Promise<T> {
    if (this.disposed) return Promise.reject(new SandboxDisposedError());
    return this.calls.add(() => {
      if (this.disposed) throw new SandboxDisposedError();
      return task();
    });
  }

  /** The interpreter replaced by one started from `bytes` (saved state's), the working directory by theirs. */
  private async restoreFrom(bytes: Uint8Array, maxBytes?: number): Promise<void> {
    const { session, files } = await restoredSession(await this.live(), bytes, maxBytes, this.interpreters, this.limits.maxTotalFileBytes);
    this.ready = Promise.resolve((this.session = session));
    this.workdir = new WorkdirMirror(this.limits.maxTotalFileBytes, files);
    this.lostUnreported = false;
  }

  /** `session`'s save (saved-state.ts); `givesWay`: `GivingWay` can stop it. */
  private saved(session: WorkerSession, givesWay: boolean): Promise<Uint8Array> {
    return savedState(session, (fn, ms) => this.call(session, 'saveState', fn, ms), givesWay);
  }

  /** `fn` on the live interpreter, queued, called as `call` calls it. */
  private onWorker<T>(what: string, fn: (session: WorkerSession) => Promise<T>): Promise<T> {
    return this.enqueue(async () => {
      const session = await this.live();
      return this.call(session, what, () => fn(session));
    });
  }

  /** See `callWorker`. */
  private call<T>(session: WorkerSession, what: string, fn: () => Promise<T>, ownMs?: number): Promise<T> {
    return callWorker(session, what, this.limits.callTimeoutMs, fn, ownMs);
  }

  /** The live interpreter; one that died since the last call is replaced first (and the next run says so). */
  private async live(): Promise<WorkerSession> {
    const session = await this.ready;
    if (session.alive) return session;
    this.lostUnreported = true;
    const kept = await this.replace(session, 'dead', false);
    this.lostUnreported = kept?.stateLost ?? true;
    return this.ready;
  }

  private async runNow(code: string, timeoutMs: number, options: RunOptions, functions: FunctionSpec[]): Promise<RunResult> {
    const started = performance.now();
    const runId = ++this.runSeq;
    // A stop that comes while this run waits for an interpreter (a restart) cancels it outright.
    const waiting = new WaitingRun(runId, options.signal);
    this.active = waiting;
    if (this.restartPoint.stopsNextRun()) waiting.stop('interrupt');
    // Died between runs: replaced for every later call too, not just this run.
    const session = await Promise.race([this.live(), waiting.stopped]);
    waiting.done();
    const stoppedEarly = waiting.reason;
    const stateLost = this.lostUnreported;
    this.lostUnreported = false;
    if (!session || stoppedEarly === 'interrupt') {
      if (this.active?.runId === runId) this.active = undefined;
      return interruptedBeforeStart(stateLost, performance.now() - started);
    }
    const { streamed, lateChunks, onOutput } = new RunOutput(options.onOutput);
    const awaits = mayAwait(code);
    const stopper = new RunStopper(session, runId, this.limits.interruptGraceMs, awaits);
    this.active = { runId, stop: (reason: StopReason) => stopper.stop(reason) };
    stopper.armDeadline(timeoutMs);
    stopper.follow(options.signal, stoppedEarly !== undefined);

    const release = session.hold();
    this.restartPoint.changed();
    session.beginRun(runId, onOutput, options.functions?.length ? new FunctionCalls(options.functions, this.limits) : undefined, () => stopper.workerStarted());
    try {
      const request = { runId, code, timeoutMs, mayAwait: awaits, ...(functions.length > 0 && { functions }) };
      const settled = await runAnswer(session, request, this.limits);
      if ('result' in settled) {
        await lateChunks.until(settled.result.streamedChunks);
        // A fatal run's changes are never known: the files stay as the last finished run left them.
        if (settled.result.status !== 'fatal') this.workdir.afterRun(settled.result.files, settled.result.removedFiles);
      }
      const durationMs = performance.now() - started;
      if ('result' in settled && settled.result.status !== 'fatal') {
        // A worker that stops at its own deadline (no interrupt buffer) may answer before this
        // page's timer, held up by a busy page, fires.
        const reason = stopper.reason ?? (settled.result.status === 'interrupted' && stopper.pastDeadline ? 'timeout' : undefined);
        const result: RunResult = { ...fromWorker(settled.result, reason, timeoutMs), stateLost, durationMs };
        if (settled.result.heapBytes <= this.limits.maxMemoryBytes) return result;
        // Wasm memory never shrinks: the only way to give it back is a new interpreter.
        const kept = await this.replace(session, 'memory limit', true);
        return overMemory(result, settled.result.heapBytes, this.limits.maxMemoryBytes, this.workdir.describeRestore(), kept);
      }
      // The interpreter is gone or unusable: report what we have and boot a fresh one.
      const fatal = 'result' in settled ? settled.result : undefined;
      if (session.lastWords) streamed.push({ stream: 'stderr', text: `[the worker's own last error: ${session.lastWords}]\n` });
      const kept = await this.replace(session, 'replaced', true);
      const [crash, filesNote] = ['crash' in settled ? settled.crash : undefined, this.workdir.describeRestore()];
      return lostRun({ fatal, streamed, stopReason: stopper.reason, timeoutMs, durationMs, crash, filesNote, kept });
    } finally {
      stopper.end();
      session.endRun();
      this.interpreters.runFinished(!this.calls.waiting);
      if (this.active?.runId === runId) this.active = undefined;
      release();
    }
  }

  /** Throws `lost` away; the next call waits for its replacement (files written back first). Resolves with what a restart point's restore kept (`during`: a run's). */
  private replace(lost: WorkerSession, reason: string, during: boolean): Promise<Kept | undefined> {
    void lost.terminate(reason);
    const restoring = this.restartPoint.restores;
    const replacement = this.restartPoint.replacement(lost, this.interpreters, during).then(async ({ session, kept }) => {
      if (this.disposed) throw await session.terminate('disposed').then(() => new SandboxDisposedError());
      await this.workdir.writeBack((files) => this.call(session, 'writeFiles', () => session.remote.writeFiles(files)));
      this.session = session;
      return kept;
    });
    (this.ready = replacement.then(() => this.session)).catch(() => undefined);
    return restoring ? replacement.catch(() => undefined) : Promise.resolve(undefined);
  }
}
