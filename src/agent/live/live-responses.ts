/**
 * Delivers the session's function responses: to the connection the call came on, only while it
 * is the current one; held until its SDK session is known (a call that arrives with the setup);
 * with the session's `scheduling` on the responses of NON_BLOCKING functions.
 */
import type { FunctionDeclaration, FunctionResponse, FunctionResponseScheduling } from '@google/genai';
import type { LiveCodeExecutionEvent } from './events.js';
import { errorText, type LiveConnections } from './live-connections.js';
import { isNonBlocking } from './live-declarations.js';

/** What the responses use of the session. */
export interface LiveResponsesParts {
  link: LiveConnections;
  declarations: readonly FunctionDeclaration[];
  scheduling: FunctionResponseScheduling;
  emit: (event: LiveCodeExecutionEvent) => void;
  /** Whether the session has ended: nothing is sent then. */
  ended: () => boolean;
}

export class LiveResponses {
  /** Responses finished before the connection's session was known (only possible when a call arrives with the setup). */
  private held: { response: FunctionResponse; connection: number }[] = [];

  constructor(private readonly parts: LiveResponsesParts) {}

  /** Sends the responses answered before `connection`'s session was known. */
  flush(connection: number): void {
    const waiting = this.held.filter((entry) => entry.connection === connection);
    this.held = [];
    for (const { response } of waiting) this.respond(response, connection);
  }

  /** Sends one function response if the call's connection is still the current one; false when it cannot be delivered. */
  respond(response: FunctionResponse, connection: number): boolean {
    const { link, declarations, scheduling, emit } = this.parts;
    const current = link.current;
    if (this.parts.ended() || current?.id !== connection) return false;
    const session = current.session;
    if (!session) {
      this.held.push({ response, connection });
      return true;
    }
    const declaration = declarations.find((fn) => fn.name === response.name);
    const sent: FunctionResponse = declaration && isNonBlocking(declaration) ? { ...response, scheduling } : response;
    try {
      session.sendToolResponse({ functionResponses: [sent] });
    } catch (error) {
      emit({ type: 'error', message: `The response to call ${response.id ?? '(no id)'} could not be sent: ${errorText(error)}` });
      return false;
    }
    // Only a handle issued after this response covers it.
    link.resumption.resumableNow = false;
    return true;
  }
}
