/**
 * The Interactions side of a chat and of the one-shot form: checks `api` and `store`, turns a
 * message into its `user_input` step, runs the loop and keeps the history it returns, all or
 * nothing, as the generateContent chat does.
 */
import type { Content, GenerateContentConfig, GenerateContentResponse } from '@google/genai';
import { attachmentPath } from '../attachments.js';
import { type ResponseImages, responseImages } from '../response-images.js';
import { type InteractionsLimits, readLimits } from '../agent-limits.js';
import { type AgentSetup, userTurn } from '../setup.js';
import type { ChatRewind, CodeExecutionMessageParameters } from '../types.js';
import { MessageStart, MessageStarts } from '../message-starts.js';
import { timerOption } from '../timer-option.js';
import { boundedInteractions } from './event-bytes.js';
import { DEFAULT_STREAM_IDLE_TIMEOUT_MS } from './limits.js';
import { checkInteractionHistory, userInputStep, withSteps } from './history.js';
import { type InteractionLoopInput, type InteractionLoopResult, interactionLoop, openStream, runInteractionLoop } from './interaction-loop.js';
import { interactionRequestFields } from './tools.js';
import type { ChatConversation } from '../chat-conversation.js';
import type { GeminiApi, InteractionHistory, InteractionsClient, InteractionsModeOptions } from './types.js';

/** The Interactions options, checked. */
export interface InteractionsSetup {
  client: InteractionsClient;
  store: boolean;
  streamIdleTimeoutMs: number;
}

/**
 * The Interactions setup when `options.api` is `'interactions'`, else undefined.
 *
 * @throws {TypeError} an unknown `api`, a client without `interactions`, a `store` that is not a boolean, or Interactions options without `api: 'interactions'`.
 * @throws {RangeError} a `limits.streamIdleTimeoutMs` that is not a delay `setTimeout` takes.
 */
export function resolveInteractions(
  options: { api?: GeminiApi; ai: { interactions?: InteractionsClient }; limits?: InteractionsLimits } & InteractionsModeOptions,
): InteractionsSetup | undefined {
  const api = options.api ?? 'generateContent';
  if (api !== 'generateContent' && api !== 'interactions') throw new TypeError(`api must be "generateContent" or "interactions"; got ${JSON.stringify(api)}`);
  if (api === 'generateContent') {
    for (const name of ['store', 'streamIdleTimeoutMs'] as const)
      if (options[name] !== undefined) throw new TypeError(`${name} applies to api: "interactions" only`);
    return undefined;
  }
  const client = options.ai.interactions;
  if (typeof client?.create !== 'function' || typeof client.get !== 'function')
    throw new TypeError('api "interactions" needs a client with ai.interactions (GoogleGenAI from @google/genai 2.32 or later)');
  if (options.store !== undefined && typeof options.store !== 'boolean')
    throw new TypeError(`store must be true or false; got ${JSON.stringify(options.store)}`);
  const limits = readLimits(
    'the agent loop on api: "interactions"',
    options.limits,
    ['maxSteps', 'streamIdleTimeoutMs'],
    [{ from: 'streamIdleTimeoutMs', to: 'streamIdleTimeoutMs', value: options.streamIdleTimeoutMs }],
  );
  const streamIdleTimeoutMs = timerOption('limits.streamIdleTimeoutMs', limits.streamIdleTimeoutMs, DEFAULT_STREAM_IDLE_TIMEOUT_MS);
  return { client: boundedInteractions(client), store: options.store ?? false, streamIdleTimeoutMs };
}

/** The loop's input, with where the message started. */
type MessageInput = InteractionLoopInput & { start: MessageStart<InteractionHistory> };

/** The chat's conversation on the Interactions API. */
export class InteractionConversation implements ChatConversation {
  private history: InteractionHistory;
  /** Where run images go; a refusal of images inside function results switches it for the rest of the chat. */
  private readonly images: ResponseImages;
  private readonly starts = new MessageStarts<InteractionHistory>();

  constructor(
    private readonly setup: AgentSetup,
    private readonly api: InteractionsSetup,
    history: InteractionHistory | undefined,
    /** The chat's attachment names (shared): the run_python description lists them. */
    private readonly files: string[],
  ) {
    this.history = checkInteractionHistory(history);
    this.images = responseImages(setup.images);
  }

  /** Sends a message and keeps its steps when it completes. */
  async send(params: CodeExecutionMessageParameters): Promise<GenerateContentResponse> {
    const input = await this.prepare(params, false);
    const result = await runInteractionLoop(input);
    this.commit(result, input.start);
    return result.response;
  }

  /**
   * Opens the first request's stream (a failure rejects here, as in the SDK), then streams the
   * message; `release` is called when the stream ends, fails or is left.
   */
  async openMessageStream(params: CodeExecutionMessageParameters, release: () => void): Promise<AsyncGenerator<GenerateContentResponse>> {
    let input: MessageInput;
    try {
      input = await this.prepare(params, true);
      ({ events: input.firstStream, history: input.history } = await openStream(input, input.history));
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

  /** The steps so far (a deep copy). */
  getHistory(): InteractionHistory {
    return structuredClone(this.history);
  }

  private async *streamMessage(input: MessageInput, release: () => void): AsyncGenerator<GenerateContentResponse> {
    try {
      const result: InteractionLoopResult = yield* interactionLoop(input);
      this.commit(result, input.start);
    } finally {
      release();
    }
  }

  /** Keeps the message's steps, and where it started. */
  private commit(result: InteractionLoopResult, start: MessageStart<InteractionHistory>): void {
    this.history = result.history;
    this.starts.add(start);
  }

  private async prepare(params: CodeExecutionMessageParameters, stream: boolean): Promise<MessageInput> {
    const { setup } = this;
    const start = new MessageStart(this.history, [...this.files]);
    const turn = await userTurn(setup, params.message, params.attachments);
    for (const path of (params.attachments ?? []).map(attachmentPath)) if (!this.files.includes(path)) this.files.push(path);
    const config: GenerateContentConfig = { ...setup.config, ...params.config };
    const history = withSteps(this.history, [userInputStep(turn.parts ?? [])]);
    const input = loopInput(
      { ...setup, sandbox: start.sandbox(setup.sandbox) },
      this.api,
      interactionRequestFields(setup, config, this.files),
      history,
      stream,
      this.images,
    );
    return { ...input, start };
  }
}

/**
 * The one-shot form on the Interactions API: `contents` (user and model turns of text and
 * media) become steps, then the loop runs as for a chat's first message.
 */
export async function generateOnInteractions(
  setup: AgentSetup,
  api: InteractionsSetup,
  contents: Content[],
  files: readonly string[],
): Promise<GenerateContentResponse> {
  const steps = contents.map((content) => (content.role === 'model' ? modelOutputStep(content) : userInputStep(content.parts ?? [])));
  const input = loopInput(setup, api, interactionRequestFields(setup, setup.config, files), { steps }, false, responseImages(setup.images));
  return (await runInteractionLoop(input)).response;
}

function loopInput(
  setup: AgentSetup,
  api: InteractionsSetup,
  fields: InteractionLoopInput['fields'],
  history: InteractionHistory,
  stream: boolean,
  images: ResponseImages,
): InteractionLoopInput {
  return {
    client: api.client,
    model: setup.model,
    fields,
    history,
    store: api.store,
    streamIdleTimeoutMs: api.streamIdleTimeoutMs,
    streamStop: new AbortController(),
    maxSteps: setup.maxSteps,
    stream,
    calls: { sandbox: setup.sandbox, functions: setup.functions },
    images,
    emit: setup.emit,
  };
}

/** A model turn of the caller's `contents` as a `model_output` step (its text and media). */
function modelOutputStep(content: Content): InteractionHistory['steps'][number] {
  return { type: 'model_output', content: userInputStep(content.parts ?? []).content };
}
