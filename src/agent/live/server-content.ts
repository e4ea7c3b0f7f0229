/**
 * Reads one `serverContent` message into the transcript and events: model parts (audio to `audio`
 * events, the rest to the transcript), the transcriptions of both sides' speech, interruptions,
 * the turn's end with its reason, and the interaction status.
 */
import type { UsageMetadata } from '@google/genai';
import type { LiveCodeExecutionEvent } from './events.js';
import { isObject } from '../../common/json-object.js';
import type { LiveTranscript } from './live-transcript.js';

/** Model parts read from one server message; a real one holds a few. */
const MAX_PARTS_PER_MESSAGE = 256;
/** Longest enum-like string passed on (status, reason, MIME type); real ones are under 50. */
const MAX_LABEL_CHARS = 100;

export interface ServerContentContext {
  transcript: LiveTranscript;
  emit: (event: LiveCodeExecutionEvent) => void;
  turn: number;
}

/** Acts on `content`; returns true when it completed the model's turn. */
export function readServerContent(content: Record<string, unknown>, usageMetadata: unknown, ctx: ServerContentContext): boolean {
  const { transcript, emit, turn } = ctx;
  const parts: unknown[] = isObject(content.modelTurn) && Array.isArray(content.modelTurn.parts) ? content.modelTurn.parts.slice(0, MAX_PARTS_PER_MESSAGE) : [];
  for (const part of parts) {
    const audio = audioOf(part);
    if (audio) emit({ type: 'audio', turn, ...audio });
  }
  for (const part of transcript.addModelParts(parts)) {
    if (typeof part.text === 'string') emit({ type: 'text', turn, text: part.text, role: 'model', transcription: false, thought: part.thought === true });
    else emit({ type: 'model-part', turn, part: structuredClone(part), notRun: part.partMetadata?.notRun === true });
  }
  const heard = transcriptionOf(content.inputTranscription);
  if (heard) {
    const text = transcript.addUserSpeech(heard.text, heard.finished);
    if (text) emit({ type: 'text', turn, text, role: 'user', transcription: true, thought: false });
  }
  const spoken = transcriptionOf(content.outputTranscription);
  if (spoken) {
    const text = transcript.addModelSpeech(spoken.text);
    if (text) emit({ type: 'text', turn, text, role: 'model', transcription: true, thought: false });
  }
  if (content.interrupted === true) emit({ type: 'interrupted', turn });
  if (content.waitingForInput === true) emit({ type: 'waiting-for-input', turn });
  const reason = label(content.turnCompleteReason);
  if (content.turnComplete === true) {
    emit({
      type: 'turn-complete',
      turn,
      content: transcript.endTurn(),
      ...(reason !== undefined && { reason }),
      ...(isObject(usageMetadata) && { usageMetadata: structuredClone(usageMetadata) as UsageMetadata }),
    });
  }
  const status = label(content.interactionStatus);
  if (status !== undefined) emit({ type: 'interaction-status', turn, status });
  return content.turnComplete === true;
}

function audioOf(part: unknown): { mimeType: string; data: string } | undefined {
  if (!isObject(part) || !isObject(part.inlineData)) return undefined;
  const { mimeType, data } = part.inlineData;
  if (typeof mimeType !== 'string' || !mimeType.startsWith('audio/') || typeof data !== 'string') return undefined;
  return { mimeType: mimeType.slice(0, MAX_LABEL_CHARS), data };
}

function transcriptionOf(value: unknown): { text: string; finished: boolean } | undefined {
  if (!isObject(value)) return undefined;
  const text = typeof value.text === 'string' ? value.text : '';
  return text === '' && value.finished !== true ? undefined : { text, finished: value.finished === true };
}

function label(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value.slice(0, MAX_LABEL_CHARS) : undefined;
}
