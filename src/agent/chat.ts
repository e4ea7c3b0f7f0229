/**
 * A chat whose model can run Python: `ai.chats`-shaped, with the code execution loop inside
 * each message.
 */
import type { Content, GenerateContentConfig, GenerateContentResponse } from '@google/genai';
import { appendUserTurn, checkHistory } from './history.js';
import { InteractionConversation, type InteractionsSetup, resolveInteractions } from './interactions/conversation.js';
import type { InteractionHistory } from './interactions/types.js';
import { type LoopInput, type LoopResult, codeExecutionLoop, openStep, runCodeExecutionLoop } from './loop.js';
import { type ResponseImages, responseImages } from './response-images.js';
import { type AgentSetup, requestConfig, resolveSetup, userTurn } from './setup.js';
import type { CodeExecutionChatOptions, CodeExecutionMessageParameters } from './types.js';

/**
 * Creates a chat in which the model runs Python, locally in `sandbox` (`execution: 'local'`, the
 * default) or on Gemini's servers (`execution: 'server'`). Both return the same transcript shape.
 *
 * @param options The client (`ai`), `model`, `execution`, the `sandbox` for local runs, and the
 *   optional history, config, local functions, `maxSteps` and `onEvent`.
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
  const interactions = resolveInteractions(options);
  if (interactions ? history.length > 0 : options.interactionHistory !== undefined) {
    throw new TypeError(
      interactions
        ? 'history holds generateContent turns; an api: "interactions" chat takes interactionHistory'
        : 'interactionHistory needs api: "interactions"',
    );
  }
  return new CodeExecutionChat(setup, history, options.files ?? [], interactions && { api: interactions, history: options.interactionHistory });
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
  private history: Content[];
  /** Attachment names written so far: the run_python description lists them. */
  private readonly files: string[];
  private queue: Promise<void> = Promise.resolve();
  /** Where run images go; a refusal of images inside function responses switches it for the rest of the chat. */
  private readonly images: ResponseImages;
  /** Set for `api: 'interactions'`: the conversation is kept there, as steps. */
  private readonly interactions: InteractionConversation | undefined;

  /** @internal Use {@link createCodeExecutionChat}. */
  constructor(
    private readonly setup: AgentSetup,
    history: Content[],
    files: readonly string[],
    interactions?: { api: InteractionsSetup; history: InteractionHistory | undefined },
  ) {
    this.history = history;
    this.files = [...new Set(files)];
    this.images = responseImages(setup.multimodalFunctionResponse);
    this.interactions = interactions && new InteractionConversation(setup, interactions.api, interactions.history, this.files);
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
      if (this.interactions) return await this.interactions.send(params);
      const input = await this.prepare(params, false);
      const result = await runCodeExecutionLoop(input);
      this.commit(result, input.contents.length);
      return result.response;
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
    if (this.interactions) return this.interactions.openMessageStream(params, release);
    let input: LoopInput;
    try {
      input = await this.prepare(params, true);
      input.firstStream = await openStep(input, input.contents);
    } catch (error) {
      release();
      throw error;
    }
    return this.streamMessage(input, release);
  }

  /**
   * The API history: what is sent to the model, with raw function-call and function-response
   * turns and thought signatures. Deep copies.
   *
   * @throws {TypeError} on an `api: 'interactions'` chat, which keeps steps: use {@link CodeExecutionChat.getInteractionHistory}.
   */
  getHistory(): Content[] {
    if (this.interactions) throw new TypeError('An api: "interactions" chat keeps Interactions steps, not Contents: use getInteractionHistory()');
    return structuredClone(this.history);
  }

  /**
   * The conversation of an `api: 'interactions'` chat: every step sent and received (thoughts
   * with their signatures, calls and results), and with `store: true` the stored interaction it
   * continues from. Pass it back as `interactionHistory` to resume. Deep copies.
   *
   * @throws {TypeError} on an `api: 'generateContent'` chat: use {@link CodeExecutionChat.getHistory}.
   */
  getInteractionHistory(): InteractionHistory {
    if (!this.interactions) throw new TypeError('getInteractionHistory() is for api: "interactions" chats; this one keeps Contents: use getHistory()');
    return this.interactions.getHistory();
  }

  private async *streamMessage(input: LoopInput, release: () => void): AsyncGenerator<GenerateContentResponse> {
    try {
      const result = yield* codeExecutionLoop(input);
      this.commit(result, input.contents.length);
    } finally {
      release();
    }
  }

  private async prepare(params: CodeExecutionMessageParameters, stream: boolean): Promise<LoopInput> {
    const { setup } = this;
    const turn = await userTurn(setup, params.message, params.attachments);
    for (const attachment of params.attachments ?? []) if (!this.files.includes(attachment.name)) this.files.push(attachment.name);
    const config: GenerateContentConfig = { ...setup.config, ...params.config };
    return {
      client: setup.client,
      model: setup.model,
      config: requestConfig(setup, config, this.files),
      contents: appendUserTurn(this.history, turn),
      maxSteps: setup.maxSteps,
      stream,
      calls: { sandbox: setup.sandbox, functions: setup.functions },
      images: this.images,
      emit: setup.emit,
    };
  }

  /** Keeps the message's turns, unless the model returned nothing at all (then the message is dropped, as the SDK's curated history does). */
  private commit(result: LoopResult, sentLength: number): void {
    if (result.contents.length > sentLength) this.history = result.contents;
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
