/**
 * The transcript of a Live session, built from its messages: user turns as sent, and model turns
 * in the shape of the other modes (text, executableCode, codeExecutionResult, inlineData). Model
 * parts pass through as the server sent them; our runs add their parts where they happen.
 */
import type { Content, Part } from '@google/genai';

/** The `partMetadata` key that marks an `executableCode` part nobody ran. */
export const NOT_RUN = 'notRun';

/** Most parts kept in the whole transcript; older turns are dropped beyond it (the server is not trusted to be brief). */
export const MAX_TRANSCRIPT_PARTS = 5_000;

/**
 * True for a model `executableCode` part that nobody ran: in a Live session without the
 * `codeExecution` tool, the model writes its function calls as Python (`default_api.…`) before it
 * sends the `toolCall` that is actually answered. Renderers should show it as "not run".
 */
export function isNotRunCode(part: Part): boolean {
  return Boolean(part.executableCode && part.partMetadata?.[NOT_RUN] === true);
}

export class LiveTranscript {
  private readonly contents: Content[] = [];
  private current: Content | undefined;
  private partCount = 0;

  /**
   * @param serverRunsCode The session enabled Gemini's `codeExecution` tool: the model's
   *   `executableCode` parts are run by the server, so they are not marked.
   */
  constructor(private readonly serverRunsCode: boolean) {}

  /** A user turn, as sent. */
  addUser(content: Content): void {
    this.current = undefined;
    this.push({ role: 'user', parts: structuredClone(content.parts ?? []) });
  }

  /**
   * Model parts from `serverContent.modelTurn`. Returns what was kept, as kept (audio stays out:
   * it is for playback, through `onMessage`; an unrun `executableCode` part gets marked).
   */
  addModelParts(parts: readonly unknown[]): Part[] {
    const kept: Part[] = [];
    for (const raw of parts) {
      if (!isPart(raw) || isAudio(raw)) continue;
      const part = structuredClone(raw);
      if (part.executableCode && !this.serverRunsCode) part.partMetadata = { ...part.partMetadata, [NOT_RUN]: true };
      kept.push(part);
      this.addModel(part);
    }
    return kept;
  }

  /** Parts of our own (a run's code and result, a function call and its response). */
  addOwn(parts: readonly Part[]): void {
    for (const part of parts) this.addModel(structuredClone(part));
  }

  /** Ends the model's turn and returns it (empty when the model said nothing). */
  endTurn(): Content {
    const turn = this.current ?? { role: 'model', parts: [] };
    this.current = undefined;
    return structuredClone(turn);
  }

  /** Every turn so far, copied. */
  get(): Content[] {
    return structuredClone(this.contents);
  }

  private addModel(part: Part): void {
    if (!this.current) {
      this.current = { role: 'model', parts: [] };
      this.push(this.current);
    }
    const parts = this.current.parts!;
    const last = parts.at(-1);
    // Live streams text in small pieces: adjacent plain text joins, as a renderer would join it.
    if (last && isPlainText(last) && isPlainText(part) && Boolean(last.thought) === Boolean(part.thought)) {
      last.text += part.text!;
      return;
    }
    parts.push(part);
    this.partCount++;
    this.trim();
  }

  private push(content: Content): void {
    this.contents.push(content);
    this.partCount += content.parts?.length ?? 0;
    this.trim();
  }

  private trim(): void {
    while (this.partCount > MAX_TRANSCRIPT_PARTS) {
      if (this.contents.length > 1) this.partCount -= this.contents.shift()!.parts?.length ?? 0;
      else if (this.contents[0]?.parts?.shift()) this.partCount--;
      else break;
    }
  }
}

function isPart(value: unknown): value is Part {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isAudio(part: Part): boolean {
  return typeof part.inlineData?.mimeType === 'string' && part.inlineData.mimeType.startsWith('audio/');
}

function isPlainText(part: Part): boolean {
  return typeof part.text === 'string' && Object.keys(part).every((key) => key === 'text' || key === 'thought');
}
