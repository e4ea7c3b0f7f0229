/**
 * The transcript of a Live session, built from its messages: user turns as sent or as their speech
 * was transcribed, and model turns in the shape of the other modes (text, executableCode,
 * codeExecutionResult, inlineData). Model parts pass through as the server sent them; our runs add
 * their parts where they happen; the model's spoken words come from its output transcription.
 */
import type { Content, Part } from '@google/genai';
import { cutToBytes, utf8Bytes } from './utf8.js';

/** The `partMetadata` key that marks an `executableCode` part nobody ran. */
export const NOT_RUN = 'notRun';

/** Most parts kept in the whole transcript; older turns are dropped beyond it (the server is not trusted to be brief). */
export const MAX_TRANSCRIPT_PARTS = 5_000;

/**
 * Most UTF-8 bytes of one text part. Streamed pieces (text parts, transcription chunks) join into
 * one part until something else comes between; beyond this the rest of that stretch is dropped and
 * the part is marked `partMetadata.truncated`. A quarter of an hour of speech is about 15 KB.
 */
export const MAX_TEXT_PART_BYTES = 64 * 1024;

/** The `partMetadata` key of a text part cut at {@link MAX_TEXT_PART_BYTES}. */
const TRUNCATED = 'truncated';

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
  /** The model turn being built, until `turnComplete` (or the user speaking in between). */
  private current: Content | undefined;
  /** The user turn the input transcription is filling, until the model's turn ends. */
  private speaking: Content | undefined;
  private partCount = 0;
  /** UTF-8 bytes of each text part that streamed pieces join into. */
  private readonly bytes = new WeakMap<Part, number>();

  /**
   * @param serverRunsCode The session enabled Gemini's `codeExecution` tool: the model's
   *   `executableCode` parts are run by the server, so they are not marked.
   */
  constructor(private readonly serverRunsCode: boolean) {}

  /** A user turn, as sent. */
  addUser(content: Content): void {
    this.current = undefined;
    this.speaking = undefined;
    this.push({ role: 'user', parts: structuredClone(content.parts ?? []) });
  }

  /**
   * A piece of the user's transcribed speech (`inputTranscription.text`). Pieces join into one
   * user turn until the model's turn ends or the piece says `finished`. Returns the text kept.
   */
  addUserSpeech(text: string, finished: boolean): string {
    if (text === '') {
      if (finished) this.speaking = undefined;
      return '';
    }
    if (!this.speaking) {
      // The user speaking ends what the model was saying: its later words are a new turn.
      this.current = undefined;
      this.speaking = { role: 'user', parts: [] };
      this.push(this.speaking);
    }
    const kept = this.appendText(this.speaking, text, false);
    if (finished) this.speaking = undefined;
    return kept;
  }

  /** A piece of the model's transcribed speech (`outputTranscription.text`). Returns the text kept. */
  addModelSpeech(text: string): string {
    if (text === '') return '';
    return this.appendText(this.openModelTurn(), text, false);
  }

  /**
   * Model parts from `serverContent.modelTurn`. Returns what was kept, as kept (audio stays out:
   * it is for playback; an unrun `executableCode` part gets marked; text is bounded).
   */
  addModelParts(parts: readonly unknown[]): Part[] {
    const kept: Part[] = [];
    for (const raw of parts) {
      if (!isPart(raw) || isAudio(raw)) continue;
      if (isPlainText(raw)) {
        const text = this.appendText(this.openModelTurn(), raw.text!, raw.thought === true);
        if (text) kept.push({ text, ...(raw.thought === true && { thought: true }) });
        continue;
      }
      const part = structuredClone(raw);
      if (part.executableCode && !this.serverRunsCode) part.partMetadata = { ...part.partMetadata, [NOT_RUN]: true };
      kept.push(part);
      this.addPart(this.openModelTurn(), part);
    }
    return kept;
  }

  /** Parts of our own (a run's code and result, a function call and its response). */
  addOwn(parts: readonly Part[]): void {
    for (const part of parts) this.addPart(this.openModelTurn(), structuredClone(part));
  }

  /** Ends the model's turn and returns it (empty when the model said nothing). */
  endTurn(): Content {
    const turn = this.current ?? { role: 'model', parts: [] };
    this.current = undefined;
    this.speaking = undefined;
    return structuredClone(turn);
  }

  /** Every turn so far, copied. */
  get(): Content[] {
    return structuredClone(this.contents);
  }

  private openModelTurn(): Content {
    if (!this.current) {
      this.current = { role: 'model', parts: [] };
      this.push(this.current);
    }
    return this.current;
  }

  /** Joins `text` onto the content's last text part of the same kind, or starts one. Returns what was kept. */
  private appendText(content: Content, text: string, thought: boolean): string {
    const parts = content.parts!;
    const last = parts.at(-1);
    const joins = last !== undefined && this.bytes.has(last) && Boolean(last.thought) === thought;
    const part: Part = joins ? last : { text: '', ...(thought && { thought: true }) };
    const used = this.bytes.get(part) ?? 0;
    if (part.partMetadata?.[TRUNCATED]) return '';
    const kept = cutToBytes(text, MAX_TEXT_PART_BYTES - used);
    if (kept.length < text.length) part.partMetadata = { ...part.partMetadata, [TRUNCATED]: true };
    if (kept === '' && !joins) return '';
    part.text += kept;
    this.bytes.set(part, used + utf8Bytes(kept));
    if (!joins) this.addPart(content, part);
    return kept;
  }

  private addPart(content: Content, part: Part): void {
    content.parts!.push(part);
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
