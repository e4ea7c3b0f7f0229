/**
 * What `CodeExecutionChat` asks of the conversation behind it, whichever API keeps it:
 * `ContentsConversation` (generateContent) or `InteractionConversation` (Interactions).
 */
import type { GenerateContentResponse } from '@google/genai';
import type { ChatRewind, CodeExecutionMessageParameters } from './types.js';

/** One API's side of the chat: what `CodeExecutionChat` asks of either conversation. */
export interface ChatConversation {
  /** Sends a message and resolves with the model's answer; the history changes only if it succeeds. */
  send(params: CodeExecutionMessageParameters): Promise<GenerateContentResponse>;
  /** Opens a streamed message; `release` is called once it has ended, however it ends. */
  openMessageStream(params: CodeExecutionMessageParameters, release: () => void): Promise<AsyncGenerator<GenerateContentResponse>>;
  /** Takes message `index` and later ones out of the history, and Python back to before their first cell (see `CodeExecutionChat.rewind`). */
  rewind(index: number): Promise<ChatRewind>;
}
