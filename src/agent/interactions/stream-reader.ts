/**
 * Reads a streamed interaction (SSE events from `interactions.create({ stream: true })`) into the
 * steps it describes, yielding what can be shown as it arrives: text and thought-summary deltas
 * at once, media as each block arrives, a server-side run's code and result when their step stops.
 *
 * Every event is checked and counted before it is kept (see {@link INTERACTION_LIMITS}):
 * `arguments_delta` text is buffered per step and parsed when the step stops. A stream cut before
 * `interaction.completed` is resumed with `interactions.get(id, { stream: true, last_event_id })`
 * when the interaction is stored and its events carry ids; otherwise the error is thrown and the
 * caller rolls the message back.
 */
import type { Interactions, Part } from '@google/genai';
import { InteractionError, ownInteractionError, quoted } from './errors.js';
import { INTERACTION_LIMITS, ResponseBudget } from './limits.js';
import { codePart, contentParts, resultParts, stepParts } from './steps-to-parts.js';
import type { InteractionStep } from './types.js';

/** A model response read to its end. */
export interface ReadInteraction {
  /** The interaction's id (`''` when not stored). */
  id: string;
  /** The last status the server gave (`interaction.completed` has the final one). */
  status: string | undefined;
  steps: InteractionStep[];
  usage: Interactions.Usage | undefined;
  /**
   * How many of `steps`, from the first, the stream has shown (yielded). The rest, from the first
   * function call on, are shown by the loop as it answers the calls, in order.
   */
  shown: number;
}

/** How to open the stream and, where possible, reopen it after a cut. */
export interface StreamSource {
  events: AsyncIterable<unknown>;
  /** Reopens the stream after the event with `lastEventId`; unset when the interaction is not stored (nothing to resume). */
  resume?: (id: string, lastEventId: string) => Promise<AsyncIterable<unknown>>;
  signal?: AbortSignal;
  /** How long the stream may send no whole event before reading fails (reason `limit`). */
  idleTimeoutMs: number;
  /** Closes the stream's connection (called when it went quiet, with the error thrown). */
  stop?: (reason: Error) => void;
}

/** Reads the stream to its end; yields the transcript parts that can be shown as they arrive. */
export async function* readInteractionStream(source: StreamSource): AsyncGenerator<Part[], ReadInteraction, undefined> {
  const assembler = new StepAssembler();
  let events = source.events;
  for (let resumes = 0; ; resumes++) {
    try {
      const iterator = events[Symbol.asyncIterator]();
      let ended = false;
      try {
        for (;;) {
          const next = await nextWithin(iterator, source);
          if (next.done) break;
          const shown = assembler.accept(next.value);
          if (shown.length > 0) yield shown;
        }
        ended = true;
      } finally {
        // Left early (a check failed, the caller stopped, the stream went quiet): close it, without waiting on a read that may never end.
        if (!ended)
          void Promise.resolve()
            .then(() => iterator.return?.())
            .catch(() => undefined);
      }
      if (assembler.completed) return assembler.finish();
      throw new InteractionError('protocol', 'The interaction stream ended before interaction.completed.', { interactionId: assembler.id });
    } catch (caught) {
      source.signal?.throwIfAborted();
      const error = ownInteractionError(caught);
      const { id, lastEventId } = assembler;
      // Only a cut connection is resumed: not a bound reached, nor a broken event.
      const resumable =
        source.resume && id && lastEventId && !assembler.completed && !isOwnCheck(error) && !(error instanceof InteractionError && error.reason === 'limit');
      if (!resumable || resumes >= INTERACTION_LIMITS.maxResumes) throw error;
      events = await source.resume!(id, lastEventId);
    }
  }
}

/**
 * The iterator's next event, or an {@link InteractionError} (reason `limit`) once
 * `idleTimeoutMs` pass without one; the connection is then closed through `stop`.
 */
function nextWithin<T>(iterator: AsyncIterator<T>, source: Pick<StreamSource, 'idleTimeoutMs' | 'stop'>): Promise<IteratorResult<T>> {
  const next = iterator.next();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const quiet = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = ownCheck(
        new InteractionError('limit', `The interaction stream sent nothing for ${source.idleTimeoutMs} ms (limits.streamIdleTimeoutMs); stopped reading it.`),
      );
      // The read left behind fails when the connection closes: nobody waits for it.
      next.catch(() => undefined);
      source.stop?.(error);
      reject(error);
    }, source.idleTimeoutMs);
  });
  return Promise.race([next, quiet]).finally(() => clearTimeout(timer));
}

/** Errors raised by the checks below (not by the connection): never resumed. */
const OWN_CHECK = Symbol('own check');
function ownCheck(error: InteractionError): InteractionError {
  return Object.assign(error, { [OWN_CHECK]: true });
}
function isOwnCheck(error: unknown): boolean {
  return typeof error === 'object' && error !== null && OWN_CHECK in error;
}

/** One step being assembled. */
interface OpenStep {
  step: InteractionStep;
  /** `arguments_delta` fragments of a function call, joined and parsed at its stop. */
  argumentFragments: string[];
  stopped: boolean;
}

/**
 * Assembles steps from events. Indexes are per continuation hop (the SDK continues long decodes
 * in the same stream, each hop starting at index 0), so each hop's steps follow the last hop's.
 */
export class StepAssembler {
  id = '';
  lastEventId: string | undefined;
  completed = false;
  private status: string | undefined;
  private usage: Interactions.Usage | undefined;
  private readonly steps: OpenStep[] = [];
  /** This hop's indexes → position in `steps`. */
  private hop = new Map<number, OpenStep>();
  private hopEnded = false;
  /** Position of the first step not shown while streaming (a function call, or steps that came whole in interaction.completed). */
  private firstUnshown: number | undefined;
  private readonly budget = new ResponseBudget();

  /** Takes one event; returns the parts it makes visible (none once a function call has started). */
  accept(raw: unknown): Part[] {
    const shown = this.take(raw);
    return this.firstUnshown === undefined ? shown : [];
  }

  private take(raw: unknown): Part[] {
    this.budget.event();
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw this.broken(`an event that is not an object: ${quoted(raw, 80)}`);
    const event = raw as Interactions.InteractionSSEEvent;
    if (typeof event.event_id === 'string' && event.event_id !== '') this.lastEventId = event.event_id;
    switch (event.event_type) {
      case 'interaction.created':
        if (this.hopEnded) this.startHop();
        this.takeInteraction(event.interaction);
        return [];
      case 'interaction.status_update':
        if (typeof event.status === 'string') this.status = event.status;
        return [];
      case 'interaction.completed':
        return this.complete(event.interaction);
      case 'error':
        throw ownCheck(
          new InteractionError(
            'protocol',
            `The interaction stream reported an error: ${quoted(event.error?.code ?? '')} ${quoted(event.error?.message ?? '')}`.trim(),
            { interactionId: this.id },
          ),
        );
      case 'step.start':
        return this.start(event.index, event.step);
      case 'step.delta':
        return this.delta(event.index, event.delta);
      case 'step.stop':
        return this.stop(event.index);
      default:
        // An event type this library does not know (counted above): nothing to keep.
        return [];
    }
  }

  /** The interaction as read. */
  finish(): ReadInteraction {
    for (const open of this.steps) if (!open.stopped) this.close(open);
    return { id: this.id, status: this.status, steps: this.steps.map((open) => open.step), usage: this.usage, shown: this.firstUnshown ?? this.steps.length };
  }

  private startHop(): void {
    this.hop = new Map();
    this.hopEnded = false;
    this.completed = false;
  }

  private takeInteraction(interaction: Partial<Interactions.Interaction> | undefined): void {
    if (typeof interaction?.id === 'string') this.id = interaction.id;
    if (typeof interaction?.status === 'string') this.status = interaction.status;
  }

  private complete(interaction: Partial<Interactions.Interaction> | undefined): Part[] {
    this.takeInteraction(interaction);
    if (interaction?.usage && typeof interaction.usage === 'object') this.usage = interaction.usage;
    this.hopEnded = true;
    this.completed = true;
    // A completed event may carry the steps itself; they count only where no step events came.
    if (this.hop.size === 0 && Array.isArray(interaction?.steps) && interaction.steps.length > 0) {
      this.budget.steps(this.steps.length + interaction.steps.length);
      this.budget.spend(interaction.steps);
      this.firstUnshown ??= this.steps.length;
      for (const step of interaction.steps) this.steps.push({ step: structuredClone(step), argumentFragments: [], stopped: true });
    }
    return [];
  }

  private start(index: unknown, step: unknown): Part[] {
    const at = this.index(index);
    if (this.hop.has(at)) throw this.broken(`a second step.start for step ${at}`);
    if (typeof step !== 'object' || step === null || typeof (step as { type?: unknown }).type !== 'string') throw this.broken(`step ${at} without a type`);
    this.budget.steps(this.steps.length + 1);
    this.budget.spend(step);
    const open: OpenStep = { step: structuredClone(step) as InteractionStep, argumentFragments: [], stopped: false };
    if (open.step.type === 'function_call') this.firstUnshown ??= this.steps.length;
    this.steps.push(open);
    this.hop.set(at, open);
    // Text or media a step starts with is shown at once; calls and results wait for their stop.
    return open.step.type === 'model_output' || open.step.type === 'thought' ? stepParts(open.step) : [];
  }

  private delta(index: unknown, delta: unknown): Part[] {
    const open = this.open(index, 'step.delta');
    if (typeof delta !== 'object' || delta === null) throw this.broken(`a step.delta without a delta for step ${String(index)}`);
    this.budget.spend(delta);
    const step = open.step;
    const change = delta as Interactions.StepDelta['delta'];
    switch (change.type) {
      case 'text':
        if (step.type !== 'model_output' || typeof change.text !== 'string') return [];
        appendText((step.content ??= []), change.text);
        return change.text === '' ? [] : [{ text: change.text }];
      case 'image':
      case 'audio':
      case 'video':
      case 'document': {
        if (step.type !== 'model_output') return [];
        const { type, ...block } = change as Interactions.ImageContent;
        const content = { type, ...block } as Interactions.Content;
        (step.content ??= []).push(content);
        return contentParts([content]);
      }
      case 'thought_signature':
        // Kept even when empty: the API wants the step back as it was sent.
        if ('signature' in step || step.type === 'thought') (step as { signature?: string }).signature = change.signature ?? '';
        return [];
      case 'thought_summary': {
        if (step.type !== 'thought' || !change.content) return [];
        const content = change.content as Interactions.TextContent | Interactions.ImageContent;
        if (content.type === 'text' && typeof content.text === 'string') {
          appendText((step.summary ??= []), content.text);
          return content.text === '' ? [] : [{ text: content.text, thought: true }];
        }
        if (content.type === 'image') (step.summary ??= []).push(content);
        return [];
      }
      case 'arguments_delta':
        if (step.type === 'function_call' && typeof change.arguments === 'string') open.argumentFragments.push(change.arguments);
        return [];
      case 'code_execution_call':
        if (step.type === 'code_execution_call') {
          step.arguments = { ...step.arguments, ...change.arguments };
          if (change.signature !== undefined) step.signature = change.signature;
        }
        return [];
      case 'code_execution_result':
        if (step.type === 'code_execution_result') {
          // Text grows by its deltas; a result that started as content blocks (SDK 3.x) gets them as a text block.
          const before: unknown = step.result;
          const text = typeof change.result === 'string' ? change.result : '';
          if (Array.isArray(before)) before.push({ type: 'text', text });
          else step.result = (typeof before === 'string' ? before : '') + text;
          if (change.is_error !== undefined) step.is_error = change.is_error;
          if (change.signature !== undefined) step.signature = change.signature;
        }
        return [];
      default:
        // Deltas of tools this loop does not run (search, maps, …) or of unknown types: the step keeps what step.start gave.
        return [];
    }
  }

  private stop(index: unknown): Part[] {
    const open = this.open(index, 'step.stop');
    this.close(open);
    if (open.step.type === 'code_execution_call') return [codePart(open.step)];
    if (open.step.type === 'code_execution_result') return resultParts(open.step);
    return [];
  }

  /** Ends a step: a function call's buffered arguments become its `arguments`. */
  private close(open: OpenStep): void {
    open.stopped = true;
    if (open.step.type !== 'function_call' || open.argumentFragments.length === 0) return;
    const text = open.argumentFragments.join('');
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw this.broken(`function call ${JSON.stringify(open.step.id)} with arguments that are not JSON: ${quoted(text, 120)}`);
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
      throw this.broken(`function call ${JSON.stringify(open.step.id)} with arguments that are not an object`);
    open.step.arguments = parsed as Record<string, unknown>;
  }

  private open(index: unknown, event: string): OpenStep {
    const open = this.hop.get(this.index(index));
    if (!open) throw this.broken(`${event} for step ${quoted(index, 20)}, which was never started`);
    if (open.stopped) throw this.broken(`${event} for step ${quoted(index, 20)}, which had stopped`);
    return open;
  }

  private index(index: unknown): number {
    if (typeof index !== 'number' || !Number.isInteger(index) || index < 0 || index >= INTERACTION_LIMITS.maxSteps)
      throw this.broken(`a step index of ${quoted(index, 20)}`);
    return index;
  }

  private broken(what: string): InteractionError {
    return ownCheck(new InteractionError('protocol', `The interaction stream sent ${what}.`, { interactionId: this.id }));
  }
}

/** Text blocks grow by their deltas: one text block per run of text, as the non-streamed response has it. */
function appendText(blocks: Array<Interactions.Content | Interactions.TextContent | Interactions.ImageContent>, text: string): void {
  const last = blocks.at(-1);
  if (last?.type === 'text') last.text += text;
  else blocks.push({ type: 'text', text });
}
