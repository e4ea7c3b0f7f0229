/**
 * Record mode: turns a live session into a {@link Recording} that the replay provider can play.
 *
 * The model turns come from the chat's API history (verbatim, as Gemini sent them); the user's
 * messages and attachments come from the widget's own log of the messages that went through,
 * because the history holds them only as the parts the loop built for the model.
 */
import type { Content } from '@google/genai';
import type { ExecutionMode } from '../../agent/index.js';
import type { SentMessage } from '../state/entries.js';
import { RECORDING_FORMAT, type RecordedAttachment, type Recording } from './recording.js';

/** The model turns of each user message in `history`, in order. */
export function modelTurnsByMessage(history: readonly Content[]): Content[][] {
  const messages: Content[][] = [];
  for (const content of history) {
    const isMessage = content.role === 'user' && !(content.parts ?? []).some((part) => part.functionResponse);
    if (isMessage) messages.push([]);
    else if (content.role === 'model' && messages.length > 0) messages.at(-1)!.push(structuredClone(content));
  }
  return messages;
}

export function recordingFromSession(input: {
  title: string;
  description?: string;
  model: string;
  execution: ExecutionMode;
  history: readonly Content[];
  sent: readonly SentMessage[];
}): Recording {
  const turns = modelTurnsByMessage(input.history);
  if (turns.length !== input.sent.length)
    throw new Error(`The session log (${input.sent.length} messages) does not match the chat history (${turns.length}); start a new chat and record again.`);
  return {
    format: RECORDING_FORMAT,
    title: input.title,
    ...(input.description && { description: input.description }),
    model: input.model,
    execution: input.execution,
    messages: input.sent.map((message, index) => ({
      text: message.text,
      ...(message.attachments.length > 0 && { attachments: message.attachments.map(recordAttachment) }),
      turns: turns[index],
    })),
  };
}

function recordAttachment(attachment: SentMessage['attachments'][number]): RecordedAttachment {
  const { path: name, mimeType, data } = attachment;
  if (/^text\/|json|csv/.test(mimeType)) return { name, mimeType, text: new TextDecoder().decode(data) };
  let binary = '';
  for (let i = 0; i < data.length; i += 0x8000) binary += String.fromCharCode(...data.subarray(i, i + 0x8000));
  return { name, mimeType, base64: btoa(binary) };
}
