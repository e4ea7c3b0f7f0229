/**
 * The model's `function_call` steps as the executor's `FunctionCall`s, and each answer as the
 * `function_result` step that goes back: the response object as JSON text, then the run's images
 * as image blocks when they go inside (result-images.ts).
 */
import type { FunctionCall, Interactions } from '@google/genai';
import type { CallOutcome } from '../model-calls.js';
import { isObject } from '../../common/json-object.js';
import { InteractionError } from './errors.js';
import type { InteractionStep } from './types.js';

/**
 * The `function_call` steps of a model response that are ours to answer: those no later
 * `function_result` of the same response answers (a server-run tool's call comes with its result).
 *
 * @throws {InteractionError} (protocol) a call without an id, or two calls with one id: no result could be matched to them.
 */
export function openFunctionCalls(steps: readonly InteractionStep[], interactionId?: string): Interactions.FunctionCallStep[] {
  const open = new Map<string, Interactions.FunctionCallStep>();
  for (const step of steps) {
    if (step.type === 'function_call') {
      if (typeof step.id !== 'string' || step.id === '')
        throw new InteractionError(
          'protocol',
          `The model called ${JSON.stringify(String(step.name).slice(0, 64))} without a call id, so no result could answer it.`,
          { interactionId },
        );
      if (open.has(step.id))
        throw new InteractionError('protocol', `The model sent two calls with the id ${JSON.stringify(step.id.slice(0, 64))}.`, { interactionId });
      open.set(step.id, step);
    } else if (step.type === 'function_result') {
      open.delete(step.call_id);
    }
  }
  return [...open.values()];
}

/** A call step as the executor takes it; arguments that are not an object reach it as none, so the model is told to fix them. */
export function asFunctionCall(step: Interactions.FunctionCallStep): FunctionCall {
  const args = step.arguments;
  return { id: step.id, name: typeof step.name === 'string' ? step.name : '', ...(isObject(args) && { args }) };
}

/** The `function_result` step answering `call`: the executor's response object as JSON text, then its images as image blocks. */
export function functionResultStep(call: Interactions.FunctionCallStep, outcome: CallOutcome): Interactions.FunctionResultStep {
  const response = outcome.response.functionResponse;
  const images = (response?.parts ?? []).flatMap((part): Interactions.ImageContent[] =>
    part.inlineData?.data ? [{ type: 'image', data: part.inlineData.data, ...(part.inlineData.mimeType && { mime_type: part.inlineData.mimeType }) }] : [],
  );
  return {
    type: 'function_result',
    call_id: call.id,
    name: call.name,
    result: [{ type: 'text', text: JSON.stringify(response?.response ?? {}) }, ...images],
  };
}
