/**
 * Stops that keep the interpreter on a page without a shared interrupt buffer, where Python can
 * wait for a promise (JSPI): a run is entered through `callPromising`, Python yields to this
 * worker's event loop every `YIELD_EVERY_MS` (worker/python/stops.py), and a `cancel` taken during
 * a yield makes Python raise KeyboardInterrupt in the user's code. Without JSPI, or with the buffer,
 * nothing here is on.
 */
import type { PyodideInterface } from 'pyodide';
import type { PyProxy } from 'pyodide/ffi';
import { canWait } from '../jspi/can-wait.js';
import type { MustStop } from './stop-poll.js';

interface StopsModule extends PyProxy {
  connect(wait: () => Promise<boolean>): boolean;
  YIELD_SIGNAL: number;
}

export class YieldingStops {
  private module: StopsModule | undefined;

  constructor(private readonly mustStop: MustStop) {}

  /** Whether runs yield: set up once after boot, where there is no buffer; false where Python cannot wait. */
  async connect(pyodide: PyodideInterface): Promise<boolean> {
    if (!(await canWait(pyodide))) return false;
    const module = pyodide.pyimport('stops') as StopsModule;
    // One macrotask: messages that arrived (a cancel) are taken before Python goes on. One channel
    // for all yields: a message forged onto it only ends a wait early.
    const channel = new MessageChannel();
    let waiting: (() => void) | undefined;
    channel.port1.onmessage = () => {
      const wake = waiting;
      waiting = undefined;
      wake?.();
    };
    const wait = () =>
      new Promise<boolean>((resolve) => {
        waiting = () => resolve(this.mustStop());
        channel.port2.postMessage(null);
      });
    if (!module.connect(wait)) return false;
    this.module = module;
    return true;
  }

  /** The signal number Python's yields answer to (none: runs do not yield). */
  get signal(): number | undefined {
    return this.module?.YIELD_SIGNAL;
  }

  get on(): boolean {
    return !!this.module;
  }
}
