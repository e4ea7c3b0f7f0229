/**
 * How a run is stopped (its deadline, `interrupt()`, an aborted signal), one path for all three:
 * KeyboardInterrupt where the worker is interruptible, re-sent until the run ends; a cancel for a
 * pending top-level `await`; and once the grace period is over, the worker is terminated.
 */
import type { StopReason } from './run-results.js';
import type { WorkerSession } from './session/worker-session.js';

/** Pyodide reads and clears the interrupt buffer in two steps, so a SIGINT written in between is lost (measured: ~3%). */
const REARM_MS = 150;
/** Without SharedArrayBuffer nothing reaches running Python: terminate soon (unless an await is unwinding). */
const UNINTERRUPTIBLE_GRACE_MS = 100;

export class RunStopper {
  /** Why the run was stopped, once it was. */
  reason: StopReason | undefined;
  private graceTimer: ReturnType<typeof setTimeout> | undefined;
  private rearm: ReturnType<typeof setInterval> | undefined;
  /** Set once the run has ended, so a late answer cannot start a timer. */
  private over = false;

  constructor(
    private readonly session: WorkerSession,
    private readonly runId: number,
    private readonly graceMs: number,
  ) {}

  stop(reason: StopReason): void {
    if (this.reason || this.over) return;
    this.reason = reason;
    const { session } = this;
    session.interrupt();
    // Written again until the run ends, so it sticks; a late one is ignored by the runner outside
    // user code and cleared by the worker before every call.
    if (session.interruptible) this.rearm = setInterval(() => session.interrupt(), REARM_MS);
    const grace = session.interruptible ? this.graceMs : Math.min(this.graceMs, UNINTERRUPTIBLE_GRACE_MS);
    this.terminateAfter(grace);
    // Frees a top-level `await` (the worker's event loop is idle then); unanswered while Python is busy.
    session.remote.cancel(this.runId).then(
      (cancelling) => {
        // An await being cancelled unwinds by itself: it gets the grace an interrupt gets, not the short one.
        if (cancelling === true && grace < this.graceMs) this.terminateAfter(this.graceMs);
      },
      () => undefined,
    );
  }

  /** The run is over: nothing more is sent or terminated on its account. */
  end(): void {
    this.over = true;
    clearTimeout(this.graceTimer);
    clearInterval(this.rearm);
  }

  private terminateAfter(ms: number): void {
    if (this.over) return;
    clearTimeout(this.graceTimer);
    this.graceTimer = setTimeout(() => void this.session.terminate(`stopped: ${this.reason}`), ms);
  }
}
