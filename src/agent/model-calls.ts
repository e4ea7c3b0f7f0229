/**
 * Answers the model's function calls: `run_python` runs in the sandbox, user functions run their
 * handler, and anything unusable (unknown name, bad arguments) gets an error response the model
 * can correct. Never throws for the model's mistakes; throws only when the caller aborts.
 */
import {
  type FunctionCall,
  type FunctionResponsePart,
  Language,
  type Part,
  createFunctionResponsePartFromBase64,
  createPartFromBase64,
  createPartFromExecutableCode,
  createPartFromFunctionResponse,
} from '@google/genai';
import { calledByModel, sandboxFunctions } from './run-python/code-functions.js';
import { runPythonCall, withCallId } from './run-python/executor.js';
import type { RunResult } from '../shared/types.js';
import { runImages } from '../sandbox/charts/run-images.js';
import type { CallEvent } from './events.js';
import { RUN_PYTHON, parseRunPythonArgs, runResultResponse } from './run-python/tool.js';
import type { AgentSandbox, LocalFunction } from './types.js';

/** The error a call beyond the most calls at once (`max`) is answered with. */
export function tooManyCalls(max: number): string {
  return `Too many calls at once: at most ${max} may wait or run, so this call was not run. Call it again once the earlier calls are answered.`;
}

export interface CallContext {
  /** Unset in server mode, where `run_python` is not declared. */
  sandbox: AgentSandbox | undefined;
  functions: ReadonlyMap<string, LocalFunction>;
  /** Images inside `functionResponse.parts` rather than after the responses, as `followUp` (see images-option.ts). */
  imagesInside: boolean;
  signal: AbortSignal | undefined;
  step: number;
  emit: (event: CallEvent) => void;
}

/** What one call turned into. */
export interface CallOutcome {
  /** The `functionResponse` part for the history (id copied from the call). */
  response: Part;
  /** Parts that follow all responses in the user turn (images, for models without multimodal function responses). */
  followUp: Part[];
  /** Transcript parts that come after {@link PlannedCall.announce}: the run's result and images, or the function response. */
  transcript: Part[];
}

/** A call checked and ready to execute. `announce` is shown before it runs (the code, or the call). */
export interface PlannedCall {
  announce: Part;
  execute(): Promise<CallOutcome>;
}

/** Checks a call and says how it will be answered. */
export function planCall(call: FunctionCall, ctx: CallContext): PlannedCall {
  const name = call.name ?? '';
  if (name === RUN_PYTHON && ctx.sandbox) {
    const parsed = parseRunPythonArgs(call.args);
    if (parsed.ok) {
      const sandbox = ctx.sandbox;
      return {
        announce: withCallId(createPartFromExecutableCode(parsed.code, Language.PYTHON), call.id),
        execute: () => runPython(call, parsed.code, sandbox, ctx),
      };
    }
    return answerWith(call, { error: parsed.error }, true, ctx);
  }
  const fn = ctx.functions.get(name);
  if (fn && calledByModel(fn)) return { announce: callPart(call), execute: () => callFunction(call, fn, ctx) };
  const known = [...(ctx.sandbox ? [RUN_PYTHON] : []), ...[...ctx.functions.values()].filter(calledByModel).map((f) => f.declaration.name)];
  const available = known.length > 0 ? `Available functions: ${known.join(', ')}.` : 'No functions are available.';
  return answerWith(call, { error: `Unknown function "${name}". ${available}` }, true, ctx);
}

/** A call answered with an error the model can act on (`{ error: message }`), in the same shape as every other response. */
export function planError(call: FunctionCall, message: string, ctx: CallContext): PlannedCall {
  return answerWith(call, { error: message }, true, ctx);
}

async function runPython(call: FunctionCall, code: string, sandbox: AgentSandbox, ctx: CallContext): Promise<CallOutcome> {
  const functions = sandboxFunctions(ctx.functions, { step: ctx.step, callId: call.id, signal: ctx.signal, emit: ctx.emit });
  const { result, transcript } = await runPythonCall(call, code, sandbox, ctx, functions);
  return {
    response: functionResponsePart(call, runResultResponse(result), ctx.imagesInside ? responseImages(result) : []),
    followUp: ctx.imagesInside ? [] : runImages(result).map((image) => createPartFromBase64(image.data, image.mimeType)),
    transcript,
  };
}

async function callFunction(call: FunctionCall, fn: LocalFunction, ctx: CallContext): Promise<CallOutcome> {
  let response: Record<string, unknown>;
  let isError = false;
  try {
    response = { output: await fn.handler(call.args ?? {}, { call, signal: ctx.signal, from: 'model' }) };
  } catch (error) {
    ctx.signal?.throwIfAborted();
    response = { error: errorMessage(error) };
    isError = true;
  }
  ctx.signal?.throwIfAborted();
  return respond(call, response, isError, ctx);
}

function answerWith(call: FunctionCall, response: Record<string, unknown>, isError: boolean, ctx: CallContext): PlannedCall {
  return { announce: callPart(call), execute: async () => respond(call, response, isError, ctx) };
}

function respond(call: FunctionCall, response: Record<string, unknown>, isError: boolean, ctx: CallContext): CallOutcome {
  ctx.emit({ type: 'function-response', step: ctx.step, call, response, isError });
  const part = functionResponsePart(call, response, []);
  return { response: part, followUp: [], transcript: [structuredClone(part)] };
}

function functionResponsePart(call: FunctionCall, response: Record<string, unknown>, parts: FunctionResponsePart[]): Part {
  const part = createPartFromFunctionResponse(call.id ?? '', call.name ?? '', response, parts);
  // Older models send calls without ids; an empty id would not match, so leave it out.
  if (call.id === undefined && part.functionResponse) delete part.functionResponse.id;
  return part;
}

function responseImages(result: RunResult): FunctionResponsePart[] {
  return runImages(result).map((image) => createFunctionResponsePartFromBase64(image.data, image.mimeType));
}

/** The call as the transcript shows it (no thought signature: that belongs to the history only). */
function callPart(call: FunctionCall): Part {
  return { functionCall: structuredClone(call) };
}

function errorMessage(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}
