/**
 * The host's side of `default_api` calls: one run's functions, answered for the worker's
 * `function-call` events. Everything the worker sends is checked before a handler runs: the run is
 * the current one, the name is one of its functions, the arguments are a JSON object within
 * bounds that fits the function's schema, and the run's limits (`maxFunctionCalls`) are not spent;
 * then the function's `confirm` (approval.ts) decides, and the handler waits for one of the
 * `maxConcurrentFunctionCalls` places.
 */
import { type FunctionResult, type WorkerEvent, functionAnswer } from '../../shared/protocol.js';
import type { SandboxFunction, SandboxLimits } from '../../shared/types.js';
import { untilAborted } from '../runs/abort-signals.js';
import { FUNCTION_LIMITS } from '../../shared/function-limits.js';
import { approve } from './approval.js';
import { type ArgumentsCheck, argumentsCheck } from './schema-check.js';

type FunctionCallEvent = Extract<WorkerEvent, { type: 'function-call' }>;

/** The sandbox limits that bound a run's calls. */
export type FunctionCallLimits = Pick<SandboxLimits, 'functionTimeoutMs' | 'maxFunctionCalls' | 'maxConcurrentFunctionCalls'>;

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * The answer to a `function-call`: `calls` are the functions of the run the event names (undefined:
 * that run is not the current one, or it has none), and nothing runs for a call that does not fit.
 */
export async function answerFunctionCall(calls: FunctionCalls | undefined, event: FunctionCallEvent): Promise<FunctionResult> {
  if (!calls) return { type: 'function-result', callId: event.callId, answer: functionAnswer.error('functions are called only while their run is going') };
  return calls.answer(event);
}

export class FunctionCalls {
  private readonly byName = new Map<string, SandboxFunction>();
  private readonly checks = new Map<string, Promise<ArgumentsCheck>>();
  private started = 0;
  private running = 0;
  private readonly queue: (() => void)[] = [];
  /** Aborted when the run is stopped or ends: every pending handler's signal follows it. */
  private readonly over = new AbortController();

  constructor(
    functions: readonly SandboxFunction[],
    private readonly limits: FunctionCallLimits,
  ) {
    for (const fn of functions) this.byName.set(fn.name, fn);
  }

  /** Answers one call; a refusal or a failure is an error Python raises, a stop a KeyboardInterrupt. */
  async answer(event: FunctionCallEvent): Promise<FunctionResult> {
    let answer: string;
    try {
      answer = functionAnswer.result(await this.call(event));
    } catch (error) {
      answer = this.over.signal.aborted ? functionAnswer.stopped : functionAnswer.error(messageOf(error));
    }
    return { type: 'function-result', callId: event.callId, answer };
  }

  /** The run was stopped or is over: pending handlers' signals abort, and later calls are refused. */
  stop(reason: string): void {
    if (!this.over.signal.aborted) this.over.abort(new Error(reason));
  }

  private async call(event: FunctionCallEvent): Promise<string | undefined> {
    if (event.refused) throw new Error(event.refused);
    const fn = this.byName.get(event.name);
    if (!fn) throw new Error(`there is no function "${event.name}" in this run (this run's functions: ${[...this.byName.keys()].join(', ') || 'none'})`);
    if (this.over.signal.aborted) throw new Error(messageOf(this.over.signal.reason));
    if (++this.started > this.limits.maxFunctionCalls)
      throw new Error(
        `at most ${this.limits.maxFunctionCalls} function calls per run (limits.maxFunctionCalls); call again in a later run, or fetch more per call`,
      );
    if (event.args.length > FUNCTION_LIMITS.maxArgsChars)
      throw new Error(`the arguments of ${fn.name} are over ${FUNCTION_LIMITS.maxArgsChars} characters of JSON`);
    let args: unknown;
    try {
      args = JSON.parse(event.args);
    } catch {
      throw new Error(`the arguments of ${fn.name} are not valid JSON`);
    }
    if (typeof args !== 'object' || args === null || Array.isArray(args)) throw new Error(`the arguments of ${fn.name} must be an object of named values`);
    if (fn.parameters) {
      const problems = (await this.checkOf(fn))(args);
      if (problems.length > 0) throw new TypeError(`the arguments do not fit ${fn.name}'s parameters: ${problems.join('; ')}`);
    }
    // Before taking a place: a call waiting for a person does not hold up the others.
    await approve(fn, args as Record<string, unknown>, this.over.signal);
    await this.turn();
    try {
      if (this.over.signal.aborted) throw new Error(messageOf(this.over.signal.reason));
      return await this.run(fn, args as Record<string, unknown>);
    } finally {
      this.running--;
      this.queue.shift()?.();
    }
  }

  /** `fn`'s arguments check, made on its first call. */
  private checkOf(fn: SandboxFunction): Promise<ArgumentsCheck> {
    let check = this.checks.get(fn.name);
    if (!check) {
      check = argumentsCheck(fn.parameters ?? {});
      this.checks.set(fn.name, check);
    }
    return check;
  }

  /** Waits for one of the `maxConcurrentFunctionCalls` places. */
  private async turn(): Promise<void> {
    if (this.running >= this.limits.maxConcurrentFunctionCalls) await new Promise<void>((resolve) => this.queue.push(resolve));
    this.running++;
  }

  private async run(fn: SandboxFunction, args: Record<string, unknown>): Promise<string | undefined> {
    const controller = new AbortController();
    const onOver = () => controller.abort(this.over.signal.reason);
    this.over.signal.addEventListener('abort', onOver);
    const { functionTimeoutMs } = this.limits;
    const timer = setTimeout(
      () => controller.abort(new Error(`${fn.name} did not finish within ${functionTimeoutMs} ms (limits.functionTimeoutMs)`)),
      functionTimeoutMs,
    );
    try {
      const handled = Promise.resolve().then(() => fn.handler(args, { signal: controller.signal }));
      // A handler that throws after its call timed out or was stopped is no unhandled rejection.
      handled.catch(() => undefined);
      const value = await untilAborted(handled, controller.signal);
      return toJson(fn.name, value);
    } finally {
      clearTimeout(timer);
      this.over.signal.removeEventListener('abort', onOver);
    }
  }
}

/** A handler's value as JSON text for Python (undefined: `None`). */
function toJson(name: string, value: unknown): string | undefined {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (error) {
    throw new Error(`${name} returned a value that is not JSON-serialisable: ${messageOf(error)}`);
  }
  if (text !== undefined && text.length > FUNCTION_LIMITS.maxResultChars)
    throw new Error(`${name} returned ${text.length} characters of JSON, over ${FUNCTION_LIMITS.maxResultChars}`);
  return text;
}
