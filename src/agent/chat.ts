/**
 * A chat whose model can run Python: `ai.chats`-shaped, with the code execution loop inside
 * each message.
 */
import type { Content, GenerateContentResponse } from '@google/genai';
import { ContentsConversation } from './contents-conversation.js';
import { checkHistory } from './history.js';
import { InteractionConversation, type InteractionsSetup, resolveInteractions } from './interactions/conversation.js';
import type { InteractionHistory } from './interactions/types.js';
import { resolveExistingFiles } from './run-python/existing-files.js';
import { type AgentSetup, resolveSetup } from './setup.js';
import type { ChatRewind, CodeExecutionChatOptions, CodeExecutionMessageParameters } from './types.js';

/**
 * Creates a chat in which the model runs Python, locally in `sandbox` (`execution: 'local'`, the
 * default) or on Gemini's servers (`execution: 'server'`). Both return the same transcript shape.
 *
 * @param options The client (`ai`), `model`, `execution`, the `sandbox` for local runs, and the
 *   optional history, config, local functions, `limits` and `onEvent`.
 * @returns A chat that owns its history; nothing is sent until {@link CodeExecutionChat.sendMessage}.
 * @throws {TypeError | RangeError} an option or a history entry is malformed (the message names it).
 *
 * @example
 * ```ts
 * const ai = new GoogleGenAI({ apiKey, apiVersion: 'v1beta' });
 * const sandbox = await PythonSandbox.create();
 * const chat = createCodeExecutionChat({ ai, model: 'gemini-flash-latest', sandbox });
 * const res = await chat.sendMessage({ message: 'What is the sum of the first 50 primes? Run code.' });
 * for (const part of res.candidates?.[0]?.content?.parts ?? []) render(part); // text, executableCode, codeExecutionResult, inlineData
 * ```
 */
export function createCodeExecutionChat(options: CodeExecutionChatOptions): CodeExecutionChat {
  const history = structuredClone(options.history ?? []);
  checkHistory(history);
  const setup = resolveSetup(options);
  const existingFiles = resolveExistingFiles(options);
  const interactions = resolveInteractions(options);
  if (interactions ? history.length > 0 : options.interactionHistory !== undefined) {
    throw new TypeError(
      interactions
        ? 'history holds generateContent turns; an api: "interactions" chat takes interactionHistory'
        : 'interactionHistory needs api: "interactions"',
    );
  }
  return new CodeExecutionChat(setup, history, existingFiles, interactions && { api: interactions, history: options.interactionHistory });
}

/**
 * A conversation with a model that runs code. Like the SDK's `Chat`: it owns its history, sends
 * one message at a time, and copies what goes in and out.
 *
 * Failure policy: a message is all or nothing. If a message fails midway (an API error, a cut
 * stream, an abort, or a stream abandoned by its reader), the history is left exactly as it was
 * before that message, so it never holds a function call without its response. (Code that ran
 * meanwhile did run: the sandbox keeps its variables and files.)
 */
export class CodeExecutionChat {
  private queue: Promise<void> = Promise.resolve();
  /** The conversation, kept as its API keeps it: `Content`s (generateContent) or steps (Interactions). */
  private readonly conversation: ContentsConversation | InteractionConversation;

  /** @internal Use {@link createCodeExecutionChat}. */
  constructor(
    setup: AgentSetup,
    history: Content[],
    files: readonly string[],
    interactions?: { api: InteractionsSetup; history: InteractionHistory | undefined },
  ) {
    // Attachment names written so far, shared with the conversation: the run_python description lists them.
    const names = [...new Set(files)];
    this.conversation = interactions
      ? new InteractionConversation(setup, interactions.api, interactions.history, names)
      : new ContentsConversation(setup, history, names);
  }

  /**
   * Sends a message and resolves when the model has answered, after running whatever code it
   * asked for. `candidates[0].content.parts` is the transcript of the whole message.
   *
   * `params.config` is merged over the chat's config (unlike the SDK, which replaces it), so
   * `{ config: { abortSignal } }` keeps the chat's settings. Aborting stops the request and any running code.
   * API errors are the SDK's `ApiError` (check `error.name === 'ApiError'` and `error.status`).
   *
   * @param params `message` (text or parts), `attachments` (files written into the sandbox and
   *   shown to the model), `config` (merged over the chat's).
   * @returns The model's answer; `candidates[0].content.parts` holds text, `executableCode`,
   *   `codeExecutionResult` and `inlineData` parts in order.
   * @throws {TypeError} an empty message or a malformed attachment (nothing is sent).
   * @throws The SDK's `ApiError` for an API failure, an `AbortError` when `config.abortSignal`
   *   fires; the history is then as it was before the message.
   */
  async sendMessage(params: CodeExecutionMessageParameters): Promise<GenerateContentResponse> {
    const release = await this.lock();
    try {
      return await this.conversation.send(params);
    } finally {
      release();
    }
  }

  /**
   * Like {@link CodeExecutionChat.sendMessage}, streamed: text deltas as the model writes them,
   * each run's executableCode part when it starts and its codeExecutionResult (and images) when it ends.
   * A failing first request rejects this promise; later failures are thrown by the iterator.
   * Live output of running code comes through `onEvent` (`output` events).
   * Read the stream to its end or leave it (`break`): the next message waits until then, and a
   * stream left early is dropped from history like a failed one.
   */
  async sendMessageStream(params: CodeExecutionMessageParameters): Promise<AsyncGenerator<GenerateContentResponse>> {
    const release = await this.lock();
    return this.conversation.openMessageStream(params, release);
  }

  /**
   * Takes message `message` (0 for the first this chat sent) and every later one out of the history, and
   * puts Python back as it was before the first cell they ran: the next message goes on from there, as if
   * they had never been sent. Python goes back only to a checkpoint its sandbox keeps (`checkpoints: true`
   * on `PythonSandbox.create`); where none is kept, the history is rewound anyway and the result says that
   * Python was not (`python: 'not-rewound'`, with why in `note`). Waits for a message in flight to end.
   *
   * @param message The index of a message sent through this chat and kept in its history (failed and empty ones are not).
   * @returns How many messages were taken out and what became of Python.
   * @throws {RangeError} no such message (messages given as `history` at creation count as none).
   * @throws {SandboxStateError} a checkpoint that is kept did not restore (a busy machine): nothing changed, so a retry may work.
   */
  async rewind(message: number): Promise<ChatRewind> {
    const release = await this.lock();
    try {
      return await this.conversation.rewind(message);
    } finally {
      release();
    }
  }

  /**
   * The API history: what is sent to the model, with raw function-call and function-response
   * turns and thought signatures. Deep copies.
   *
   * @throws {TypeError} on an `api: 'interactions'` chat, which keeps steps: use {@link CodeExecutionChat.getInteractionHistory}.
   */
  getHistory(): Content[] {
    if (!(this.conversation instanceof ContentsConversation))
      throw new TypeError('An api: "interactions" chat keeps Interactions steps, not Contents: use getInteractionHistory()');
    return this.conversation.getHistory();
  }

  /**
   * The conversation of an `api: 'interactions'` chat: every step sent and received (thoughts
   * with their signatures, calls and results), and with `store: true` the stored interaction it
   * continues from. Pass it back as `interactionHistory` to resume. Deep copies.
   *
   * @throws {TypeError} on an `api: 'generateContent'` chat: use {@link CodeExecutionChat.getHistory}.
   */
  getInteractionHistory(): InteractionHistory {
    if (!(this.conversation instanceof InteractionConversation))
      throw new TypeError('getInteractionHistory() is for api: "interactions" chats; this one keeps Contents: use getHistory()');
    return this.conversation.getHistory();
  }

  /** One message at a time; resolves with the release of the lock. */
  private async lock(): Promise<() => void> {
    const previous = this.queue;
    let release!: () => void;
    this.queue = new Promise((resolve) => {
      release = resolve;
    });
    await previous;
    return release;
  }
}
