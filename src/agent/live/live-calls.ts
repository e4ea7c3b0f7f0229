/**
 * Answers the `toolCall`s of a Live session: each call is checked, queued and answered with the
 * chat loop's own call executor (so the function response has the same shape), one at a time and
 * in order since calls share the interpreter. A `toolCallCancellation` aborts the matching call,
 * which stops its code, and that call gets no response.
 *
 * Everything from the server is hostile: ids and names are bounded, the queue is bounded, and a
 * call that cannot be answered is reported instead of run.
 *
 * A call belongs to the connection it arrived on. When the session moves to a new connection (a
 * resumed session), the server's state predates any call still open, so such a call cannot be
 * answered there: a running one finishes (its cell is not killed) and is reported as not
 * delivered, a queued one is not run.
 */
import { type FunctionCall, type FunctionResponse, Outcome, type Part } from '@google/genai';
import { type CallContext, type CallOutcome, planCall, planError, tooManyCalls } from '../model-calls.js';
import type { LiveCodeExecutionEvent } from './events.js';
import { measureJson } from './json-size.js';
import { isObject } from '../../common/json-object.js';

/** Longest call id and function name accepted (real ids are ~35 characters). */
const MAX_ID_CHARS = 256;
const MAX_NAME_CHARS = 256;
/**
 * Call ids one session remembers (every id it was sent in a call or a cancellation, for as long as
 * it lives, so that no id runs or is answered twice), and the characters they may hold together.
 * Reaching either ends the session (`by: 'limit'`) rather than forget an id: at one call a second
 * that is over a day of calls; real ids are ~35 characters, so the count binds first.
 */
export const MAX_SESSION_CALL_IDS = 100_000;
export const MAX_SESSION_CALL_ID_CHARS = 8_000_000;
/**
 * Deepest nesting and most bytes (as JSON) of one call's arguments; a call past either is answered
 * with an error, not run. Code the model writes is well under it; deeper values overflow the stack
 * of `structuredClone` and `JSON.stringify`.
 */
export const MAX_CALL_ARGS_DEPTH = 64;
export const MAX_CALL_ARGS_BYTES = 1024 * 1024;
/** Calls or cancelled ids read from one message; the rest are refused (a real message holds a few). */
const MAX_IDS_PER_MESSAGE = 128;

export interface LiveCallsOptions {
  /** How calls are answered: sandbox, user functions, image style; events go to `emit`. */
  context: Omit<CallContext, 'signal' | 'step'>;
  emit: (event: LiveCodeExecutionEvent) => void;
  /** The current turn (events' `step`). */
  turn: () => number;
  /** Adds our parts to the transcript. */
  show: (parts: Part[]) => void;
  /** The connection calls arrive on now (a number that changes when the session reconnects). */
  connection: () => number;
  /** Sends one function response for a call that arrived on `connection`; false when it could not be delivered. */
  respond: (response: FunctionResponse, connection: number) => boolean;
  /** The sandbox was disposed: the session should end. */
  sandboxGone: (message: string) => void;
  /** The session has seen as many call ids as it can remember: it should end. */
  idsExhausted: (message: string) => void;
  maxPending: number;
}

interface Pending {
  controller: AbortController;
  running: boolean;
  /** The connection the call arrived on. */
  connection: number;
}

/** The `partMetadata` key of a result whose response never reached the model. */
export const NOT_DELIVERED = 'notDelivered';

export class LiveCalls {
  private readonly pending = new Map<string, Pending>();
  /** Every id seen in a call (`used`) or a cancellation (`cancelled`), for the session's life. */
  private readonly ids = new SessionIds(MAX_SESSION_CALL_IDS, MAX_SESSION_CALL_ID_CHARS);
  private queue: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(private readonly options: LiveCallsOptions) {}

  /** `toolCall.functionCalls` from the server. */
  receive(functionCalls: unknown): void {
    if (this.stopped) return;
    if (!Array.isArray(functionCalls)) {
      this.reject(undefined, 'toolCall.functionCalls is not a list');
      return;
    }
    // One report for the excess, not one each: the count is the server's to choose.
    const excess = functionCalls.length - MAX_IDS_PER_MESSAGE;
    if (excess > 0) this.reject(undefined, `${excess} calls beyond the first ${MAX_IDS_PER_MESSAGE} of one message were not run`);
    for (const raw of functionCalls.slice(0, MAX_IDS_PER_MESSAGE)) this.accept(raw);
  }

  /**
   * Calls of a message that could not be read (too deep): each with a usable, new id is answered
   * with `error` without running. Returns the ids answered.
   */
  refuse(functionCalls: unknown, error: string): string[] {
    if (this.stopped || !Array.isArray(functionCalls)) return [];
    const answered: string[] = [];
    for (const raw of functionCalls.slice(0, MAX_IDS_PER_MESSAGE)) {
      if (this.accept(raw, error)) answered.push((raw as FunctionCall).id!);
    }
    return answered;
  }

  /** `toolCallCancellation.ids` from the server: stops those calls; they get no response. */
  cancel(ids: unknown): void {
    if (this.stopped) return;
    if (!Array.isArray(ids)) {
      this.reject(undefined, 'toolCallCancellation.ids is not a list');
      return;
    }
    for (const id of ids.slice(0, MAX_IDS_PER_MESSAGE)) {
      if (!isId(id)) {
        this.reject(undefined, 'a cancelled id that is not a string of 1 to 256 characters');
        continue;
      }
      const entry = this.pending.get(id);
      // Remembered either way: a call that arrives later with this id is not run.
      if (!this.remember(id, 'cancelled')) return;
      if (!entry) {
        this.reject(id, 'cancellation of a call that is not waiting or running (already answered, or unknown)');
        continue;
      }
      this.pending.delete(id);
      entry.controller.abort(new DOMException('The server cancelled this call (toolCallCancellation).', 'AbortError'));
      this.options.emit({ type: 'call-cancelled', turn: this.options.turn(), callId: id, was: entry.running ? 'running' : 'queued' });
    }
  }

  /** The session ended: stops running code, drops queued calls, answers nothing more. */
  stopAll(reason: string): void {
    this.stopped = true;
    for (const entry of this.pending.values()) entry.controller.abort(new DOMException(reason, 'AbortError'));
    this.pending.clear();
  }

  /** Calls waiting or running. */
  get size(): number {
    return this.pending.size;
  }

  /** Checks a call and queues it, or answers it with an error (`refusal`, when given); false when it was only reported. */
  private accept(raw: unknown, refusal?: string): boolean {
    // The id bound may have ended the session at an earlier call of the same message.
    if (this.stopped) return false;
    if (!isObject(raw)) return this.reject(undefined, 'a function call that is not an object');
    const id = raw.id;
    if (!isId(id)) return this.reject(undefined, 'a call without a usable id (a string of 1 to 256 characters) cannot be answered');
    const seen = this.ids.get(id);
    if (seen === 'cancelled') return this.reject(id, 'the call was already cancelled');
    if (seen === 'used') return this.reject(id, 'the id was already used by an earlier call');
    if (!this.remember(id, 'used')) return false;
    const name = typeof raw.name === 'string' ? raw.name.slice(0, MAX_NAME_CHARS) : '';
    const problem = refusal ?? this.argsProblem(name, raw.args);
    const call: FunctionCall = { id, name, ...(problem === undefined && isObject(raw.args) && { args: raw.args }) };
    if (problem !== undefined) return this.answerNow(call, problem);
    if (this.pending.size >= this.options.maxPending) {
      return this.answerNow(call, tooManyCalls(this.options.maxPending));
    }
    const entry: Pending = { controller: new AbortController(), running: false, connection: this.options.connection() };
    this.pending.set(id, entry);
    this.queue = this.queue
      .then(() => this.run(call, entry))
      .catch((error: unknown) => this.options.emit({ type: 'error', message: `Call ${id} failed: ${message(error)}` }));
    return true;
  }

  /** Why a call's arguments cannot be used, if they cannot. */
  private argsProblem(name: string, args: unknown): string | undefined {
    if (args === undefined) return undefined;
    const what = `The arguments of ${name || 'a call'}`;
    if (!isObject(args)) return `${what} must be a JSON object; got ${describe(args)}. Call it again with an object.`;
    const size = measureJson(args, MAX_CALL_ARGS_DEPTH, MAX_CALL_ARGS_BYTES);
    if (size.ok) return undefined;
    return size.tooDeep
      ? `${what} are nested deeper than ${MAX_CALL_ARGS_DEPTH} levels, so the call was not run. Call it again with simpler arguments.`
      : `${what} are larger than ${MAX_CALL_ARGS_BYTES} bytes, so the call was not run. Call it again with smaller arguments.`;
  }

  private async run(call: FunctionCall, entry: Pending): Promise<void> {
    const id = call.id!;
    // Cancelled while it waited, or the session ended.
    if (entry.controller.signal.aborted) return;
    if (entry.connection !== this.options.connection()) {
      this.pending.delete(id);
      return this.undelivered(
        call,
        'queued',
        'The connection it arrived on was replaced before it started, and the resumed session does not know the call: it was not run.',
      );
    }
    entry.running = true;
    const ctx = this.context(entry.controller.signal);
    const planned = planCall(call, ctx);
    this.options.show([planned.announce]);
    let outcome: CallOutcome;
    try {
      outcome = await planned.execute();
    } catch (error) {
      if (entry.controller.signal.aborted) {
        if (planned.announce.executableCode) this.options.show([stoppedResult(id, entry.controller.signal.reason)]);
        return;
      }
      if (isDisposed(error)) {
        this.pending.delete(id);
        this.options.sandboxGone(`The sandbox was disposed: ${message(error)}`);
        return;
      }
      // The sandbox failed (not the code): the model is told, so the call is not left unanswered.
      outcome = await planError(call, `The sandbox could not run this call: ${message(error)}`, ctx).execute();
    }
    this.pending.delete(id);
    this.deliver(call, outcome, entry.connection, 'ran');
  }

  /** Sends the response and shows the outcome, marked when the response could not be delivered. */
  private deliver(call: FunctionCall, outcome: CallOutcome, connection: number, was: 'ran' | 'refused', shown: Part[] = []): void {
    const delivered = this.options.respond(outcome.response.functionResponse!, connection);
    this.options.show([...shown, ...(delivered ? outcome.transcript : outcome.transcript.map(markNotDelivered))]);
    if (!delivered) {
      this.undelivered(
        call,
        was,
        'The connection it arrived on closed before the response was sent, and the resumed session does not know the call: the model never saw this result.',
      );
    }
  }

  private undelivered(call: FunctionCall, was: 'ran' | 'refused' | 'queued', reason: string): void {
    this.options.emit({ type: 'call-undelivered', turn: this.options.turn(), callId: call.id!, name: call.name ?? '', was, reason });
  }

  /** Answers a call that will not run (bad arguments, queue full) with an error, at once. */
  private answerNow(call: FunctionCall, error: string): true {
    const connection = this.options.connection();
    void planError(call, error, this.context(undefined))
      .execute()
      .then((outcome) => this.deliver(call, outcome, connection, 'refused', [{ functionCall: structuredClone(call) }]));
    return true;
  }

  /** Remembers `id` for the session's life; at the bound, ends the session instead (false). */
  private remember(id: string, as: 'used' | 'cancelled'): boolean {
    if (this.ids.set(id, as)) return true;
    this.options.idsExhausted(
      `The Live session has seen ${this.ids.size} call ids (${this.ids.chars} characters), the most one session remembers so that no call runs twice; start a new session`,
    );
    return false;
  }

  private context(signal: AbortSignal | undefined): CallContext {
    return { ...this.options.context, signal, step: this.options.turn() };
  }

  private reject(callId: string | undefined, reason: string): false {
    this.options.emit({ type: 'rejected', turn: this.options.turn(), ...(callId !== undefined && { callId }), reason });
    return false;
  }
}

/** A result part as the transcript shows it when its response never reached the model. */
function markNotDelivered(part: Part): Part {
  if (!part.codeExecutionResult && !part.functionResponse) return part;
  return { ...part, partMetadata: { ...part.partMetadata, [NOT_DELIVERED]: true } };
}

/** The transcript's result for a run that was stopped before it finished (no result exists to show). */
function stoppedResult(id: string, reason: unknown): Part {
  const why = reason instanceof Error ? reason.message : 'The run was stopped.';
  return { codeExecutionResult: { outcome: Outcome.OUTCOME_FAILED, output: `Stopped: ${why}`, id }, partMetadata: { cancelled: true } };
}

/** Ids and what became of them, never forgotten: bounded by count and characters, full rather than forgetful. */
class SessionIds {
  private readonly ids = new Map<string, 'used' | 'cancelled'>();
  /** Characters of the ids held. */
  chars = 0;
  constructor(
    private readonly maxIds: number,
    private readonly maxChars: number,
  ) {}
  get size(): number {
    return this.ids.size;
  }
  get(id: string): 'used' | 'cancelled' | undefined {
    return this.ids.get(id);
  }
  /** Records `id` as `state`; false (nothing recorded) when a new id would pass a bound. */
  set(id: string, state: 'used' | 'cancelled'): boolean {
    if (!this.ids.has(id)) {
      if (this.ids.size >= this.maxIds || this.chars + id.length > this.maxChars) return false;
      this.chars += id.length;
    }
    this.ids.set(id, state);
    return true;
  }
}

function isId(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= MAX_ID_CHARS;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}

/** By name: the sandbox's error classes may come from another copy of the library. */
function isDisposed(error: unknown): boolean {
  return error instanceof Error && error.name === 'SandboxDisposedError';
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
