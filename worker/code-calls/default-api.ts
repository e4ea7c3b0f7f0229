/**
 * The page's functions as the run's Python calls them (`default_api`, worker/python/default_api.py):
 * each call is a `function-call` to the host, answered by a `function-result`. Only the current
 * run's functions are reachable, and only while it runs. A call from async code is awaited on
 * Pyodide's event loop; one from plain code waits in place (JSPI: the run was entered through
 * `callPromising`), or, without JSPI, with the thread blocked (blocking-wait.ts: Node 22, WebKit on an isolated page); since
 * waiting Python reads no interrupt, that wait also ends on a stop.
 */
import type { PyodideInterface } from 'pyodide';
import type { PyCallable, PyProxy } from 'pyodide/ffi';
import { DEFAULT_API_OWN_NAMES } from '../../src/shared/default-api-names.js';
import { type FunctionSpec, type HostEvent, functionAnswer } from '../../src/shared/protocol.js';
import { type BlockingReceiver, waitBlocked } from './blocking-wait.js';
import { canWait } from '../jspi/can-wait.js';
import { enterPromising } from '../jspi/enter-promising.js';
import type { Interrupts } from '../stops/interrupts.js';
import type { Outbox } from '../outbox.js';
import { type MustStop, watchForStop } from '../stops/stop-poll.js';

/** `default_api`'s hooks for the worker. */
interface DefaultApiModule extends PyProxy {
  _connect(
    call: (name: string, args: string, inPlace: boolean) => number | string,
    resumed: () => void,
    block: (() => void) | undefined,
    ownNames: string,
  ): void;
  _begin_run(specs: string): void;
  _answer: PyCallable;
}

export class DefaultApi {
  private module: DefaultApiModule | undefined;
  private pyodide: PyodideInterface | undefined;
  /** Whether Python can wait for a promise in place (JSPI), asked once. */
  private canWait: Promise<boolean> | undefined;
  /** `default_api._answer`, read once: hands a call's answer to the Python future waiting for it. */
  private answer: PyCallable | undefined;
  /** Whether an awaited call's answer enters Python through JSPI (`callPromising`), as the event loop's callbacks do. */
  private promising = false;
  private runId: number | undefined;
  private callSeq = 0;
  /** Python calls waiting for the host, each with whether it waits in place. */
  private readonly pending = new Map<number, { inPlace: boolean }>();
  /** While calls wait in place (JSPI): the watch for a stop (stop-poll.ts), one for all the calls in a row. */
  private unwatch: (() => void) | undefined;

  /**
   * `mustStop`: whether the run must stop (Runs `mustStop`). `interrupts` are
   * off while Python waits in place: a SIGINT landing as it resumes would strike the wait's own
   * machinery and wedge the run, so Python turns them back on itself, in its own frame.
   * `blocking`: how the thread may block for an answer (none: it may not), and where a message
   * taken meanwhile that is not the awaited answer goes once the thread is free (as if it had
   * arrived then).
   */
  constructor(
    private readonly outbox: Outbox,
    private readonly mustStop: MustStop,
    private readonly interrupts: Pick<Interrupts, 'listen'>,
    private readonly blocking?: { receiver: BlockingReceiver | undefined; dispatch(event: unknown): void },
  ) {}

  /**
   * Run `runId` begins with `functions` (maybe none). `default_api` is imported for the first run
   * that has functions; once it is, every run sets its table, so a function of an earlier run says
   * it is not available. Resolves whether the run should be entered through `callPromising`, so
   * plain code's calls can wait in place: it has functions, no top-level `await` (that run is a
   * task on the event loop, where Python cannot wait in place) and the engine has JSPI.
   */
  async begin(pyodide: PyodideInterface, runId: number, functions: FunctionSpec[], mayAwait: boolean): Promise<boolean> {
    this.runId = runId;
    if (!this.module && functions.length === 0) return false;
    if (!this.module) {
      const receiver = this.blocking?.receiver;
      this.pyodide = pyodide;
      this.module = pyodide.pyimport('default_api') as DefaultApiModule;
      this.answer = this.module._answer;
      this.module._connect(
        (name, args, inPlace) => this.call(name, args, inPlace),
        () => this.interrupts.listen(pyodide, true),
        receiver && (() => this.waitBlocked(receiver)),
        JSON.stringify(DEFAULT_API_OWN_NAMES),
      );
    }
    this.module._begin_run(JSON.stringify(functions));
    if (functions.length === 0) return false;
    this.canWait ??= canWait(pyodide);
    this.promising = await this.canWait;
    return !mayAwait && this.promising;
  }

  /**
   * The host cancels the run: a call waited for in place ends now, and Python raises
   * KeyboardInterrupt (later ones see `mustStop`). Whether one was waiting.
   */
  stop(): boolean {
    let waiting = false;
    for (const [callId, call] of this.pending) {
      if (!call.inPlace) continue;
      waiting = true;
      this.settle(callId, functionAnswer.stopped);
    }
    return waiting;
  }

  /** The run is over: calls still waiting end with an error (their Python task is gone or being cancelled). */
  end(): void {
    this.runId = undefined;
    for (const callId of this.pending.keys()) this.settle(callId, functionAnswer.error('the run ended before the call was answered'));
  }

  /** A message from the host: a call's answer, handed to Python as the host wrote it; anything else is ignored. */
  onHostEvent(event: HostEvent): void {
    if (event?.type !== 'function-result' || typeof event.answer !== 'string') return;
    this.settle(event.callId, event.answer);
  }

  /** Sends a call: its number, whose answer goes to `default_api._answer`, or its answer at once. */
  private call(name: string, args: string, inPlace: boolean): number | string {
    const { runId } = this;
    if (runId === undefined) return functionAnswer.error('functions are called only while their run is going');
    if (inPlace && this.mustStop()) return functionAnswer.stopped;
    const callId = ++this.callSeq;
    if (inPlace && this.pyodide) this.interrupts.listen(this.pyodide, false);
    // Suspended Python checks no interrupt: this wait does, for a cancel, a SIGINT or a passed
    // deadline. A blocked thread looks itself (`waitBlocked`).
    if (inPlace && this.promising)
      this.unwatch ??= watchForStop(this.mustStop, () => {
        this.unwatch = undefined;
        this.stop();
      });
    this.pending.set(callId, { inPlace });
    // Python waits for it with the thread blocked: its answer must not be queued behind the wait.
    if (inPlace && !this.promising) this.blocking?.receiver?.expect?.(callId);
    this.outbox.post({ type: 'function-call', runId, callId, name, args });
    return callId;
  }

  /**
   * Python's plain call just sent (the last call) waits for its answer with the thread blocked,
   * until the answer or a stop has settled it. Other messages taken meanwhile (an awaited call's
   * answer, a wheel) are handled once the thread is free, as they would have been without the wait.
   */
  private waitBlocked(receiver: BlockingReceiver): void {
    const callId = this.callSeq;
    const later: unknown[] = [];
    waitBlocked(
      receiver,
      () => !this.pending.has(callId),
      (message) => {
        const event = message as HostEvent;
        if (event?.type === 'function-result' && event.callId === callId) this.onHostEvent(event);
        else later.push(message);
      },
      () => this.mustStop() && this.stop(),
    );
    const dispatch = this.blocking?.dispatch;
    if (later.length > 0 && dispatch) setTimeout(() => later.forEach((message) => dispatch(message)));
  }

  /**
   * Hands Python a call's answer. A call waited for in place resumes once this returns. An awaited
   * one's task goes on inside `_answer`, entered as the event loop enters its callbacks: through
   * JSPI where the engine has it, so that the task can still wait in place.
   */
  private settle(callId: number, answer: string): void {
    const call = this.pending.get(callId);
    if (!call || !this.answer) return;
    this.pending.delete(callId);
    if (call.inPlace && ![...this.pending.values()].some((other) => other.inPlace)) {
      this.unwatch?.();
      this.unwatch = undefined;
    }
    try {
      // A stopped awaited call ends its run as the run's cancel does (runs.ts `cancelAwait`), with interrupts off: the
      // host's SIGINT, re-sent until the run ends, could strike `_answer`'s own steps and lose the awaiting task's wakeup
      // (the run then hung until the grace ran out and the worker was replaced: WebKit, an isolated page, under load).
      if (!call.inPlace && answer === functionAnswer.stopped && this.pyodide) this.interrupts.listen(this.pyodide, false);
      if (!call.inPlace && this.promising && this.pyodide) void enterPromising<void>(this.pyodide, this.answer, callId, answer).catch(ignore);
      else this.answer(callId, answer);
    } catch {
      ignore();
    }
  }
}

/**
 * What Python raised as it took an answer is the run's own end: a stop's KeyboardInterrupt, or a
 * task's SystemExit, which the task has already taken as its result (asyncio raises them on).
 */
function ignore(): void {}
