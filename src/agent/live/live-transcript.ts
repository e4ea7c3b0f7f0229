/**
 * The transcript of a Live session, built from its messages: user turns as sent or as their speech
 * was transcribed, and model turns in the shape of the other modes (text, executableCode,
 * codeExecutionResult, inlineData). Model parts pass through as the server sent them; our runs add
 * their parts where they happen; the model's spoken words come from its output transcription.
 */
import type { Content, LiveSendClientContentParameters, Part } from '@google/genai';
import { isObject } from '../../common/json-object.js';
import { measureJson } from './json-size.js';
import { cutToBytes, utf8Bytes } from './utf8.js';

/** The `partMetadata` key that marks an `executableCode` part nobody ran. */
export const NOT_RUN = 'notRun';

/** Most parts kept in the whole transcript; older turns are dropped beyond it (the server is not trusted to be brief). */
export const MAX_TRANSCRIPT_PARTS = 5_000;

/**
 * Most bytes (each part measured as JSON) kept in the whole transcript; older turns are dropped
 * beyond it, as beyond {@link MAX_TRANSCRIPT_PARTS}, and the first drop is reported. An hour of
 * speech is about 60 KB: what fills it is code, results and images.
 */
export const MAX_TRANSCRIPT_BYTES = 16 * 1024 * 1024;

/**
 * Most bytes of one part (as JSON) and its deepest nesting. A larger or deeper part (a hostile
 * server's, or a run's image over ~6 MB) is kept as a text part saying it was left out, marked
 * `partMetadata.omitted`. Half the transcript, so that one part never empties it.
 */
export const MAX_TRANSCRIPT_PART_BYTES = MAX_TRANSCRIPT_BYTES / 2;
const MAX_PART_DEPTH = 64;
/** What a turn costs besides its parts (`{"role":"model","parts":[]},`). */
const TURN_BYTES = 32;

/** The `partMetadata` key of a part left out for its size or depth. */
const OMITTED = 'omitted';

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
  /** Bytes of all parts kept (as JSON). */
  private byteCount = 0;
  /** UTF-8 bytes of each text part that streamed pieces join into. */
  private readonly bytes = new WeakMap<Part, number>();
  /** What each part kept costs (as JSON). */
  private readonly costs = new WeakMap<Part, number>();
  /** What was reported: each kind of drop once. */
  private readonly reported = new Set<string>();

  /**
   * @param serverRunsCode The session enabled Gemini's `codeExecution` tool: the model's
   *   `executableCode` parts are run by the server, so they are not marked.
   * @param report Told once when the byte bound first drops old turns, and once of parts left out for each reason.
   */
  constructor(
    private readonly serverRunsCode: boolean,
    private readonly report: (message: string) => void = () => undefined,
  ) {}

  /** A user turn, as sent. */
  addUser(content: Content): void {
    this.current = undefined;
    this.speaking = undefined;
    this.push({ role: 'user', parts: (content.parts ?? []).map((part) => this.copy(part)) });
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
      const part = this.copy(raw);
      if (part.executableCode && !this.serverRunsCode) part.partMetadata = { ...part.partMetadata, [NOT_RUN]: true };
      kept.push(part);
      this.addPart(this.openModelTurn(), part);
    }
    return kept;
  }

  /** Parts of our own (a run's code and result, a function call and its response). */
  addOwn(parts: readonly Part[]): void {
    for (const part of parts) this.addPart(this.openModelTurn(), this.copy(part));
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
    const added = utf8Bytes(kept);
    this.bytes.set(part, used + added);
    if (!joins) {
      this.addPart(content, part);
      return kept;
    }
    // Escaping may make the JSON longer than the UTF-8: counted as the part grows, close enough.
    this.costs.set(part, (this.costs.get(part) ?? 0) + added);
    this.byteCount += added;
    this.trim();
    return kept;
  }

  /** A copy of `part` to keep, or a text part saying it was left out (too large or too deep to keep). */
  private copy(part: Part): Part {
    const size = measureJson(part, MAX_PART_DEPTH, MAX_TRANSCRIPT_PART_BYTES);
    if (size.ok) return structuredClone(part);
    const why = size.tooDeep ? `nested deeper than ${MAX_PART_DEPTH} levels` : `larger than ${MAX_TRANSCRIPT_PART_BYTES} bytes`;
    this.tell(`A part ${why} was left out of the transcript`);
    return { text: `[A part ${why} was left out of the transcript.]`, partMetadata: { [OMITTED]: true } };
  }

  private addPart(content: Content, part: Part): void {
    content.parts!.push(part);
    this.count(part);
    this.trim();
  }

  private push(content: Content): void {
    this.contents.push(content);
    this.byteCount += TURN_BYTES;
    for (const part of content.parts ?? []) this.count(part);
    this.trim();
  }

  private count(part: Part): void {
    const size = measureJson(part, Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY);
    const cost = size.ok ? size.bytes : 0;
    this.costs.set(part, cost);
    this.byteCount += cost;
    this.partCount++;
  }

  private tell(message: string): void {
    if (this.reported.has(message)) return;
    this.reported.add(message);
    this.report(message);
  }

  private uncount(parts: readonly Part[]): void {
    for (const part of parts) this.byteCount -= this.costs.get(part) ?? 0;
    this.partCount -= parts.length;
  }

  /** Drops the oldest turns (the oldest parts of a lone turn) until both bounds hold. */
  private trim(): void {
    if (this.byteCount > MAX_TRANSCRIPT_BYTES) this.tell(`The transcript passed ${MAX_TRANSCRIPT_BYTES} bytes: its oldest turns are dropped from now on`);
    while (this.partCount > MAX_TRANSCRIPT_PARTS || this.byteCount > MAX_TRANSCRIPT_BYTES) {
      if (this.contents.length > 1) {
        this.uncount(this.contents.shift()!.parts ?? []);
        this.byteCount -= TURN_BYTES;
      } else if (this.contents[0]?.parts?.length) this.uncount(this.contents[0].parts.splice(0, 1));
      else break;
    }
  }
}

function isPart(value: unknown): value is Part {
  return isObject(value);
}

function isAudio(part: Part): boolean {
  return typeof part.inlineData?.mimeType === 'string' && part.inlineData.mimeType.startsWith('audio/');
}

function isPlainText(part: Part): boolean {
  return typeof part.text === 'string' && Object.keys(part).every((key) => key === 'text' || key === 'thought');
}

/** The user turns of a `sendClientContent` call, as the transcript records them. */
export function userContents(turns: LiveSendClientContentParameters['turns']): Content[] {
  if (turns === undefined || turns === null) return [];
  if (typeof turns === 'string') return [{ role: 'user', parts: [{ text: turns }] }];
  const list = Array.isArray(turns) ? turns : [turns];
  if (list.every((item) => typeof item === 'object' && item !== null && 'parts' in item)) return list as Content[];
  // A list of parts (or strings) is one user turn, as the SDK reads it.
  const parts = (list as (string | Part)[]).map((item) => (typeof item === 'string' ? { text: item } : item));
  return [{ role: 'user', parts }];
}
