/**
 * The steps an Interactions chat keeps, and what each request sends of them. With `store: false`
 * (the default) every request carries every step, thoughts with their signatures (even `""`),
 * calls and results, exactly as received; with `store: true` it continues from the last stored
 * interaction and carries only the steps the server does not hold yet.
 */
import type { Interactions, Part } from '@google/genai';
import type { InteractionHistory, InteractionStep } from './types.js';

/** What a request sends of the history. */
export function requestInput(history: InteractionHistory, store: boolean): { input: InteractionStep[]; previous_interaction_id?: string } {
  const stored = store && history.previousInteractionId ? Math.min(history.storedSteps ?? 0, history.steps.length) : 0;
  if (stored === 0) return { input: history.steps };
  return { input: history.steps.slice(stored), previous_interaction_id: history.previousInteractionId };
}

/** A copy of `history` with the model's steps of one response kept, and the id it is stored under. */
export function withModelSteps(history: InteractionHistory, steps: readonly InteractionStep[], storedAs: string | undefined): InteractionHistory {
  const kept = [...history.steps, ...answerableSteps(history.steps, steps)];
  if (!storedAs) return { ...history, steps: kept };
  return { steps: kept, previousInteractionId: storedAs, storedSteps: kept.length };
}

/** A copy of `history` with steps of ours (function results, user input) added. */
export function withSteps(history: InteractionHistory, steps: readonly InteractionStep[]): InteractionHistory {
  return { ...history, steps: [...history.steps, ...steps] };
}

/**
 * The model's steps that can go back to the API: a result step whose `call_id` answers no call of
 * the conversation would make every later request fail, so it is not kept.
 */
function answerableSteps(before: readonly InteractionStep[], steps: readonly InteractionStep[]): InteractionStep[] {
  const calls = new Set<string>();
  for (const step of [...before, ...steps]) if (isCall(step) && typeof step.id === 'string') calls.add(step.id);
  return steps.filter((step) => !isResult(step) || calls.has(step.call_id));
}

function isCall(step: InteractionStep): step is InteractionStep & { id: string } {
  return step.type.endsWith('_call');
}

function isResult(step: InteractionStep): step is InteractionStep & { call_id: string } {
  return step.type.endsWith('_result');
}

/**
 * Checks a history handed in by the caller (`interactionHistory`) and copies it.
 *
 * @throws {TypeError} a step that is not an object with a `type`, or a `storedSteps` out of range.
 */
export function checkInteractionHistory(history: InteractionHistory | undefined): InteractionHistory {
  if (history === undefined) return { steps: [] };
  if (!history || !Array.isArray(history.steps)) throw new TypeError('interactionHistory.steps must be an array of steps (from getInteractionHistory())');
  for (const [index, step] of history.steps.entries()) {
    if (typeof step !== 'object' || step === null || typeof step.type !== 'string')
      throw new TypeError(`interactionHistory.steps[${index}] must be a step with a type`);
  }
  const { storedSteps, previousInteractionId } = history;
  if (previousInteractionId !== undefined && (typeof previousInteractionId !== 'string' || previousInteractionId === ''))
    throw new TypeError('interactionHistory.previousInteractionId must be a non-empty string');
  if (storedSteps !== undefined && (!Number.isInteger(storedSteps) || storedSteps < 0 || storedSteps > history.steps.length)) {
    throw new RangeError(`interactionHistory.storedSteps must be a whole number from 0 to the number of steps; got ${String(storedSteps)}`);
  }
  return structuredClone(history);
}

/** MIME types sent as each kind of Interactions content block; anything else is a document. */
const BLOCK_BY_MIME: Array<[RegExp, 'image' | 'audio' | 'video']> = [
  [/^image\//, 'image'],
  [/^audio\//, 'audio'],
  [/^video\//, 'video'],
];

/**
 * The `user_input` step for a user turn's parts (the message and its attachments, as the
 * generateContent loop builds them): text as text blocks, inline data and file URIs as media blocks.
 *
 * @throws {TypeError} a part with no Interactions counterpart (a function call or response in a message).
 */
export function userInputStep(parts: readonly Part[]): Interactions.UserInputStep {
  const content = parts.map((part, index): Interactions.Content => {
    if (typeof part.text === 'string') return { type: 'text', text: part.text };
    const media = part.inlineData ?? part.fileData;
    if (media) {
      const mimeType = media.mimeType ?? '';
      const type = BLOCK_BY_MIME.find(([pattern]) => pattern.test(mimeType))?.[1] ?? 'document';
      const source = part.inlineData ? { data: part.inlineData.data } : { uri: part.fileData!.fileUri };
      return { type, ...source, ...(mimeType && { mime_type: mimeType }) } as Interactions.Content;
    }
    throw new TypeError(`message part ${index} has no Interactions API counterpart (only text, inlineData and fileData are sent)`);
  });
  return { type: 'user_input', content };
}
