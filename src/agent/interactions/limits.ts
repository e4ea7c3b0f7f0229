/**
 * Bounds on what one model response may hold before the loop stops reading it. The server is
 * not trusted: a stream could be endless, a step huge, an index far out of range. Everything the
 * loop keeps goes back to the server with every later request, so it is bounded here first.
 */
import { InteractionError } from './errors.js';

/** The bounds of one model response (one `interactions.create` or resumed stream). */
export const INTERACTION_LIMITS = Object.freeze({
  /** SSE events in one response, over all continuation hops and resumes. */
  maxEvents: 100_000,
  /**
   * Bytes of one SSE event, counted as the stream is read, before the SDK buffers and parses it:
   * one event may hold at most what a whole response may (`maxChars`).
   */
  maxEventBytes: 64 * 1024 * 1024,
  /**
   * Characters of step content (text, arguments, image data, results, and their keys), at any
   * depth, in one response; every other value (a number, an object…) counts as one.
   */
  maxChars: 64 * 1024 * 1024,
  /**
   * Deepest nesting of objects and arrays in one step or delta. Real steps nest a few levels plus
   * the model's call arguments; far deeper values overflow the stack of `structuredClone` and
   * `JSON.stringify`, which the history goes through.
   */
  maxDepth: 100,
  /** Steps in one response. */
  maxSteps: 1_000,
  /** Resumes (`interactions.get` with `last_event_id`) of one cut stream. */
  maxResumes: 3,
});

/**
 * How long a stream may send nothing (no whole event) before the message fails, when
 * `limits.streamIdleTimeoutMs` is not given. Generous: a thinking model may stay silent for minutes
 * before its first step, and a stream that stalled costs only this wait.
 */
export const DEFAULT_STREAM_IDLE_TIMEOUT_MS = 300_000;

/** Counts what a response spends and throws an {@link InteractionError} (reason `limit`) past a bound. */
export class ResponseBudget {
  private events = 0;
  private chars = 0;

  event(): void {
    if (++this.events > INTERACTION_LIMITS.maxEvents)
      throw new InteractionError('limit', `The interaction stream sent more than ${INTERACTION_LIMITS.maxEvents} events; stopped reading it.`);
  }

  /** Spends the characters of `content` (a step, a delta, a list of steps): see {@link contentChars}. */
  spend(content: unknown): void {
    const count = contentChars(content);
    if (count === undefined)
      throw new InteractionError('limit', `The interaction sent content nested deeper than ${INTERACTION_LIMITS.maxDepth} levels; stopped reading it.`);
    this.chars += count;
    if (this.chars > INTERACTION_LIMITS.maxChars)
      throw new InteractionError('limit', `The interaction's steps hold more than ${INTERACTION_LIMITS.maxChars} characters; stopped reading it.`);
  }

  steps(count: number): void {
    if (count > INTERACTION_LIMITS.maxSteps)
      throw new InteractionError('limit', `The interaction has more than ${INTERACTION_LIMITS.maxSteps} steps; stopped reading it.`);
  }
}

/**
 * Characters of the strings in `value`, values and object keys, and one for every other value (a
 * number, `null`, an object or array: each costs memory however short), however deep (a walk with
 * its own stack of one frame per level, not recursion, so no depth is left uncounted); undefined
 * when it nests deeper than {@link INTERACTION_LIMITS}.maxDepth.
 */
export function contentChars(value: unknown): number | undefined {
  let total = 0;
  /** The containers being walked, outermost first: their children (values, or keys of an object) and the next one to visit. */
  const frames: Array<{ container: unknown[] | Record<string, unknown>; keys: readonly (string | number)[] | undefined; next: number }> = [];
  const enter = (item: unknown): boolean => {
    total += typeof item === 'string' ? item.length : 1;
    if (typeof item !== 'object' || item === null) return true;
    if (frames.length >= INTERACTION_LIMITS.maxDepth) return false;
    const keys = Array.isArray(item) ? undefined : Object.keys(item);
    for (const key of keys ?? []) total += key.length;
    frames.push({ container: item as Record<string, unknown>, keys, next: 0 });
    return true;
  };
  if (!enter(value)) return undefined;
  while (frames.length > 0) {
    const frame = frames.at(-1)!;
    const size = frame.keys ? frame.keys.length : (frame.container as unknown[]).length;
    if (frame.next >= size) {
      frames.pop();
      continue;
    }
    const at = frame.keys ? frame.keys[frame.next] : frame.next;
    frame.next++;
    if (!enter((frame.container as Record<string | number, unknown>)[at])) return undefined;
  }
  return total;
}
