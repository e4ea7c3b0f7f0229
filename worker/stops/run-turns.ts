/**
 * A run's asyncio tasks end with it, held where Python cannot reach. Every step of a task is a
 * callback that Pyodide's event loop hands to `scheduleCallback` (pyodide/webloop.py), and from boot
 * on that is this worker's function, in Pyodide's API and in the event loop's module alike (the
 * original is then referenced nowhere Python can reach). Each callback is stamped, in this
 * worker's scope, with the run going on when it was scheduled, and dropped when it comes due after
 * that run has ended, or when it was scheduled between runs. So whatever a cell rewrites of Python
 * (its tasks' run tags, the loop's methods, worker/python/run_tasks.py), a task it leaves behind is
 * never woken again, and a task made outside any run never starts.
 *
 * The turn after a run's code ends is still the run's: its pending tasks take the cancellation
 * run_tasks.py sends them. A step that was then waiting in place (JSPI) finishes its slice between
 * runs, and the next run begins only once none is left: no Python of an ended run's tasks runs
 * while a later run goes.
 *
 * Not held here: a JavaScript callback a cell registers itself (`js.setTimeout` with a Python
 * function) is no task and passes no scheduler of ours; the Python it runs is part of whatever
 * goes on when it fires.
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
  /** Python entered for a run (an event-loop step, an awaited call's answer) that has not finished: under JSPI it may wait in place. */
  private running = 0;
  private readonly whenIdle: (() => void)[] = [];
  /** Settles once the last run's turn after its code is over. */
  private closing: Promise<void> = Promise.resolve();
  /** Pyodide's own scheduler. */
  private schedule: Schedule = (callback, ms) => void setTimeout(callback, ms);

  /** From now on every event-loop callback passes here (after boot: a snapshot cannot hold this function). */
  install(pyodide: PyodideInterface): void {
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

  /** Run `runId` begins, once nothing of an ended run is still running. */
  async begin(runId: number): Promise<void> {
    await this.closing;
    if (this.running > 0) await new Promise<void>((resolve) => this.whenIdle.push(resolve));
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

  /** Python entered for the current run outside the event loop (an awaited call's answer): it counts as running until it settles. */
  track(entry: PromiseLike<unknown>): void {
    this.running++;
    const settled = () => {
      if (--this.running > 0) return;
      for (const resolve of this.whenIdle.splice(0)) resolve();
    };
    entry.then(settled, settled);
  }

  private fire(callback: Callback, run: number | undefined, atOnce: boolean): void {
    if (atOnce && run === this.run) this.due--;
    if (run === undefined || run !== this.run) {
      callback.destroy?.();
      return;
    }
    const result = callback();
    // Under JSPI the step is a promise: it may wait in place, and finish after its run.
    if (result && typeof (result as PromiseLike<unknown>).then === 'function') this.track(result as PromiseLike<unknown>);
  }
}
