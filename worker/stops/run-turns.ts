/**
 * A run's asyncio tasks end with it, held where Python cannot reach. Every step of a task is a
 * callback that Pyodide's event loop hands to `scheduleCallback` (pyodide/webloop.py), and from the
 * first run on that is this worker's function, in Pyodide's API and in the event loop's module
 * alike (the original is then referenced nowhere Python can reach). Each callback is stamped, in
 * this worker's scope, with the run going on when it was scheduled, and dropped when it comes due
 * after that run has ended, or when it was scheduled between runs. So whatever a cell rewrites of
 * Python (its tasks' run tags, the loop's methods, worker/python/run_tasks.py), a task it leaves
 * behind is never woken again, and a task made outside any run never starts. (Until the first run
 * the boot's own waits, `canWait`, take steps on the event loop outside any run.)
 *
 * The turn after a run's code ends is still the run's: its pending tasks take the cancellation
 * run_tasks.py sends them. A step already going then finishes its slice; one that waits in place
 * (JSPI) for a promise resumes through the event loop, so after its run never.
 *
 * Not held here: a JavaScript callback a cell registers itself (`js.setTimeout` with a Python
 * function) is no task and passes no scheduler of ours: the Python it runs, or resumes, is part of
 * whatever goes on when it fires.
 */
import type { PyodideInterface } from 'pyodide';

/** A callback as Pyodide's scheduler takes it: the event loop's are Python callables, which can be destroyed unrun. */
type Callback = (() => unknown) & { destroy?: () => void };
type Schedule = (callback: Callback, ms?: number) => void;

/** Callbacks due within this (ms) are run by Pyodide's scheduler at the next turn, not by a timer. */
const AT_ONCE_MS = 2;

export class RunTurns {
  /** The run whose callbacks may fire (none between runs). */
  private run: number | undefined;
  /** Callbacks of `run` due at its next turn, not fired yet. */
  private due = 0;
  /** Settles once the last run's turn after its code is over. */
  private closing: Promise<void> = Promise.resolve();
  /** Pyodide's own scheduler. */
  private schedule: Schedule = (callback, ms) => void setTimeout(callback, ms);
  /** The interpreter whose event loop this gates, until its first run begins. */
  private pyodide: PyodideInterface | undefined;

  /** The booted interpreter: its event loop is gated from its first run on. */
  attach(pyodide: PyodideInterface): void {
    this.pyodide = pyodide;
  }

  /** Run `runId` begins, once the last run's turn is over. */
  async begin(runId: number): Promise<void> {
    await this.closing;
    // In the same turn as the run begins: a boot's wait still going on gets its steps stamped as the run's.
    if (this.pyodide) this.install(this.pyodide);
    this.pyodide = undefined;
    this.run = runId;
    this.due = 0;
  }

  /** The run's code has ended: its next turn is still its own (if it has callbacks due), then it is closed. */
  end(): void {
    const run = this.run;
    const close = () => {
      if (this.run === run) this.run = undefined;
    };
    if (this.due === 0) close();
    else this.closing = new Promise<void>((resolve) => this.schedule(resolve, 0)).then(close);
  }

  /** From now on every event-loop callback passes here (not in a snapshot: it cannot hold this function). */
  private install(pyodide: PyodideInterface): void {
    const api = (pyodide as unknown as { _api: { scheduleCallback: Schedule } })._api;
    const original = api.scheduleCallback;
    this.schedule = original;
    const gated: Schedule = (callback, ms = 0) => {
      // Pyodide's own JavaScript hands in plain functions (a promising call's wait for its turn), not the loop's callables.
      if (typeof callback?.destroy !== 'function') return original(callback, ms);
      const run = this.run;
      const atOnce = run !== undefined && ms <= AT_ONCE_MS;
      if (atOnce) this.due++;
      original(() => this.fire(callback, run, atOnce), ms);
    };
    api.scheduleCallback = gated;
    const webloop = pyodide.pyimport('pyodide.webloop');
    webloop.scheduleCallback = gated;
    webloop.destroy();
  }

  private fire(callback: Callback, run: number | undefined, atOnce: boolean): void {
    if (atOnce && run === this.run) this.due--;
    if (run === undefined || run !== this.run) callback.destroy?.();
    else callback();
  }
}
