/**
 * The step loop shared by the chat and the one-shot form: send → answer the model's calls →
 * send the responses → … until the model answers without calls or the step limit is reached.
 *
 * It yields transcript chunks as they become available and returns the new API history and the
 * whole message's response. It never touches the caller's history: whoever runs it commits the
 * returned contents only when it completes, which is how a failure leaves history as it was.
 */
import type { Content, GenerateContentConfig, GenerateContentResponse, GenerateContentResponseUsageMetadata, Part } from '@google/genai';
import { type CallContext, type CallOutcome, planCall } from './model-calls.js';
import type { CodeExecutionEvent } from './events.js';
import { explainModelNotFound } from './model-name.js';
import { type ResponseImages, sendWithImageFallback } from './response-images.js';
import { openCalls, rejectStreamedArguments } from './server-side-calls.js';
import { mergeStreamedResponses } from './stream-merge.js';
import { maxStepsFinish, transcriptChunk, transcriptResponse } from './transcript.js';
import type { GenAIClient } from './types.js';
import { addUsage } from './usage.js';

export interface LoopInput {
  client: GenAIClient;
  model: string;
  /** The request config with our tools already added; `abortSignal` stops requests and runs. */
  config: GenerateContentConfig;
  /** The history plus the new user turn. */
  contents: Content[];
  maxSteps: number;
  stream: boolean;
  /** How calls are answered (sandbox, user functions); `step` is filled in per step. */
  calls: Omit<CallContext, 'step' | 'emit' | 'signal' | 'imagesInside'>;
  /**
   * Where run images go (the chat's, shared by its messages): a request refused for its
   * function-response parts is re-sent once in the fallback shape, which `contents` then keeps.
   */
  images: ResponseImages;
  emit: (event: CodeExecutionEvent) => void;
  /**
   * The first step's stream, opened by the caller, so that a failing first request rejects
   * `sendMessageStream` itself, as in the SDK.
   */
  firstStream?: AsyncGenerator<GenerateContentResponse>;
}

export interface LoopResult {
  /** `input.contents` followed by every model turn and function-response turn of this message. */
  contents: Content[];
  /** The transcript of the whole message with summed usage. */
  response: GenerateContentResponse;
}

export async function* codeExecutionLoop(input: LoopInput): AsyncGenerator<GenerateContentResponse, LoopResult, undefined> {
  const { client, model, config, maxSteps, stream, emit } = input;
  const signal = config.abortSignal;
  const contents = [...input.contents];
  const transcript: Part[] = [];
  let usage: GenerateContentResponseUsageMetadata | undefined;
  let last: GenerateContentResponse | undefined;

  for (let step = 1; ; step++) {
    signal?.throwIfAborted();
    emit({ type: 'step-start', step });
    const source = step === 1 ? input.firstStream : undefined;
    const streamed = stream ? yield* streamStep(input, contents, usage, transcript, source) : undefined;
    const response = streamed?.response ?? (await request(input, contents, () => client.models.generateContent({ model, contents, config })));
    signal?.throwIfAborted();
    last = response;
    usage = addUsage(usage, response.usageMetadata);

    const content = response.candidates?.[0]?.content;
    const parts = content?.parts ?? [];
    rejectStreamedArguments(parts);
    // What is left to show, and the calls that are ours to answer: calls the server answered in
    // this same turn (server-side tools) are not. Streaming showed the rest already.
    const shown = streamed?.held ?? parts;
    const ours = streamed?.open ?? openCalls(parts);
    const calls = shown.flatMap((part) => (ours.has(part) ? [part.functionCall!] : []));
    // The model's turn goes into history verbatim: thought signatures must come back unchanged.
    if (content && parts.length > 0) contents.push(content.role ? content : { ...content, role: 'model' });
    emit({
      type: 'step',
      step,
      content: structuredClone(content ?? { role: 'model', parts: [] }),
      functionCalls: structuredClone(calls),
      usageMetadata: response.usageMetadata,
    });

    const outcomes = yield* answerCalls(shown, ours, { ...input.calls, imagesInside: input.images.inside, step, emit, signal }, transcript);
    if (calls.length === 0) return { contents, response: transcriptResponse(transcript, last, usage) };
    contents.push(functionResponseTurn(outcomes));

    if (step >= maxSteps) {
      emit({ type: 'max-steps', maxSteps });
      const { part, ...finish } = maxStepsFinish(maxSteps);
      transcript.push(part);
      yield transcriptChunk([part], { ...finish, usageMetadata: usage });
      return { contents, response: transcriptResponse(transcript, last, usage, finish) };
    }
  }
}

/**
 * Opens one streamed model request for `contents` (the chat opens the first itself, so that a
 * failing first request rejects `sendMessageStream`).
 */
export function openStep(
  input: Pick<LoopInput, 'client' | 'model' | 'config' | 'images'>,
  contents: Content[],
): Promise<AsyncGenerator<GenerateContentResponse>> {
  return request(input, contents, () => input.client.models.generateContentStream({ model: input.model, contents, config: input.config }));
}

/**
 * One model request: a refusal of function-response parts rewrites `contents` in place and sends
 * again (see {@link sendWithImageFallback}); a model the API does not serve gets an error that says
 * what to do (see {@link explainModelNotFound}).
 */
async function request<T>(input: Pick<LoopInput, 'model' | 'images'>, contents: Content[], send: () => Promise<T>): Promise<T> {
  try {
    return await sendWithImageFallback(contents, input.images, send);
  } catch (error) {
    throw explainModelNotFound(error, input.model);
  }
}

/** Runs the loop without streaming and resolves with its result. */
export async function runCodeExecutionLoop(input: Omit<LoopInput, 'stream' | 'firstStream'>): Promise<LoopResult> {
  const loop = codeExecutionLoop({ ...input, stream: false });
  let next = await loop.next();
  while (!next.done) next = await loop.next();
  return next.value;
}

/**
 * One streamed model request: yields the model's parts as they arrive, up to the first call that
 * is still open (a call is open until a response of the same turn answers it: the server's own
 * tools), and returns the whole response, its chunks merged, with the parts held back from the
 * first open call on and the calls still open at the end. `usage` is that of the earlier steps:
 * chunks carry the running total of the whole message.
 */
async function* streamStep(
  input: LoopInput,
  contents: Content[],
  usage: GenerateContentResponseUsageMetadata | undefined,
  transcript: Part[],
  opened: AsyncGenerator<GenerateContentResponse> | undefined,
): AsyncGenerator<GenerateContentResponse, { response: GenerateContentResponse; held: Part[]; open: Set<Part> }, undefined> {
  const source = opened ?? (await openStep(input, contents));
  const chunks: GenerateContentResponse[] = [];
  const turn: Part[] = [];
  let open = new Set<Part>();
  let released = 0;
  for await (const chunk of source) {
    chunks.push(chunk);
    const candidate = chunk.candidates?.[0];
    turn.push(...(candidate?.content?.parts ?? []));
    open = openCalls(turn);
    const firstOpen = turn.findIndex((part) => open.has(part));
    const until = firstOpen < 0 ? turn.length : firstOpen;
    const visible = turn.slice(released, until);
    released = until;
    // A step with calls still open is not the end of the message: its finishReason is not passed on.
    const finishReason = open.size > 0 ? undefined : candidate?.finishReason;
    if (visible.length === 0 && !finishReason) continue;
    transcript.push(...visible);
    yield transcriptChunk(visible, { usageMetadata: addUsage(usage, chunk.usageMetadata), finishReason, finishMessage: candidate?.finishMessage, from: chunk });
  }
  return { response: mergeStreamedResponses(chunks), held: turn.slice(released), open };
}

/**
 * Answers the function calls among `parts` in order (they share the sandbox's state), yielding
 * each call's announcement before it runs and its transcript parts after; other parts are yielded
 * where they stand.
 */
async function* answerCalls(
  parts: Part[],
  ours: Set<Part>,
  ctx: CallContext,
  transcript: Part[],
): AsyncGenerator<GenerateContentResponse, CallOutcome[], undefined> {
  const outcomes: CallOutcome[] = [];
  const show = (shown: Part[]) => {
    transcript.push(...shown);
    return transcriptChunk(shown);
  };
  for (const part of parts) {
    if (!part.functionCall || !ours.has(part)) {
      // A copy: the history holds the original, and the caller may change what it is given.
      yield show([structuredClone(part)]);
      continue;
    }
    const planned = planCall(part.functionCall, ctx);
    yield show([planned.announce]);
    const outcome = await planned.execute();
    outcomes.push(outcome);
    yield show(outcome.transcript);
  }
  return outcomes;
}

/** The user turn answering a model turn: every response in call order, then any follow-up parts (images for older models). */
function functionResponseTurn(outcomes: CallOutcome[]): Content {
  return { role: 'user', parts: [...outcomes.map((outcome) => outcome.response), ...outcomes.flatMap((outcome) => outcome.followUp)] };
}
