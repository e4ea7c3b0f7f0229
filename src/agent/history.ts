/**
 * The API history of a conversation: plain `Content`s, model turns stored verbatim (thought
 * signatures included), every function-call turn followed by its function-response turn.
 */
import type { Content } from '@google/genai';

/**
 * Appends a user turn. If the history already ends with a user turn (function responses left by
 * a step limit, or a message the model never answered), the parts join that turn, so roles
 * keep alternating as the API expects. Never mutates `history` or its contents.
 */
export function appendUserTurn(history: readonly Content[], content: Content): Content[] {
  const last = history.at(-1);
  if (last?.role === 'user') return [...history.slice(0, -1), { role: 'user', parts: [...(last.parts ?? []), ...(content.parts ?? [])] }];
  return [...history, content];
}

/** Checks history handed in by the caller: every turn is a `user` or `model` turn with parts. */
export function checkHistory(history: readonly Content[]): void {
  for (const [index, content] of history.entries()) {
    if (content?.role !== 'user' && content?.role !== 'model')
      throw new TypeError(`history[${index}].role must be "user" or "model"; got ${JSON.stringify(content?.role)}`);
    if (!Array.isArray(content.parts)) throw new TypeError(`history[${index}].parts must be an array of parts`);
  }
}
