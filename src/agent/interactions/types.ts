/**
 * Types of the Interactions API mode (`api: 'interactions'`), taken from the caller's SDK so that
 * `@google/genai` 2.32 and 3.x both fit. Types only.
 */
import type { GoogleGenAI, Interactions } from '@google/genai';

/** Which API the loop speaks: `generateContent` (the default) or the Interactions API. */
export type GeminiApi = 'generateContent' | 'interactions';

/**
 * What the loop needs of `ai.interactions`: `create` (JSON and streamed) and `get` (to resume a
 * cut stream). A `GoogleGenAI` instance of SDK 2.32 or 3.x satisfies it.
 */
export type InteractionsClient = Pick<GoogleGenAI['interactions'], 'create' | 'get'>;

/** A step of an interaction, as the SDK types it (`user_input`, `model_output`, `function_call`, …). */
export type InteractionStep = Interactions.Step;

/**
 * The conversation state of a chat on the Interactions API: every step sent and received, in
 * order, and (with `store: true`) the id of the last stored interaction. Resume a chat by passing
 * it back as `interactionHistory`.
 */
export interface InteractionHistory {
  /** Every step of the conversation: user input, model output, thoughts (with their signatures), calls and their results. */
  steps: InteractionStep[];
  /**
   * With `store: true`: the last interaction the server stored. The next request continues from
   * it (`previous_interaction_id`) and sends only the steps after it.
   */
  previousInteractionId?: string;
  /** With `store: true`: how many of `steps` the server holds under `previousInteractionId` (the rest are sent with the next request). */
  storedSteps?: number;
}

/** Options of the Interactions API mode, beside `api: 'interactions'`. */
export interface InteractionsModeOptions {
  /**
   * Let the server keep each interaction and continue from it by `previous_interaction_id`
   * (default false: the chat keeps the steps and sends them all on every request, and nothing is
   * retained by Google). Google does not continue stored interactions whose steps hold built-in
   * tool steps (a 501, googleapis/js-genai#1694), so server mode works best with the default.
   * A cut stream is resumed (`interactions.get(id, { stream: true, last_event_id })`) only when stored.
   */
  store?: boolean;
  /**
   * @deprecated Use `limits.streamIdleTimeoutMs` (the same meaning); this name goes in the next
   * minor version. Both at once is a TypeError.
   */
  streamIdleTimeoutMs?: number;
}
