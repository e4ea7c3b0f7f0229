/**
 * The step loop on the Interactions API: create an interaction → answer its `function_call`
 * steps from the sandbox (or the caller's functions) → send the `function_result` steps → … until
 * the model answers without calls or the step limit is reached. The same events and transcript
 * as the generateContent loop (`loop.ts`), through the same executor.
 *
 * Like that loop it never touches the caller's history: it returns the new history, and whoever
 * runs it commits that only when the message completes.
 */
import { FinishReason, type FunctionCall, GenerateContentResponse, type GenerateContentResponseUsageMetadata, type Part } from '@google/genai';
import type { CodeExecutionEvent } from '../events.js';
import { DEFAULT_MAX_PENDING_CALLS } from '../agent-limits.js';
import { type CallContext, planCall, planError, tooManyCalls } from '../model-calls.js';
import { maxStepsFinish, transcriptChunk, transcriptResponse } from '../transcript.js';
import { anySignal } from '../../sandbox/runs/abort-signals.js';
import { addUsage } from '../usage.js';
import { asFunctionCall, functionResultStep, openFunctionCalls } from './calls.js';
import { answerSteps, sendWithResultImageFallback } from './result-images.js';
import type { ResponseImages } from '../response-images.js';
import { InteractionError, explainCreateError, quoted } from './errors.js';
import { withModelSteps, withSteps, requestInput } from './history.js';
import { ResponseBudget } from './limits.js';
import { type ReadInteraction, readInteractionStream } from './stream-reader.js';
import { stepParts, usageMetadata } from './steps-to-parts.js';
import type { InteractionRequestFields } from './tools.js';
import type { InteractionHistory, InteractionStep, InteractionsClient } from './types.js';

export interface InteractionLoopInput {
  client: InteractionsClient;
  model: string;
  fields: InteractionRequestFields;
  /** The history with the message's `user_input` step at its end. */
  history: InteractionHistory;
  store: boolean;
  /** How long a stream may send no whole event (see `limits.streamIdleTimeoutMs`). */
  streamIdleTimeoutMs: number;
  /** Closes the message's requests when a stream went quiet for that long (which ends the message). */
  streamStop: AbortController;
  maxSteps: number;
  stream: boolean;
  /** How calls are answered (sandbox, user functions); `step` is filled in per step. */
  calls: Omit<CallContext, 'step' | 'emit' | 'signal' | 'imagesInside'>;
  /** Where run images go (shared by a chat's messages: a fallback holds for the rest of the chat). */
  images: ResponseImages;
  emit: (event: CodeExecutionEvent) => void;
  /** The first step's stream, opened by the caller so that a failing first request rejects `sendMessageStream` itself. */
  firstStream?: AsyncIterable<unknown>;
}

export interface InteractionLoopResult {
  history: InteractionHistory;
  /** The transcript of the whole message with summed usage. */
  response: GenerateContentResponse;
}

/** Statuses that end a response the loop can go on from. */
const ANSWERED = new Set(['completed', 'requires_action']);

export async function* interactionLoop(input: InteractionLoopInput): AsyncGenerator<GenerateContentResponse, InteractionLoopResult, undefined> {
  const { maxSteps, stream, emit, fields } = input;
  const signal = fields.signal;
  let history = input.history;
  const transcript: Part[] = [];
  let usage: GenerateContentResponseUsageMetadata | undefined;
  const show = (parts: Part[], extra?: Parameters<typeof transcriptChunk>[1]) => {
    transcript.push(...parts);
    return transcriptChunk(parts, extra);
  };

  for (let step = 1; ; step++) {
    signal?.throwIfAborted();
    emit({ type: 'step-start', step });
    let read: ReadInteraction;
    /** How many of the response's steps the stream showed already (those before its first function call). */
    let streamed = 0;
    if (stream) {
      let events: AsyncIterable<unknown>;
      if (step === 1 && input.firstStream) events = input.firstStream;
      else ({ events, history } = await openStream(input, history));
      const reader = readInteractionStream({
        events,
        resume: resumer(input),
        signal,
        idleTimeoutMs: input.streamIdleTimeoutMs,
        stop: (reason) => input.streamStop.abort(reason),
      });
      let next = await reader.next();
      for (; !next.done; next = await reader.next()) yield show(next.value, { usageMetadata: usage });
      read = next.value;
      streamed = read.shown;
    } else {
      ({ read, history } = await createOnce(input, history));
    }
    signal?.throwIfAborted();
    usage = addUsage(usage, usageMetadata(read.usage));

    const status = read.status ?? '';
    const open = openFunctionCalls(read.steps, read.id);
    if (!ANSWERED.has(status) && status !== 'incomplete') throw statusError(read);
    if (status === 'incomplete' && open.length > 0) throw statusError(read, 'with function calls it could not finish');
    if (status === 'requires_action' && open.length === 0)
      throw new InteractionError('protocol', 'The interaction requires action but holds no function call to answer.', { status, interactionId: read.id });

    history = withModelSteps(history, read.steps, input.store ? read.id : undefined);
    const calls = open.map(asFunctionCall);
    emit({
      type: 'step',
      step,
      content: { role: 'model', parts: stepsAsParts(read.steps) },
      functionCalls: structuredClone(calls),
      usageMetadata: usageMetadata(read.usage),
    });

    // What is left to show, in order, with each of our calls answered where it stands.
    const ctx: CallContext = { ...input.calls, imagesInside: input.images.inside, step, emit, signal };
    const ours = new Set<InteractionStep>(open);
    const results: InteractionStep[] = [];
    const followUp: Part[] = [];
    for (const modelStep of read.steps.slice(streamed)) {
      if (!ours.has(modelStep)) {
        const parts = stepParts(modelStep);
        if (parts.length > 0) yield show(parts);
        continue;
      }
      const call = modelStep as (typeof open)[number];
      // Calls past the most at once are answered with an error, as Live answers them, not run.
      const planned =
        results.length < DEFAULT_MAX_PENDING_CALLS
          ? planCall(asFunctionCall(call), ctx)
          : planError(asFunctionCall(call), tooManyCalls(DEFAULT_MAX_PENDING_CALLS), ctx);
      yield show([planned.announce]);
      const outcome = await planned.execute();
      results.push(functionResultStep(call, outcome));
      followUp.push(...outcome.followUp);
      yield show(outcome.transcript);
    }
    history = withSteps(history, answerSteps(results, followUp));

    const last = lastResponse(read, input.model, status === 'incomplete' ? FinishReason.MAX_TOKENS : FinishReason.STOP);
    if (open.length === 0) {
      if (stream) yield transcriptChunk([], { usageMetadata: usage, finishReason: last.candidates?.[0]?.finishReason });
      return { history, response: transcriptResponse(transcript, last, usage) };
    }
    if (step >= maxSteps) {
      emit({ type: 'max-steps', maxSteps });
      const { part, ...finish } = maxStepsFinish(maxSteps);
      yield show([part], { ...finish, usageMetadata: usage });
      return { history, response: transcriptResponse(transcript, last, usage, finish) };
    }
  }
}

/** Runs the loop without streaming and resolves with its result. */
export async function runInteractionLoop(input: Omit<InteractionLoopInput, 'stream' | 'firstStream'>): Promise<InteractionLoopResult> {
  const loop = interactionLoop({ ...input, stream: false });
  let next = await loop.next();
  while (!next.done) next = await loop.next();
  return next.value;
}

/** The create request for the history as it stands. */
function createParams(input: InteractionLoopInput, history: InteractionHistory) {
  const { tools, system_instruction, generation_config, api_version } = input.fields;
  return {
    model: input.model,
    ...requestInput(history, input.store),
    tools,
    ...(system_instruction !== undefined && { system_instruction }),
    ...(generation_config && { generation_config }),
    store: input.store,
    ...(api_version && { api_version }),
  };
}

function requestOptions(input: InteractionLoopInput) {
  return { fetch_options: { signal: anySignal([input.fields.signal, input.streamStop.signal]) } };
}

/**
 * Opens a streamed interaction for the history as it stands (also used by the chat for the first
 * step); `history` is what was sent, the images of results moved out if the API refused them inside.
 */
export async function openStream(
  input: InteractionLoopInput,
  history: InteractionHistory,
): Promise<{ events: AsyncIterable<unknown>; history: InteractionHistory }> {
  const sent = await create(input, history, (params) => input.client.create({ ...params, stream: true }, requestOptions(input)));
  return { events: sent.value, history: sent.history };
}

/** Sends one create request (see {@link sendWithResultImageFallback}); an error is explained. */
async function create<T>(input: InteractionLoopInput, history: InteractionHistory, send: (params: ReturnType<typeof createParams>) => Promise<T>) {
  try {
    return await sendWithResultImageFallback(history, input.store, input.images, (sent) => send(createParams(input, sent)));
  } catch (error) {
    input.fields.signal?.throwIfAborted();
    throw explainCreateError(error, input.model);
  }
}

/** Creates one interaction (not streamed) and checks it before anything of it is kept. */
async function createOnce(input: InteractionLoopInput, history: InteractionHistory): Promise<{ read: ReadInteraction; history: InteractionHistory }> {
  const sent = await create(input, history, (params) => input.client.create({ ...params, stream: false }, requestOptions(input)));
  const interaction: unknown = sent.value;
  if (typeof interaction !== 'object' || interaction === null)
    throw new InteractionError('protocol', `The interaction response is not an object: ${quoted(interaction, 80)}`);
  const { id, status, steps, usage } = interaction as { id?: unknown; status?: unknown; steps?: unknown; usage?: unknown };
  const list = steps === undefined ? [] : steps;
  if (!Array.isArray(list) || list.some((step) => typeof step !== 'object' || step === null || typeof (step as { type?: unknown }).type !== 'string')) {
    throw new InteractionError('protocol', 'The interaction response has steps that are not steps with a type.', {
      interactionId: typeof id === 'string' ? id : undefined,
    });
  }
  const budget = new ResponseBudget();
  budget.steps(list.length);
  budget.spend(list);
  const read: ReadInteraction = {
    id: typeof id === 'string' ? id : '',
    status: typeof status === 'string' ? status : undefined,
    steps: list as InteractionStep[],
    shown: 0,
    usage: typeof usage === 'object' && usage !== null ? (usage as ReadInteraction['usage']) : undefined,
  };
  return { read, history: sent.history };
}

/** Reopens a cut stream where the interaction is stored (with `store: false` there is nothing to reopen). */
function resumer(input: InteractionLoopInput) {
  if (!input.store) return undefined;
  const { api_version } = input.fields;
  return (id: string, lastEventId: string) =>
    input.client.get(id, { stream: true, last_event_id: lastEventId, ...(api_version && { api_version }) }, requestOptions(input));
}

/** The model's steps as parts, for the `step` event: transcript parts, with calls as `functionCall` parts. */
function stepsAsParts(steps: readonly InteractionStep[]): Part[] {
  return steps.flatMap((step) => (step.type === 'function_call' ? [{ functionCall: asFunctionCall(step) as FunctionCall }] : stepParts(step)));
}

/** The candidate metadata of the message's last response, in the generateContent shape. */
function lastResponse(read: ReadInteraction, model: string, finishReason: FinishReason): GenerateContentResponse {
  return Object.assign(new GenerateContentResponse(), {
    candidates: [
      {
        finishReason,
        ...(finishReason === FinishReason.MAX_TOKENS && {
          finishMessage: 'The interaction ended incomplete (status "incomplete"), for example at max_output_tokens.',
        }),
      },
    ],
    modelVersion: model,
    ...(read.id && { responseId: read.id }),
  });
}

/** The error for an interaction that ended in a status that is not an answer. */
function statusError(read: ReadInteraction, detail?: string): InteractionError {
  const status = read.status ?? '(none)';
  const what: Record<string, string> = {
    failed: 'failed on the server',
    cancelled: 'was cancelled',
    budget_exceeded: 'ran out of its budget',
    requires_continuation:
      'stopped at the per-request decode limit and was not continued (the SDK continues it unless automatic_continuation is off, or it could not)',
    incomplete: 'ended incomplete',
  };
  const said = what[status] ?? `ended in status ${quoted(status, 40)}, which this library does not know`;
  return new InteractionError('status', `The interaction ${said}${detail ? ` ${detail}` : ''}.`, { status, interactionId: read.id });
}
