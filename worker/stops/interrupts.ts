/**
 * How a run is stopped inside the worker: the host's SIGINT in the shared interrupt buffer, or,
 * without a shared buffer, the run's own deadline in its place (see deadline-signal.ts).
 */
import type { PyodideInterface } from 'pyodide';
import { SIGINT } from '../../src/shared/protocol.js';
import { DeadlineSignal } from './deadline-signal.js';

export class Interrupts {
  private readonly view: Uint8Array | undefined;
  private readonly deadline: DeadlineSignal | undefined;
  private on = false;

  constructor(buffer: SharedArrayBuffer | undefined) {
    this.view = buffer ? new Uint8Array(buffer) : undefined;
    this.deadline = buffer ? undefined : new DeadlineSignal();
  }

  /** Whether the host can stop running Python (a shared buffer); else only the deadline can. */
  get fromHost(): boolean {
    return !!this.view;
  }

  /** Starts the run's deadline (none: no deadline); only where there is no shared buffer. */
  armDeadline(timeoutMs: number | undefined): void {
    this.deadline?.arm(timeoutMs);
  }

  /** Asks the run to yield for stops with `signal` (see yielding-stops.ts); only where there is no shared buffer. */
  yieldWith(signal: number | undefined): void {
    this.deadline?.yieldWith(signal);
  }

  disarmDeadline(): void {
    this.deadline?.disarm();
  }

  /**
   * The host writes SIGINT repeatedly until a stopped run ends, so one may land after it: every
   * call clears the buffer before running Python, or the stray interrupt would hit sandbox code.
   */
  clear(): void {
    if (this.view) Atomics.store(this.view, 0, 0);
  }

  /** Whether the run must stop: the host asked (a SIGINT in the buffer, cleared here), or its deadline passed. */
  take(): boolean {
    if (this.view) return Atomics.exchange(this.view, 0, 0) === SIGINT;
    return !!this.deadline?.passed;
  }

  /**
   * Clears the interrupt buffer and connects it to Python, or disconnects it. The deadline in its
   * place is connected once and then only muted: CPython's check keeps calling into JavaScript,
   * the one place where WebKit's `terminate()` ends a worker spinning in WebAssembly (a cancelled
   * `await` whose code then loops would otherwise keep its core for the page's life).
   */
  listen(pyodide: PyodideInterface, on: boolean): void {
    this.clear();
    if (this.deadline) this.deadline.muted = !on;
    const connect = on || (!!this.deadline && this.on);
    // Only on a change: after os._exit() any call into Pyodide throws.
    if (this.on === connect) return;
    this.on = connect;
    // Pyodide reads only `[0]` of the buffer it is given (and writes 0 back): the deadline answers that.
    const buffer = (this.view ?? this.deadline) as Uint8Array;
    pyodide.setInterruptBuffer(connect ? buffer : (undefined as unknown as Uint8Array));
  }
}
