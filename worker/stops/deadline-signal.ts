/**
 * The interrupt buffer of a worker without SharedArrayBuffer (a page without cross-origin
 * isolation): nothing from outside can write into it, but the run's own deadline can. CPython's
 * periodic signal check reads `[0]` of whatever `pyodide.setInterruptBuffer` was given, so this
 * answers SIGINT once the run's deadline has passed, and Python raises KeyboardInterrupt itself at
 * the deadline, keeping the interpreter (the host terminates only if that does not end the run
 * within its grace: C code that never checks, code that swallows KeyboardInterrupt).
 */
import { SIGINT } from '../../src/shared/protocol.js';

/**
 * After Python takes a SIGINT, how long until the next: as a host re-writes a shared buffer
 * (src/sandbox/runs/run-stopper.ts). Answering SIGINT on every read would raise KeyboardInterrupt
 * again while the runner swaps in its ignoring handler (CPython runs pending handlers first), and
 * the interrupt would escape the runner.
 */
const REARM_MS = 150;
/**
 * How often a run that yields for stops is asked to (worker/stops/yielding-stops.ts): a stop waits at
 * most about this long. A yield costs about 0.75 ms in Chromium, 0.4 of it Pyodide's `run_sync`
 * (a new thread state per suspension): every 50 ms that was 1.5 to 2% of a long run, every 75 ms
 * it is about 1%, with a stop's p95 at about 75 ms.
 */
const YIELD_EVERY_MS = 75;

export class DeadlineSignal {
  private deadline = Number.POSITIVE_INFINITY;
  /** When the last SIGINT was taken: the next comes `REARM_MS` later. */
  private takenAt = Number.NEGATIVE_INFINITY;
  /** Whether the last read answered SIGINT (Python writes 0 back after every read). */
  private answeredSigint = false;
  /** When the run next yields for a stop (never, unless `yieldWith` is on). */
  private nextYield = Number.POSITIVE_INFINITY;
  private yieldSignal = 0;
  /** Answers nothing (Python is in machinery a signal must not strike: see interrupts.ts `listen`). */
  muted = false;

  /** The run yields for stops, asked with `signal` every `YIELD_EVERY_MS` (none: it does not). */
  yieldWith(signal: number | undefined): void {
    this.yieldSignal = signal ?? 0;
    this.nextYield = signal === undefined ? Number.POSITIVE_INFINITY : performance.now() + YIELD_EVERY_MS;
  }

  /** The current run's deadline: `timeoutMs` from now (none if it is not a finite number). */
  arm(timeoutMs: number | undefined): void {
    this.deadline = typeof timeoutMs === 'number' && Number.isFinite(timeoutMs) ? performance.now() + timeoutMs : Number.POSITIVE_INFINITY;
    this.takenAt = Number.NEGATIVE_INFINITY;
  }

  /** The run is over: no interrupt fires outside it. */
  disarm(): void {
    this.deadline = Number.POSITIVE_INFINITY;
    this.yieldWith(undefined);
  }

  get passed(): boolean {
    return performance.now() >= this.deadline;
  }

  /** What Python reads: SIGINT once the deadline has passed, again every `REARM_MS` until the run ends. */
  get 0(): number {
    if (this.muted) return 0;
    const now = performance.now();
    this.answeredSigint = now >= this.deadline && now - this.takenAt >= REARM_MS;
    if (this.answeredSigint) return SIGINT;
    if (now < this.nextYield) return 0;
    this.nextYield = now + YIELD_EVERY_MS;
    return this.yieldSignal;
  }

  /**
   * Python writes 0 back after every read: after a SIGINT, that is the SIGINT taken. Pyodide's
   * read is inside a try whose catch answers 0, so without a setter the assignment's TypeError
   * (strict mode) would hide every SIGINT.
   */
  set 0(_cleared: number) {
    if (!this.answeredSigint) return;
    this.answeredSigint = false;
    this.takenAt = performance.now();
  }
}
