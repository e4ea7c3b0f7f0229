/**
 * One booted interpreter: a worker, its calls channel and its events channel.
 * The sandbox replaces a session wholesale when the interpreter must be thrown away.
 */
import { type Remote, type RemoteObject, wrap } from 'comlink';
import type { BootConfig, BootInfo, HostEvent, WorkerApi } from '../../shared/protocol.js';
import { isShowableProgress } from '../../shared/progress-messages.js';
import type { LoadProgress, OutputChunk } from '../../shared/types.js';
import { LateMessages } from './late-messages.js';
import { askedAnswersOnly } from './asked-answers.js';
import { bootDeadline } from './boot-timeout.js';
import { blobsToBytes } from './blobs-to-bytes.js';
import { type Staged, forWorker, handInLater, installStdlib } from './worker-handover.js';
import { SandboxBootError } from '../errors.js';
import type { PackageBroker } from '../packages/package-broker.js';
import { WheelAllowance } from '../packages/wheel-allowance.js';
import { spawnWorker } from '../isolation/spawn.js';
import type { Isolation, SpawnedWorker } from '../isolation/spawned-worker.js';
import { parseWorkerEvent, validateBootInfo } from './worker-answers.js';
import { answerFunctionCall, type FunctionCalls } from '../functions/function-calls.js';
import { afterHostTime } from '../runs/host-time.js';

/**
 * Events a worker may send between two runs (a late run's output aside, which counts against
 * that run's cap): an honest one sends none but the odd progress line; refusing each request
 * would cost the host a reply.
 */
const MAX_EVENTS_BETWEEN_RUNS = 100;

/** Why a worker that sends what none honest sends was stopped. */
const MISBEHAVING = {
  unknownEvent: 'it sent an event no sandbox worker sends; it was stopped as misbehaving',
  otherRun: 'it sent output for a run that is not going; it was stopped as misbehaving',
  moreOutput: 'it sent more output for a run than its result said it streamed; it was stopped as misbehaving',
  betweenRuns: `it sent more than ${MAX_EVENTS_BETWEEN_RUNS} events between two runs; it was stopped as misbehaving`,
  strayAnswer: 'it answered a call the host did not make; it was stopped as misbehaving',
};

/** The most of a worker's exit reason kept (crash messages quote it). */
const MAX_EXIT_REASON_CHARS = 500;

export interface SessionOptions {
  isolation: Isolation;
  bootTimeoutMs: number;
  onProgress?: (p: LoadProgress) => void;
  /** Serves wheels to an isolated worker. */
  packages?: PackageBroker;
  /** Aborting ends the boot at once (a disposed sandbox's spare). */
  signal?: AbortSignal;
  /** Streamed output one run may send (characters); a worker that sends more is stopped. */
  maxStreamedChars: number;
  /** The most text one message may carry (isolated mode: checked in the frame, off the page's thread). */
  maxMessageChars: number;
  /** How long a worker may take to answer a call or to take a run before it is taken as silent. */
  callTimeoutMs: number;
  /**
   * The standard library while it downloads (a first visit downloads it last): when the boot
   * config's runtime comes without it, handed over as it arrives, and the boot ends once Python has it.
   */
  stdlib?: Promise<Blob>;
  /** A staged boot (`BootConfig.restoreLater`): its saved state, and who is told once the worker waits for it. From then until the state comes, the boot has no deadline and (Node) holds no process open. */
  staged?: Staged;
}

/** What the host counts of the current run, to stop a worker that sends more than it may. */
interface RunWatch {
  runId: number;
  listener?: (chunk: OutputChunk) => void;
  streamedChars: number;
  /** Output events taken, and how many the run's result says the worker sent (once it came): none may follow that many. */
  chunks: number;
  declared?: number;
  /** Until the worker says it took the run: cancels the wait for it (in host time, runs/host-time.ts). */
  cancelStartWait?: () => void;
  /** Aborted when the run ends: the downloads and index resolution it asked for stop (unless another waits for them). */
  over: AbortController;
  /** The page's functions this run may call (`RunOptions.functions`). */
  functions?: FunctionCalls;
  /** Told once the worker says it took the run. */
  onStarted?: () => void;
}

/**
 * The worker's methods, each read once. comlink makes a new proxy on every property read, and
 * registers it for finalization: reading `remote.run` on every run cost ~60 µs of host and
 * message time per run (measured on a 2 ms HumanEval program), more than the rest of the run's bookkeeping.
 */
function methodsOf(remote: Remote<WorkerApi>): RemoteObject<WorkerApi> {
  const { boot, whenStaged, restoreStaged, installStdlib, run, cancel, reset, writeFile, writeFiles, readFile, listFiles, saveState, giveWay } = remote;
  return { boot, whenStaged, restoreStaged, installStdlib, run, cancel, reset, writeFile, writeFiles, readFile, listFiles, saveState, giveWay };
}

export class WorkerSession {
  /** Settles (never rejects) with a reason when the worker dies or is terminated. */
  readonly died: Promise<string>;
  info: BootInfo | undefined;
  /** What the worker's own last error said, if it died of one: untrusted text, for the run's output only. */
  lastWords: string | undefined;
  private dead = false;
  private markDead!: (reason: string) => void;
  /** `untilDeath`'s calls still waiting: each leaves when its work settles (see there). */
  private readonly deathWaiters = new Set<(reason: string) => void>();
  private current: RunWatch | undefined;
  /** The run before, whose late output may still be arriving: counted against its own cap. */
  private previous: Pick<RunWatch, 'runId' | 'streamedChars' | 'chunks' | 'declared'> | undefined;
  /** Events since the last run ended (its late output aside): an honest worker sends next to none. */
  private eventsBetweenRuns = 0;
  private booting = true;
  private readonly progress = new LateMessages();
  /** Bounds on the wheels this interpreter is handed. */
  private readonly wheelAllowance = new WheelAllowance();

  private constructor(
    private readonly worker: SpawnedWorker,
    readonly remote: RemoteObject<WorkerApi>,
    private readonly options: SessionOptions,
  ) {
    this.died = new Promise((resolve) => {
      this.markDead = (reason) => {
        if (this.dead) return;
        this.dead = true;
        resolve(reason);
        for (const waiter of this.deathWaiters) waiter(reason);
        this.deathWaiters.clear();
      };
    });
    // A worker reported dead (or erroring) is taken as dead: stop it for good, so nothing of it lingers.
    // Bounded: the reason becomes part of a crash message, and a boot failure's may quote an engine.
    worker.onExit((reason, workerText) => {
      this.lastWords = workerText?.slice(0, MAX_EXIT_REASON_CHARS);
      void this.terminate(reason.length > MAX_EXIT_REASON_CHARS ? `${reason.slice(0, MAX_EXIT_REASON_CHARS)}…` : reason);
    });
    worker.events.addEventListener('message', (event) => void this.onEvent((event as MessageEvent).data));
    worker.events.start();
  }

  get alive(): boolean {
    return !this.dead;
  }

  /**
   * `work`'s value, or why the worker died first (a call to a dead worker would never settle).
   * Not `Promise.race` with `died`: the race would leave a reaction on `died`, which stays pending
   * while the worker lives, and that reaction holds the race's promise and so its value (a run's
   * images and files, a file read, a saved state) for as long as the session lives, every call's.
   */
  untilDeath<T>(work: Promise<T>): Promise<{ value: T } | { died: string }> {
    return new Promise((resolve, reject) => {
      const onDeath = (died: string) => resolve({ died });
      if (this.dead) void this.died.then(onDeath);
      else this.deathWaiters.add(onDeath);
      work.then((value) => resolve({ value }), reject).finally(() => this.deathWaiters.delete(onDeath));
    });
  }

  /** Where the worker runs. */
  get isolation(): Isolation {
    return this.options.isolation;
  }

  /** Whether `interrupt()` keeps the interpreter (else a stop means terminate). */
  get interruptible(): boolean {
    return this.worker.interruptible && !!this.info?.interruptible;
  }

  /** Without the buffer: whether a stop still reaches Python, at its next yield (JSPI), keeping the interpreter. */
  get yieldsForStops(): boolean {
    return !!this.info?.yieldsForStops;
  }

  /** Whether a stop from outside (`interrupt()`, an abort) reaches running Python and keeps it: through the buffer, or at a yield. */
  get stopsKeepState(): boolean {
    return this.interruptible || this.yieldsForStops;
  }

  interrupt(): void {
    this.worker.interrupt();
  }

  /**
   * Run `runId` begins: its live output goes to `listener`, and the worker must take it within
   * `callTimeoutMs` or it is stopped as silent (a worker that closed itself says nothing at all);
   * `onStarted` is told when it does.
   */
  beginRun(runId: number, listener: ((chunk: OutputChunk) => void) | undefined, functions?: FunctionCalls, onStarted?: () => void): void {
    this.endRun();
    const cancelStartWait = afterHostTime(
      this.options.callTimeoutMs,
      () => void this.terminate(`it did not take the run within ${this.options.callTimeoutMs} ms (limits.callTimeoutMs)`),
    );
    this.current = { runId, listener, streamedChars: 0, chunks: 0, cancelStartWait, over: new AbortController(), functions, onStarted };
    this.eventsBetweenRuns = 0;
    this.wheelAllowance.beginRun();
  }

  /** The run's result says the worker streamed `chunks` output events for it: any after that many stops the worker. */
  declareChunks(runId: number, chunks: number): void {
    const watch = this.current?.runId === runId ? this.current : undefined;
    if (watch) watch.declared = chunks;
  }

  /** The current run is over: later output and package requests are refused. */
  endRun(): void {
    this.current?.cancelStartWait?.();
    this.current?.over.abort(new Error('the run ended before its packages came'));
    this.current?.functions?.stop('the run ended');
    if (this.current) {
      const { runId, streamedChars, chunks, declared } = this.current;
      this.previous = { runId, streamedChars, chunks, declared };
    }
    this.current = undefined;
  }

  /** The current run is being stopped: its pending function calls' signals abort. */
  stopFunctionCalls(reason: string): void {
    this.current?.functions?.stop(`the run was stopped (${reason})`);
  }

  /** Events come from the untrusted side: parsed, then acted on only if they fit. */
  private async onEvent(data: unknown): Promise<void> {
    if (this.dead) return;
    // What no honest worker sends stops it, as an over-size message does: dropping it would cost
    // the sender nothing, and the host a parse each, without end.
    const event = parseWorkerEvent(data);
    if (!event) return void this.terminate(MISBEHAVING.unknownEvent);
    const runId = (event as { runId?: number }).runId;
    const run = this.current?.runId === runId ? this.current : undefined;
    const late = event.type === 'output' && !run && this.previous?.runId === runId ? this.previous : undefined;
    // A late output is counted against what its result declared, or, with none declared, as traffic between runs.
    if (!this.current && !this.booting && late?.declared === undefined && ++this.eventsBetweenRuns > MAX_EVENTS_BETWEEN_RUNS)
      return void this.terminate(MISBEHAVING.betweenRuns);
    if (event.type === 'run-started') {
      if (run?.cancelStartWait === undefined) return;
      run.cancelStartWait();
      run.cancelStartWait = undefined;
      run.onStarted?.();
    } else if (event.type === 'output') {
      const watch = run ?? late;
      if (!watch) return void this.terminate(MISBEHAVING.otherRun);
      // Each event costs the page a message, so each counts, empty or not: against what the run's
      // result declared, and as at least a character against the cap.
      if (++watch.chunks > (watch.declared ?? Number.POSITIVE_INFINITY)) return void this.terminate(MISBEHAVING.moreOutput);
      watch.streamedChars += Math.max(1, event.text.length);
      if (watch.streamedChars > this.options.maxStreamedChars) {
        void this.terminate(
          `it streamed more than ${this.options.maxStreamedChars} characters of output in one run, over limits.maxOutputBytes; it was stopped as misbehaving`,
        );
        return;
      }
      run?.listener?.({ stream: event.stream, text: event.text });
    } else if (event.type === 'progress') {
      this.progress.arrived();
      // Shown only while there is something to show progress of, and only in the engine's words.
      if (!this.booting && !this.current) return;
      if (!isShowableProgress(event.message, this.options.packages && ((name) => this.options.packages!.knows(name)))) return;
      this.options.onProgress?.({ phase: event.phase, message: event.message });
    } else if (event.type === 'package-request') {
      const reply: HostEvent = { type: 'package-response', requestId: event.requestId };
      const readsBlobs = await this.worker.readsBlobs;
      try {
        if (!this.options.packages) throw new Error('packages are not served to this worker');
        if (!this.current) throw new Error('packages are served only while a run is going');
        const copies = !readsBlobs;
        const reserved = this.wheelAllowance.ask(event.fileName, copies, this.options.packages.knownSize(event.fileName));
        const wheel = await this.options.packages.fetch(event.fileName, this.current.over.signal);
        this.wheelAllowance.take(event.fileName, wheel.size, copies, reserved);
        reply.data = wheel;
      } catch (error) {
        reply.error = (error as Error).message;
      }
      if (readsBlobs) this.worker.events.postMessage(reply);
      else {
        const bytes = await blobsToBytes(reply);
        this.worker.events.postMessage(bytes.value, bytes.transfer);
      }
    } else if (event.type === 'index-request') {
      const reply: HostEvent = { type: 'index-response', requestId: event.requestId };
      try {
        if (!this.options.packages) throw new Error('packages are not served to this worker');
        if (!this.current) throw new Error('packages are served only while a run is going');
        if (event.refused) throw new Error(event.refused);
        this.wheelAllowance.askIndex();
        Object.assign(reply, await this.options.packages.fromIndex(event.names, this.current.over.signal));
      } catch (error) {
        reply.error = (error as Error).message;
      }
      this.worker.events.postMessage(reply);
    } else if (event.type === 'function-call') {
      this.worker.events.postMessage(await answerFunctionCall(run?.functions, event));
    }
  }

  /** Spawns a worker and boots Python in it; throws `SandboxBootError` on failure or timeout. */
  static async start(workerUrl: URL, configReady: BootConfig | Promise<BootConfig>, options: SessionOptions): Promise<WorkerSession> {
    // The worker starts while the config (snapshot, runtime bytes) is still loading.
    const spawning = spawnWorker(workerUrl, options.isolation, options.maxMessageChars);
    let spawnTimer: ReturnType<typeof setTimeout> | undefined;
    const spawnTimeout = new Promise<never>((_, reject) => {
      spawnTimer = setTimeout(() => reject(new Error(`no answer within ${options.bootTimeoutMs} ms`)), options.bootTimeoutMs);
    });
    const [spawned, configured] = await Promise.allSettled([Promise.race([spawning, spawnTimeout]), configReady]);
    clearTimeout(spawnTimer);
    // A spawn that finishes after its timeout must not leave a worker behind.
    if (spawned.status === 'rejected')
      void spawning.then(
        (late) => late.terminate(),
        () => undefined,
      );
    if (spawned.status === 'rejected') {
      throw new SandboxBootError(`Could not start the sandbox worker (${workerUrl}): ${(spawned.reason as Error)?.message ?? spawned.reason}`, {
        cause: spawned.reason,
      });
    }
    const worker = spawned.value;
    // Why the host cannot run (a Deno that does not), as the boot's error; undefined when it runs.
    const hostFailure = (worker.hostRuns ?? Promise.resolve()).then(
      () => undefined,
      (error: unknown) => new SandboxBootError((error as Error)?.message ?? String(error), { cause: error }),
    );
    if (configured.status === 'rejected') {
      await worker.terminate();
      throw configured.reason;
    }
    const config = configured.value;
    const stray = strayAnswerStops();
    const rpc = askedAnswersOnly(worker.rpc, stray.told);
    const session: WorkerSession = new WorkerSession(worker, methodsOf(wrap<WorkerApi>(rpc)), options);
    stray.session = new WeakRef(session);
    void session.died.then(() => rpc.close());
    // The boot holds the process until it ends, or (staged) until the worker waits for its state.
    const booting = worker.hold();
    let release = booting;
    const deadline = bootDeadline(options.bootTimeoutMs, config, options.staged?.state);
    const onAbort = () => void session.terminate('boot aborted');
    try {
      if (options.signal?.aborted) onAbort();
      options.signal?.addEventListener('abort', onAbort, { once: true });
      const boot = forWorker(config, worker.readsBlobs).then((sent) => {
        const booted = session.remote.boot(sent);
        const handedIn = () => {
          if (!session.dead) release = worker.hold();
        };
        handInLater(session.remote, options.staged, { waiting: booting, handedIn });
        return booted;
      });
      // Not awaited: runs may start before it is in (worker/boot/late-stdlib.ts); one that fails is said by the run that needed it.
      if (config.runtime && !config.runtime.stdlib && options.stdlib) installStdlib(session.remote, options.stdlib, worker.readsBlobs).catch(() => undefined);
      const hostFailed = hostFailure.then((failure) => (failure ? Promise.reject(failure) : new Promise<never>(() => {})));
      hostFailed.catch(() => undefined);
      const booted = await Promise.race([session.untilDeath(boot), deadline.expired, hostFailed]);
      if ('died' in booted)
        throw new SandboxBootError(`The sandbox worker died while booting (${booted.died}). Check the worker URL and indexURL (${config.indexURL}).`);
      session.info = validateBootInfo(booted.value);
      // So "Python is ready" reaches onProgress before the boot resolves. Progress travels on the
      // events port, which a loaded machine can deliver seconds after the reply: waited for as
      // long as a boot may take, not the 1 s a run's late output gets.
      await session.untilDeath(session.progress.until(session.info.progressEvents, options.bootTimeoutMs));
      session.booting = false;
      return session;
    } catch (error) {
      await session.terminate('boot failed');
      // A Deno that does not run often dies at spawn, before its check answers: the check says why.
      const failure = await hostFailure;
      if (failure) throw failure;
      if (error instanceof SandboxBootError) throw error;
      throw new SandboxBootError(`Python failed to start: ${(error as Error)?.message ?? String(error)}`);
    } finally {
      deadline.clear();
      options.signal?.removeEventListener('abort', onAbort);
      release();
      booting();
    }
  }

  /** Keeps a Node process alive for the duration of a call. */
  hold(): () => void {
    return this.worker.hold();
  }

  async terminate(reason: string): Promise<void> {
    this.endRun();
    this.markDead(reason);
    await this.worker.terminate();
  }
}

/**
 * What stops a session whose worker answered a call the host never made, holding the session
 * weakly, in a scope of its own: comlink keeps the calls channel (`rpc`) for as long as a proxy of
 * it lives, so nothing `rpc` holds may lead back to the session and its proxies, or neither is
 * ever collected (every ended session stayed, with its sandbox, config and child process: ~1 MB a
 * session in a long-running MCP server). A closure made in the session's own function would hold
 * that whole scope.
 */
function strayAnswerStops(): { told: () => void; session?: WeakRef<WorkerSession> } {
  const stray: { told: () => void; session?: WeakRef<WorkerSession> } = {
    told: () => void stray.session?.deref()?.terminate(MISBEHAVING.strayAnswer),
  };
  return stray;
}
