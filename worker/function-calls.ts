/**
 * The page's functions as the run's Python calls them (`default_api`, worker/python/default_api.py):
 * each awaited call is a `function-call` to the host, answered by a `function-result`. Only the
 * current run's functions are reachable, and only while it runs.
 */
import type { PyodideInterface } from 'pyodide';
import type { PyProxy } from 'pyodide/ffi';
import type { FunctionSpec, HostEvent } from '../src/protocol.js';
import type { Outbox } from './outbox.js';

/** `default_api`'s hooks for the worker. */
interface DefaultApiModule extends PyProxy {
  _connect(call: (name: string, args: string) => Promise<string>): void;
  _begin_run(specs: string): void;
}

export class WorkerFunctions {
  private module: DefaultApiModule | undefined;
  private runId: number | undefined;
  private callSeq = 0;
  /** Python calls waiting for the host: each gets its answer as JSON (`{result?}` or `{error}`). */
  private readonly pending = new Map<number, (answer: string) => void>();

  constructor(private readonly outbox: Outbox) {}

  /**
   * Run `runId` begins with `functions` (maybe none). `default_api` is imported for the first run
   * that has functions; once it is, every run sets its table, so a function of an earlier run says
   * it is not available.
   */
  begin(pyodide: PyodideInterface, runId: number, functions: FunctionSpec[]): void {
    this.runId = runId;
    if (!this.module && functions.length === 0) return;
    if (!this.module) {
      this.module = pyodide.pyimport('default_api') as DefaultApiModule;
      this.module._connect((name, args) => this.call(name, args));
    }
    this.module._begin_run(JSON.stringify(functions));
  }

  /** The run is over: calls still waiting end with an error (their Python task is gone or being cancelled). */
  end(): void {
    this.runId = undefined;
    for (const settle of this.pending.values()) settle(JSON.stringify({ error: 'the run ended before the call was answered' }));
    this.pending.clear();
  }

  /** A message from the host: a call's answer; anything else is ignored. */
  onHostEvent(event: HostEvent): void {
    if (event?.type !== 'function-result') return;
    const settle = this.pending.get(event.callId);
    if (!settle) return;
    this.pending.delete(event.callId);
    const answer = typeof event.error === 'string' ? { error: event.error } : typeof event.result === 'string' ? { result: event.result } : {};
    settle(JSON.stringify(answer));
  }

  private call(name: string, args: string): Promise<string> {
    const { runId } = this;
    if (runId === undefined) return Promise.resolve(JSON.stringify({ error: 'functions are called only while their run is going' }));
    const callId = ++this.callSeq;
    return new Promise((resolve) => {
      this.pending.set(callId, resolve);
      this.outbox.post({ type: 'function-call', runId, callId, name, args });
    });
  }
}
