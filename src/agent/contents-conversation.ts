/**
 * The chat's conversation on the generateContent API: the history as `Content`s, one message
 * through the code execution loop, committed only when the message ends (see `CodeExecutionChat`).
 * Its counterpart on the Interactions API is `InteractionConversation`.
 */
import type { Content, GenerateContentConfig, GenerateContentResponse } from '@google/genai';
import { attachmentPath } from './attachments.js';
import { appendUserTurn } from './history.js';
import { type LoopInput, type LoopResult, codeExecutionLoop, openStep, runCodeExecutionLoop } from './loop.js';
import { type ResponseImages, responseImages } from './response-images.js';
import { type AgentSetup, requestConfig, userTurn } from './setup.js';
import type { ChatConversation } from './chat-conversation.js';
import { MessageStart, MessageStarts } from './message-starts.js';
import type { ChatRewind, CodeExecutionMessageParameters } from './types.js';

/** The loop's input, with where the message started. */
type MessageInput = LoopInput & { start: MessageStart<Content[]> };

export class ContentsConversation implements ChatConversation {
  /** Where run images go; a refusal of images inside function responses switches it for the rest of the chat. */
  private readonly images: ResponseImages;
  private readonly starts = new MessageStarts<Content[]>();

  constructor(
    private readonly setup: AgentSetup,
    private history: Content[],
    /** The chat's attachment names (shared): the run_python description lists them. */
    private readonly files: string[],
  ) {
    this.images = responseImages(setup.images);
  }

  async send(params: CodeExecutionMessageParameters): Promise<GenerateContentResponse> {
    const input = await this.prepare(params, false);
    const result = await runCodeExecutionLoop(input);
    this.commit(result, input);
    return result.response;
  }

  async openMessageStream(params: CodeExecutionMessageParameters, release: () => void): Promise<AsyncGenerator<GenerateContentResponse>> {
    let input: MessageInput;
    try {
      input = await this.prepare(params, true);
      input.firstStream = await openStep(input, input.contents);
    } catch (error) {
      release();
      throw error;
    }
    return this.streamMessage(input, release);
  }

  async rewind(index: number): Promise<ChatRewind> {
    const { start, rewind } = await this.starts.rewind(index, this.setup.sandbox);
    this.history = start.history;
    if (rewind.python === 'rewound') this.files.splice(0, Infinity, ...start.files);
    return rewind;
  }

  /** The API history, deep-copied. */
  getHistory(): Content[] {
    return structuredClone(this.history);
  }

  private async *streamMessage(input: MessageInput, release: () => void): AsyncGenerator<GenerateContentResponse> {
    try {
      const result = yield* codeExecutionLoop(input);
      this.commit(result, input);
    } finally {
      release();
    }
  }

  private async prepare(params: CodeExecutionMessageParameters, stream: boolean): Promise<MessageInput> {
    const { setup } = this;
    const start = new MessageStart(this.history, [...this.files]);
    const turn = await userTurn(setup, params.message, params.attachments);
    for (const path of (params.attachments ?? []).map(attachmentPath)) if (!this.files.includes(path)) this.files.push(path);
    const config: GenerateContentConfig = { ...setup.config, ...params.config };
    return {
      client: setup.client,
      model: setup.model,
      config: requestConfig(setup, config, this.files),
      contents: appendUserTurn(this.history, turn),
      maxSteps: setup.maxSteps,
      stream,
      calls: { sandbox: start.sandbox(setup.sandbox), functions: setup.functions },
      images: this.images,
      emit: setup.emit,
      start,
    };
  }

  /** Keeps the message's turns, unless the model returned nothing at all (then the message is dropped, as the SDK's curated history does). */
  private commit(result: LoopResult, input: MessageInput): void {
    if (result.contents.length <= input.contents.length) return;
    this.history = result.contents;
    this.starts.add(input.start);
  }
}
