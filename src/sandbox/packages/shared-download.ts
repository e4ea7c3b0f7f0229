/**
 * One download that several waiters share (a hundred requests for one wheel make one request to
 * the server), stopped with a real AbortSignal once nobody waits for it any more: each waiter
 * that can stop waiting (a run that ended, a resolution past its time) leaves; when the last one
 * has left, the request is aborted and its connection closed. A waiter that never stops (a
 * preload) keeps it going; the owner's `lifetime` (the sandbox's) stops it whatever.
 */
import { anySignal, untilAborted } from '../runs/abort-signals.js';

export class SharedDownload<T> {
  readonly result: Promise<T>;
  private readonly controller = new AbortController();
  private readonly signal: AbortSignal;
  private waiting = 0;
  private held = false;

  constructor(start: (signal: AbortSignal) => Promise<T>, lifetime: AbortSignal) {
    this.signal = anySignal([this.controller.signal, lifetime]);
    this.result = start(this.signal);
    this.result.catch(() => undefined); // said to each waiter
  }

  /** Whether it was stopped (nobody waited any more, or the owner went away) rather than failed. */
  get aborted(): boolean {
    return this.signal.aborted;
  }

  /** The download's result, for a waiter that stops waiting when `signal` aborts (never, without one). */
  join(signal?: AbortSignal): Promise<T> {
    if (!signal) {
      this.held = true;
      return this.result;
    }
    if (signal.aborted) return Promise.reject(signal.reason);
    this.waiting++;
    const leave = () => {
      if (--this.waiting === 0 && !this.held) this.controller.abort(signal.reason);
    };
    signal.addEventListener('abort', leave, { once: true });
    const forget = () => signal.removeEventListener('abort', leave);
    this.result.then(forget, forget);
    return untilAborted(this.result, signal);
  }
}
