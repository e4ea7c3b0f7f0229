/**
 * How a run is stopped (its deadline, `interrupt()`, an aborted signal), one path for all three:
 * KeyboardInterrupt where the worker is interruptible, re-sent until the run ends; a cancel for a
 * pending top-level `await`; and once the grace period is over (counted in time the host ran:
 * host-time.ts), the worker is terminated. A worker that is not interruptible raises
 * KeyboardInterrupt itself at the run's deadline (worker/stops/deadline-signal.ts), so a deadline
 * gets the whole grace everywhere.
 */
import type { StopReason } from './run-results.js';
import type { WorkerSession } from '../session/worker-session.js';
import { afterHostTime } from './host-time.js';

/** Pyodide reads and clears the interrupt buffer in two steps, so a SIGINT written in between is lost (measured: ~3%). */
const REARM_MS = 150;
/**
 * Without SharedArrayBuffer nothing from outside reaches running Python: code that cannot be
 * awaiting, stopped by `interrupt()` or an abort, is terminated soon. Not code that may be
 * awaiting: its cancel's answer is a round trip between threads, which a loaded machine can hold
 * up past this. Nor a run past its deadline, which the worker stops itself.
 */
const UNINTERRUPTIBLE_GRACE_MS = 100;

/** `await` or `async` as a word: not `asyncio`, which a cell names without awaiting anything. */
const AWAIT_WORD = /\b(?:await|async)\b/;

/**
 * Whether `code` may be parked in a top-level `await`: the one rule, sent with the run
 * (`RunRequest.mayAwait`), by which the worker and the runner (worker/python/runner.py) decide how
 * to compile, run and stop it. Cheap and generous: code that never says either word cannot await.
 */
export function mayAwait(code: string): boolean {
  return AWAIT_WORD.test(code);
}

/** The run going on, as the handle stops it (`interrupt()`, an abort, `dispose()`). */
export interface ActiveRun {
  runId: number;
  stop(reason: StopReason): void;
}

/**
 * A run waiting for its interpreter (a restart booting: seconds in WebKit with no spare): a stop
 * from outside (`interrupt()`, an aborted signal) ends the wait at once, and the run with it,
 * rather than once Python is back.
 */
export class WaitingRun implements ActiveRun {
  reason: StopReason | undefined;
  /** Resolves (to nothing) when the run is stopped from outside. */
  readonly stopped: Promise<undefined>;
  private wake!: () => void;
  private readonly onAbort = () => this.stop('interrupt');

  constructor(
    readonly runId: number,
    private readonly signal: AbortSignal | undefined,
  ) {
    this.stopped = new Promise((resolve) => (this.wake = () => resolve(undefined)));
    if (signal?.aborted) this.stop('interrupt');
    signal?.addEventListener('abort', this.onAbort);
  }

  stop(reason: StopReason): void {
    this.reason ??= reason;
    if (reason === 'interrupt') this.wake();
  }

  /** The wait is over. */
  done(): void {
    this.signal?.removeEventListener('abort', this.onAbort);
  }
}

export class RunStopper {
  /** Why the run was stopped, once it was. */
  reason: StopReason | undefined;
  /** Cancels the grace's count (host-time.ts), once one is going. */
  private cancelGrace: (() => void) | undefined;
  private rearm: ReturnType<typeof setInterval> | undefined;
  /** Set once the run has ended, so a late answer cannot start a timer. */
  private over = false;
  private deadline: ReturnType<typeof setTimeout> | undefined;
  private deadlineAt = Number.POSITIVE_INFINITY;
  private timeoutMs = Number.POSITIVE_INFINITY;
  private unfollow: (() => void) | undefined;

  /** `awaits`: the run's code may use top-level `await` (see `mayAwait`). */
  constructor(
    private readonly session: WorkerSession,
    private readonly runId: number,
    private readonly graceMs: number,
    private readonly awaits: boolean,
  ) {}

  stop(reason: StopReason): void {
    if (this.reason || this.over) return;
    this.reason = reason;
    const { session } = this;
    session.stopFunctionCalls(reason);
    session.interrupt();
    // Written again until the run ends, so it sticks; a late one is ignored by the runner outside
    // user code and cleared by the worker before every call.
    if (session.interruptible) this.rearm = setInterval(() => session.interrupt(), REARM_MS);
    // A run that may be awaiting waits the whole grace for the cancel's answer: a healthy
    // interpreter whose answer is merely slow must not be replaced. So does one past its
    // deadline: the worker raises KeyboardInterrupt itself then, even without a shared buffer.
    // So does one whose Python yields for stops (JSPI without the buffer): it takes the cancel at its next yield.
    const keepsState = session.stopsKeepState || this.awaits || reason === 'timeout';
    this.terminateAfter(keepsState ? this.graceMs : Math.min(this.graceMs, UNINTERRUPTIBLE_GRACE_MS));
    // Frees a top-level `await` (the worker's event loop is idle then); unanswered while Python is busy.
    session.remote.cancel(this.runId).then(
      (cancelling) => {
        // An await being cancelled unwinds by itself: it gets the whole grace from the answer on.
        if (cancelling === true) this.terminateAfter(this.graceMs);
      },
      () => undefined,
    );
  }

  /**
   * The run's deadline, `timeoutMs`: its timer starts when the worker says it took the run
   * (`workerStarted`), which is when the worker arms its own. On a loaded machine a run can reach a
   * busy worker a second late; counted from the send, that second would come off the run's time,
   * and off the grace a worker that stops itself at its deadline has to do so. (A worker that
   * never takes the run is stopped at `limits.callTimeoutMs` as silent.)
   */
  armDeadline(timeoutMs: number): void {
    this.timeoutMs = timeoutMs;
    this.deadlineAt = performance.now() + timeoutMs;
  }

  /** The worker took the run: its deadline's timer starts. */
  workerStarted(): void {
    if (this.reason || this.over || this.deadline !== undefined) return;
    this.deadline = setTimeout(() => this.stop('timeout'), this.timeoutMs);
  }

  /**
   * Whether the run's deadline, counted from when it was sent, has passed: a worker that stops
   * itself at its own deadline (which is no earlier) may answer before the timer fires.
   */
  get pastDeadline(): boolean {
    return performance.now() >= this.deadlineAt;
  }

  /** The run is over: nothing more is sent or terminated on its account. */
  /** Stops the run when `signal` aborts (now, if it has or `already`); until `end()`. */
  follow(signal: AbortSignal | undefined, already: boolean): void {
    const onAbort = () => this.stop('interrupt');
    if (signal?.aborted || already) onAbort();
    signal?.addEventListener('abort', onAbort);
    this.unfollow = () => signal?.removeEventListener('abort', onAbort);
  }

  end(): void {
    this.unfollow?.();
    this.over = true;
    clearTimeout(this.deadline);
    this.cancelGrace?.();
    clearInterval(this.rearm);
  }

  private terminateAfter(ms: number): void {
    if (this.over) return;
    this.cancelGrace?.();
    this.cancelGrace = afterHostTime(ms, () => void this.session.terminate(`stopped: ${this.reason}`));
  }
}
