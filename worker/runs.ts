/**
 * Runs a cell and stops it: the run's output streamed to the host, its packages loaded first,
 * top-level `await` on Pyodide's event loop (so `cancel` can reach it), and errors that escape
 * the runner turned into a result.
 */
import type { RunRequest, WorkerRunResult } from '../src/shared/protocol.js';
import type { OutputChunk } from '../src/shared/types.js';
import type { HostRequests } from './packages/host-requests.js';
import type { DefaultApi } from './code-calls/default-api.js';
import type { YieldingStops } from './stops/yielding-stops.js';
import { enterPromising } from './jspi/enter-promising.js';
import { type Interpreter, type RunnerProxy, memoryOf } from './interpreter.js';
import type { Interrupts } from './stops/interrupts.js';
import type { RunTurns } from './stops/run-turns.js';
import type { MustStop } from './stops/stop-poll.js';
import type { LateStdlib } from './boot/late-stdlib.js';
import type { Outbox } from './outbox.js';

type RunOutcome = Omit<WorkerRunResult, 'streamedChunks' | 'heapBytes'>;

export class Runs {
  private py!: Interpreter;
  /**
   * The current run: how many output chunks it streamed, and, for `cancel`, whether a cancel was
   * asked and how to cancel its pending top-level `await` (a cancel that comes before the `await`
   * is pending, while packages load, is applied once it is).
   */
  private current: { runId: number; chunks: number; cancelled: boolean; yields: boolean; cancelAwait?: () => boolean } | undefined;

  constructor(
    private readonly outbox: Outbox,
    private readonly interrupts: Interrupts,
    private readonly stdlib: LateStdlib,
    private readonly host: Pick<HostRequests, 'stopIndexWait'>,
    private readonly functions: Pick<DefaultApi, 'begin' | 'stop' | 'end'>,
    private readonly stops: Pick<YieldingStops, 'on' | 'signal'>,
    private readonly turns: Pick<RunTurns, 'begin' | 'end'>,
  ) {}

  /** The booted interpreter that runs from now on use. */
  attach(interpreter: Interpreter): void {
    this.py = interpreter;
  }

  /**
   * Whether the current run must stop: the host cancelled it, or (asked now, which takes it) a
   * SIGINT is in the interrupt buffer or its deadline passed. Every wait that runs no Python asks
   * this (stops/stop-poll.ts), as do the yields for stops.
   */
  readonly mustStop: MustStop = () => !!this.current?.cancelled || this.interrupts.take();

  async run(request: RunRequest): Promise<WorkerRunResult> {
    // A top-level await runs as a task, stopped by cancelling it: it does not yield.
    const current = { runId: request.runId, chunks: 0, cancelled: false, yields: this.stops.on && !request.mayAwait };
    this.current = current;
    this.py.outputBelow.begin();
    this.outbox.post({ type: 'run-started', runId: request.runId });
    // The event loop's steps are this run's from now on (see run-turns.ts).
    await this.turns.begin(request.runId);
    this.interrupts.clear();
    // Code that may await is stopped by the host's cancel, as with a shared buffer: a SIGINT would
    // strike the event loop's own code between the task's steps (see `execute`).
    this.interrupts.armDeadline(request.mayAwait ? undefined : request.timeoutMs);
    // Python keeps its handler and disarms its events as the user's code ends (stops.py): no call
    // into Python per run for them, which cost about 0.1 ms of every run.
    if (current.yields) this.interrupts.yieldWith(this.stops.signal);
    try {
      const result = await this.execute(request);
      return { ...result, streamedChunks: current.chunks, heapBytes: memoryOf(this.py.pyodide)?.length ?? 0 };
    } finally {
      this.interrupts.disarmDeadline();
      this.functions.end();
      this.current = undefined;
      this.interrupts.listen(this.py.pyodide, true);
      this.turns.end();
    }
  }

  cancel(runId: number): boolean {
    if (this.current?.runId !== runId) return false;
    this.current.cancelled = true;
    if (this.host.stopIndexWait()) return true;
    if (this.functions.stop()) return true;
    // Python takes the cancel at its next yield (within about 75 ms), raising KeyboardInterrupt.
    if (this.current.yields) return true;
    return this.current.cancelAwait?.() ?? false;
  }

  /** Output from below Python's `sys.stdout` (see fd-output.ts); outside a run it has nowhere to go. */
  rawOutput(stream: 'stdout' | 'stderr', text: string): void {
    if (this.current) this.py.outputBelow.write({ stream, text }, (chunk) => this.stream(chunk));
  }

  stream(chunk: OutputChunk): void {
    if (!this.current) return;
    this.current.chunks++;
    this.outbox.post({ type: 'output', runId: this.current.runId, stream: chunk.stream, text: chunk.text });
  }

  private async execute(request: RunRequest): Promise<RunOutcome> {
    const { code } = request;
    const { runner, packages } = this.py;
    let mode: 'sync' | 'promising';
    // Whether the page's functions are called from plain code, waiting in place (see code-calls/default-api.ts).
    let callsInPlace: boolean;
    try {
      // Top-level await, or a package's loader, would reach the standard library where Python cannot wait for it.
      mode = await this.stdlib.runMode(() => request.mayAwait || packages.mayLoadFor(code));
    } catch (error) {
      return this.failBeforeRun('ImportError', `Python's standard library could not be loaded: ${(error as Error)?.message ?? error}`);
    }
    const failure = await packages.loadFor(code, (p) => this.outbox.progress(p.phase, p.message), this.py.packageBaseUrl);
    if (failure?.interrupted) return { ...this.failBeforeRun(failure.name ?? 'KeyboardInterrupt', failure.message), status: 'interrupted' };
    if (failure) return this.failBeforeRun(failure.name ?? 'PackageLoadError', failure.message);
    try {
      callsInPlace = await this.functions.begin(this.py.pyodide, request.runId, request.functions ?? [], request.mayAwait);
    } catch (error) {
      return this.failBeforeRun('RuntimeError', `default_api could not be set up: ${(error as Error)?.message ?? error}`);
    }
    try {
      const started =
        mode === 'promising' || callsInPlace || this.current!.yields
          ? await enterPromising<ReturnType<RunnerProxy['execute']>>(this.py.pyodide, runner.execute, code, request.mayAwait)
          : runner.execute(code, request.mayAwait);
      if (typeof started === 'string') return JSON.parse(started) as WorkerRunResult;
      // Top-level await: the task runs on Pyodide's event loop, leaving this worker free to take `cancel`.
      const current = this.current!;
      current.cancelAwait = () => {
        // The run now ends through CancelledError. A SIGINT (the host re-sends them until the run
        // ends) would strike the event loop's own code between the task's steps and leave the
        // task unfinished, so interrupts are off until the run is over.
        this.interrupts.listen(this.py.pyodide, false);
        return runner.cancel();
      };
      if (current.cancelled) current.cancelAwait();
      // Awaiting a PyProxy future consumes (destroys) the proxy.
      return JSON.parse(await started) as WorkerRunResult;
    } catch (error) {
      return this.fatal(error);
    }
  }

  /** A run that failed before its code started: the error is its only output. */
  private failBeforeRun(name: string, message: string): RunOutcome {
    const text = `${name}: ${message}\n`;
    this.stream({ stream: 'stderr', text });
    return { status: 'error', output: text, stdout: '', stderr: text, error: { name, message, traceback: text }, images: [], charts: [], files: [] };
  }

  /**
   * Errors that escape the runner come from the engine, not from user code: a C stack overflow,
   * `os._exit`, an aborted runtime. If the interpreter no longer answers, say it is fatal.
   */
  private fatal(error: unknown): RunOutcome {
    const err = error as { name?: string; message?: string; constructor?: { name?: string } };
    const kind = err?.name ?? err?.constructor?.name ?? 'Error';
    let alive = true;
    try {
      this.py.pyodide.runPython('None');
    } catch {
      alive = false;
    }
    let name = kind;
    let message = err?.message ?? String(error);
    if (kind === 'Exit' || /exit\(/i.test(message)) {
      name = 'SystemExit';
      message = `Python exited (${message.replace(/^Program terminated with /, '')}); os._exit() ends the interpreter`;
    } else if (/call stack/i.test(message)) {
      name = 'RecursionError';
      message = 'The interpreter crashed: C stack overflow (Maximum call stack size exceeded), usually from very deeply nested data or recursion in C code';
    }
    const text = `${name}: ${message}\n`;
    // No walk: nothing is known removed yet (alive, the next run's walk reports what this one changed).
    return {
      status: alive ? 'error' : 'fatal',
      output: text,
      stdout: '',
      stderr: text,
      error: { name, message, traceback: text },
      images: [],
      charts: [],
      files: [],
      ...(alive && { removedFiles: [] }),
    };
  }
}
