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
  /** Characters of step content (text, arguments, image data, results) in one response. */
  maxChars: 64 * 1024 * 1024,
  /** Steps in one response. */
  maxSteps: 1_000,
  /** Resumes (`interactions.get` with `last_event_id`) of one cut stream. */
  maxResumes: 3,
});

/** Counts what a response spends and throws an {@link InteractionError} (reason `limit`) past a bound. */
export class ResponseBudget {
  private events = 0;
  private chars = 0;

  event(): void {
    if (++this.events > INTERACTION_LIMITS.maxEvents)
      throw new InteractionError('limit', `The interaction stream sent more than ${INTERACTION_LIMITS.maxEvents} events; stopped reading it.`);
  }

  /** Spends `count` characters of content. */
  spend(count: number): void {
    this.chars += count;
    if (this.chars > INTERACTION_LIMITS.maxChars)
      throw new InteractionError('limit', `The interaction's steps hold more than ${INTERACTION_LIMITS.maxChars} characters; stopped reading it.`);
  }

  steps(count: number): void {
    if (count > INTERACTION_LIMITS.maxSteps)
      throw new InteractionError('limit', `The interaction has more than ${INTERACTION_LIMITS.maxSteps} steps; stopped reading it.`);
  }
}

/** Characters of the strings in `value`, counted without serialising it (a bounded walk). */
export function contentChars(value: unknown, depth = 0): number {
  if (typeof value === 'string') return value.length;
  if (depth > 32 || value === null || typeof value !== 'object') return 0;
  let total = 0;
  for (const item of Array.isArray(value) ? value : Object.values(value)) total += contentChars(item, depth + 1);
  return total;
}
