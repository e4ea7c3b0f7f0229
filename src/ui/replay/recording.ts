/**
 * The recorded-session format: a conversation whose model turns stand in for Gemini.
 *
 * Model turns are stored verbatim (as the API returned them). In local mode they hold the
 * `run_python` function calls with the code; the function responses are NOT stored: replaying
 * runs the code live in the sandbox, so results are computed, not canned. Text in a model turn
 * may quote the latest result with `{{output}}`, `{{result}}` or `{{error}}` (see `template.ts`).
 */
import type { Content } from '@google/genai';
import type { ExecutionMode } from '../../agent/index.js';
import { SUGGESTED_MODEL } from '../../agent/model-name.js';
import { base64ToBytes } from '../../sandbox/files/base64.js';

/** The format tag; bump on incompatible changes. */
export const RECORDING_FORMAT = 'code-exec-chat/recording@1';

/** A file sent with a recorded message: inline `text`, inline `base64`, or a `url` relative to the recording. */
export interface RecordedAttachment {
  name: string;
  mimeType: string;
  text?: string;
  base64?: string;
  url?: string;
}

/** One user message and the model turns that answered it (one per model request). */
export interface RecordedMessage {
  text: string;
  attachments?: RecordedAttachment[];
  turns: Content[];
}

export interface Recording {
  format: typeof RECORDING_FORMAT;
  title: string;
  description?: string;
  /** The model the session was recorded with (shown; the replay answers for any model name). */
  model: string;
  execution: ExecutionMode;
  messages: RecordedMessage[];
}

/** An entry of a demo index (`demos/index.json`). */
export interface DemoListing {
  id: string;
  title: string;
  description?: string;
  /** URL of the recording, relative to the index. */
  url: string;
}

/** Checks parsed JSON and returns it typed; throws an Error naming the first problem. */
export function parseRecording(value: unknown): Recording {
  const fail = (what: string): never => {
    throw new Error(`Not a valid recording: ${what}`);
  };
  if (typeof value !== 'object' || value === null) fail('expected a JSON object');
  const r = value as Partial<Recording>;
  if (r.format !== RECORDING_FORMAT) fail(`"format" must be "${RECORDING_FORMAT}"`);
  if (typeof r.title !== 'string') fail('"title" must be a string');
  if (r.execution !== 'local' && r.execution !== 'server') fail('"execution" must be "local" or "server"');
  if (!Array.isArray(r.messages) || r.messages.length === 0) fail('"messages" must be a non-empty array');
  for (const [i, message] of r.messages!.entries()) {
    if (typeof message?.text !== 'string') fail(`messages[${i}].text must be a string`);
    if (!Array.isArray(message.turns) || message.turns.length === 0) fail(`messages[${i}].turns must be a non-empty array`);
    for (const [t, turn] of message.turns.entries()) {
      if (turn?.role !== 'model' || !Array.isArray(turn.parts)) fail(`messages[${i}].turns[${t}] must be a model Content with parts`);
    }
    for (const [a, attachment] of (message.attachments ?? []).entries()) {
      if (typeof attachment?.name !== 'string' || typeof attachment.mimeType !== 'string') fail(`messages[${i}].attachments[${a}] needs name and mimeType`);
      if (attachment.text === undefined && attachment.base64 === undefined && attachment.url === undefined)
        fail(`messages[${i}].attachments[${a}] needs text, base64 or url`);
    }
  }
  return { model: SUGGESTED_MODEL, ...r } as Recording;
}

/** Fetches and checks a recording. */
export async function loadRecording(url: string | URL, fetchImpl: typeof fetch = fetch): Promise<Recording> {
  const response = await fetchImpl(url);
  if (!response.ok) throw new Error(`Could not load the demo ${String(url)} (HTTP ${response.status})`);
  return parseRecording(await response.json());
}

/** The bytes of a recorded attachment (`url` is resolved against `base`, the recording's URL). */
export async function attachmentBytes(attachment: RecordedAttachment, base: string | URL, fetchImpl: typeof fetch = fetch): Promise<Uint8Array> {
  if (attachment.text !== undefined) return new TextEncoder().encode(attachment.text);
  if (attachment.base64 !== undefined) return base64ToBytes(attachment.base64);
  const response = await fetchImpl(new URL(attachment.url!, base));
  if (!response.ok) throw new Error(`Could not load the demo file ${attachment.name} (HTTP ${response.status})`);
  return new Uint8Array(await response.arrayBuffer());
}
