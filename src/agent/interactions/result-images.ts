/**
 * Where a run's images go on the Interactions API: image blocks of its `function_result` step
 * (inside), or one `user_input` step of image blocks right after the response's results (after).
 * With `images: 'auto'` a request the API refuses with 400 while results carry images is sent
 * once more with them moved after, as the generateContent chat does (response-images.ts). Images
 * inside a `function_result` are documented for Gemini 3; no recording shows what an older
 * model answers, so any 400 of a request carrying them counts as the refusal (a 400 for another
 * cause comes back from the second request too, and is thrown).
 */
import type { Interactions, Part } from '@google/genai';
import type { ResponseImages } from '../response-images.js';
import { requestInput, userInputStep } from './history.js';
import type { InteractionHistory, InteractionStep } from './types.js';

/** The steps answering one model response: its results, then (images after) one `user_input` step with their images. */
export function answerSteps(results: readonly InteractionStep[], followUp: readonly Part[]): InteractionStep[] {
  return followUp.length > 0 ? [...results, userInputStep(followUp)] : [...results];
}

/**
 * Sends a create request for `history`. If the API refuses it with 400 while the steps it sends
 * hold images inside function results, and `images` may fall back, sends once more with those
 * images moved after the results and switches `images` to that shape. Returns the response and
 * the history that was sent (the one to keep).
 */
export async function sendWithResultImageFallback<T>(
  history: InteractionHistory,
  store: boolean,
  images: ResponseImages,
  send: (history: InteractionHistory) => Promise<T>,
): Promise<{ value: T; history: InteractionHistory }> {
  try {
    return { value: await send(history), history };
  } catch (error) {
    if (!images.canFallBack || (error as { status?: unknown } | null)?.status !== 400) throw error;
    const moved = moveResultImagesOut(history, store);
    if (moved === history) throw error;
    const value = await send(moved);
    images.inside = false;
    return { value, history: moved };
  }
}

/**
 * `history` with the images of the function results a request sends (all steps, or with `store`
 * those after the stored ones) moved into a `user_input` step after each run of results; the same
 * object when there are none. Stored steps stay as they are: the server holds them so.
 */
export function moveResultImagesOut(history: InteractionHistory, store: boolean): InteractionHistory {
  const from = history.steps.length - requestInput(history, store).input.length;
  const steps = history.steps.slice(0, from);
  let moved: Interactions.Content[] = [];
  let any = false;
  const flush = () => {
    if (moved.length > 0) steps.push({ type: 'user_input', content: moved });
    moved = [];
  };
  for (const step of history.steps.slice(from)) {
    if (step.type !== 'function_result') {
      flush();
      steps.push(step);
      continue;
    }
    const blocks = Array.isArray(step.result) ? step.result : [];
    const kept = blocks.filter((block) => block.type !== 'image');
    if (kept.length === blocks.length) {
      steps.push(step);
      continue;
    }
    any = true;
    moved.push(...blocks.filter((block) => block.type === 'image'));
    steps.push({ ...step, result: kept });
  }
  flush();
  return any ? { ...history, steps } : history;
}
