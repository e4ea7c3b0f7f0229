/**
 * Runs one `run_python` call in the sandbox: the events around it, and the run's result as the
 * transcript shows it. How the result goes back to the model (a `functionResponse` part, an
 * Interactions `function_result`, a Live tool response) is each loop's own business.
 */
import type { FunctionCall, Part } from '@google/genai';
import type { RunResult, SandboxFunction } from '../../shared/types.js';
import { withChartImages } from '../../sandbox/charts/run-images.js';
import type { CallEvent } from '../events.js';
import type { AgentSandbox } from '../types.js';
import { toParts } from './parts.js';

/** What a run needs of the loop that asked for it. */
export interface RunPythonContext {
  step: number;
  signal: AbortSignal | undefined;
  emit: (event: CallEvent) => void;
}

/** A finished run: its result, and its transcript parts after the code (the result, then images), paired with the call by id. */
export interface RunPythonOutcome {
  result: RunResult;
  transcript: Part[];
}

/**
 * Runs `code` for `call`, emitting `run-start`, `output` and `run-end`; `functions`: the app's
 * functions its Python may call (code mode). Throws only when the caller aborts.
 */
export async function runPythonCall(
  call: FunctionCall,
  code: string,
  sandbox: AgentSandbox,
  ctx: RunPythonContext,
  functions: readonly SandboxFunction[] = [],
): Promise<RunPythonOutcome> {
  const { step, signal } = ctx;
  ctx.emit({ type: 'run-start', step, callId: call.id, code });
  // Live chunks can be delivered after the run has resolved; those are dropped so that no
  // `output` event follows `run-end` (whose result holds the whole output anyway).
  let ended = false;
  let result = await sandbox.run(code, {
    signal,
    ...(functions.length > 0 && { functions }),
    onOutput: (chunk) => {
      if (!ended) ctx.emit({ type: 'output', step, callId: call.id, chunk });
    },
  });
  ended = true;
  // A run stopped by the caller's abort is not a result to give the model: the whole message is abandoned.
  signal?.throwIfAborted();
  // The run has ended: a page shows its result and live charts now. The model sees each chart as a
  // PNG, drawn after (Node draws it here; a page's renderer is the page's own).
  ctx.emit({ type: 'run-end', step, callId: call.id, code, result });
  result = await withChartImages(result);
  const [, resultPart, ...imageParts] = toParts(code, result);
  return { result, transcript: [withCallId(resultPart, call.id), ...imageParts] };
}

/** Pairs an executableCode / codeExecutionResult part with its call, as Gemini pairs them by id. */
export function withCallId(part: Part, id: string | undefined): Part {
  if (id === undefined) return part;
  if (part.executableCode) part.executableCode.id = id;
  if (part.codeExecutionResult) part.codeExecutionResult.id = id;
  return part;
}
