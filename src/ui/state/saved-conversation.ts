/**
 * The saved form of a conversation (one IndexedDB record per widget, see `conversation-store.ts`):
 * the transcript as shown, the API history the next message continues from (Contents, or an
 * Interactions chat's steps), the messages sent (record mode needs them), the execution mode, and
 * the attached files: names always, bytes when small, so they can be written into the new
 * interpreter after a reload, with the helpers the code kept in `skills/` (from the transcript's
 * file parts). Never the API key.
 *
 * Size: images and files in the transcript over {@link MAX_SAVED_MEDIA_BYTES} are dropped (the
 * transcript says so where they were). Attached files over {@link MAX_SAVED_FILE_BYTES} keep their
 * name only. The API history is kept whole: it is what the model sees, and the API's own request
 * size limit already bounds it. Interactions steps over {@link MAX_SAVED_STEPS_CHARS} are not
 * kept: the record says so, and after a reload the reader is told that the model starts afresh.
 * Unlike Contents, steps are checked here only for their shape, and read back from storage
 * anything else on the page could have written.
 */
import type { Content, Part } from '@google/genai';
import type { CheckedAttachment } from '../../agent/attachments.js';
import type { ExecutionMode, InteractionStep } from '../../agent/index.js';
import { isSkillPath } from '../../agent/run-python/skill-files.js';
import { base64ToBytes, isBase64 } from '../../sandbox/files/base64.js';
import { checkedCellCalls } from '../cell-calls.js';
import type { ConversationSnapshot, EntryData, InteractionSteps, RestoredConversation } from './entries.js';
import type { RestoredFiles } from '../python-restart.js';
import type { SentMessage } from './entries.js';

/** The format tag; bump on incompatible changes (older records are then ignored). */
export const SAVED_FORMAT = 'code-exec-chat/conversation@1';

/** Largest image or file in the transcript that is saved (decoded bytes). Charts are far smaller. */
export const MAX_SAVED_MEDIA_BYTES = 1024 * 1024;

/** Largest attached file whose bytes are saved (to write it again after a reload). */
export const MAX_SAVED_FILE_BYTES = 5 * 1024 * 1024;

/** Largest Interactions steps saved, as JSON text (images sent back to the model make them large). */
export const MAX_SAVED_STEPS_CHARS = 8 * 1024 * 1024;

/** Most Interactions steps read back. */
export const MAX_SAVED_STEPS = 10_000;

/** A step's `type` as the API names them (`user_input`, `function_result`…). */
const STEP_TYPE = /^[a-z][a-z_]{0,63}$/;

/** Said where an in-flight message was cut off by a reload. */
export const INTERRUPTED_BY_RELOAD = 'The page was reloaded before this message was answered. It was left out of the conversation the model sees.';

/** Said where a restored Interactions chat's steps were too large to keep. */
export const STEPS_NOT_KEPT =
  'This chat was too long to keep what the model had seen of it: the transcript is back, but the model starts afresh from your next message.';

/** An attached file as saved: `data` is absent when it was too large to keep. */
export interface SavedAttachment {
  name: string;
  mimeType: string;
  size: number;
  data?: Uint8Array;
}

export interface SavedMessage {
  text: string;
  attachments: SavedAttachment[];
}

export interface SavedConversation {
  format: typeof SAVED_FORMAT;
  /** When it was saved (ms since the epoch). */
  savedAt: number;
  /** The widget's execution mode when it was saved. */
  execution: ExecutionMode;
  entries: EntryData[];
  history: Content[];
  /** An Interactions chat's steps (absent when it was on generateContent, or they were too large). */
  interactions?: InteractionSteps;
  /** An Interactions chat whose steps were over the caps, and so not kept. */
  interactionsNotKept?: true;
  sent: SavedMessage[];
}

/** A saved conversation, checked and ready to put back. */
export interface LoadedConversation extends RestoredConversation {
  execution: ExecutionMode;
  /** The conversation was on the Interactions API and its steps were too large to keep: the model starts afresh. */
  interactionsNotKept: boolean;
  /** The attached files and skills to write into a new interpreter (the latest of each name), and attached files not kept. */
  files: { restore: CheckedAttachment[] } & RestoredFiles;
}

/**
 * The record to save for a conversation. A copy: nothing in it is shared with the live
 * conversation (the save completes asynchronously, while the conversation goes on).
 */
export function toSaved(snapshot: ConversationSnapshot, execution: ExecutionMode): SavedConversation {
  return {
    format: SAVED_FORMAT,
    savedAt: Date.now(),
    execution,
    entries: snapshot.entries.map(saveEntry),
    history: structuredClone(snapshot.history),
    ...(snapshot.interactions && savedSteps(snapshot.interactions)),
    sent: snapshot.sent.map(saveMessage),
  };
}

/** A JSON copy of the steps when they are small enough to keep, else the mark that they were not. */
function savedSteps({ execution, steps }: InteractionSteps): Pick<SavedConversation, 'interactions' | 'interactionsNotKept'> {
  if (steps.length > MAX_SAVED_STEPS) return { interactionsNotKept: true };
  const text = JSON.stringify(steps);
  if (text.length > MAX_SAVED_STEPS_CHARS) return { interactionsNotKept: true };
  return { interactions: { execution, steps: JSON.parse(text) as InteractionStep[] } };
}

/** Only the fields worth keeping: no live output, no retry payloads (they hold file bytes). */
function saveEntry(entry: ConversationSnapshot['entries'][number]): EntryData {
  switch (entry.kind) {
    case 'user':
      return {
        kind: 'user',
        text: entry.text,
        attachments: entry.attachments.map((a) => ({ ...a })),
        ...(entry.dropped && { dropped: true }),
        // Its index among the messages sent: an edit after a reload goes back to before it.
        ...(entry.message !== undefined && { message: entry.message }),
      };
    case 'model':
      return { kind: 'model', parts: entry.parts.map(capMedia), state: entry.state, live: [], ...(entry.calls && { calls: structuredClone(entry.calls) }) };
    case 'error':
      return { kind: 'error', error: { ...entry.error } };
    case 'notice':
      return { kind: 'notice', text: entry.text, ...(entry.divider && { divider: true }) };
  }
}

/** A copy of the part; large inline data loses its bytes (the renderer shows a note in its place). */
function capMedia(part: Part): Part {
  const blob = part.inlineData;
  if (!blob?.data || base64Bytes(blob.data) <= MAX_SAVED_MEDIA_BYTES) return structuredClone(part);
  const { data: _data, ...rest } = blob;
  return { inlineData: rest };
}

function saveMessage(message: SentMessage): SavedMessage {
  return {
    text: message.text,
    attachments: message.attachments.map(({ path, mimeType, data }) => ({
      name: path,
      mimeType,
      size: data.byteLength,
      ...(data.byteLength <= MAX_SAVED_FILE_BYTES && { data: data.slice() }),
    })),
  };
}

/**
 * Checks a stored value and turns it back into a conversation; `undefined` for anything that is
 * not a record this version wrote (it is then ignored, never half-restored). A message that was
 * still being answered when the page went away is marked as left out, as a stopped one is.
 */
export function fromSaved(value: unknown): LoadedConversation | undefined {
  if (!isSavedConversation(value)) return undefined;
  const entries: EntryData[] = [];
  for (const saved of value.entries) {
    const entry = saved.kind === 'model' ? withCheckedCalls(saved) : saved.kind === 'user' ? withCheckedIndex(saved, value.sent.length) : saved;
    if (entry.kind === 'model' && entry.state === 'streaming') {
      const user = entries.at(-1);
      if (user?.kind === 'user') entries[entries.length - 1] = { ...user, dropped: true };
      entries.push({ ...entry, state: 'stopped', live: [] }, { kind: 'notice', text: INTERRUPTED_BY_RELOAD });
    } else {
      entries.push(entry.kind === 'model' ? { ...entry, live: [] } : entry);
    }
  }
  // Bytes that were not kept come back empty: the message still counts (record mode lines messages up with turns).
  const sent: SentMessage[] = value.sent.map((message) => ({
    text: message.text,
    attachments: message.attachments.map((a) => ({ path: a.name, mimeType: a.mimeType, data: a.data ?? new Uint8Array(0) })),
  }));
  const interactions = value.interactions && loadedSteps(value.interactions);
  if (interactions === null) return undefined;
  return {
    execution: value.execution,
    entries,
    history: value.history,
    ...(interactions && { interactions }),
    interactionsNotKept: value.interactionsNotKept === true,
    sent,
    files: withSkills(attachedFiles(value.sent), entries),
  };
}

/**
 * The files, and the latest version of each skill a run wrote (`skills/<name>.py`, never a dunder
 * name: skill-files.ts), as its cell's file part kept it (one over the transcript's cap has no
 * bytes, and is not written back); nothing else a run wrote is written back. A skill a later run
 * deleted comes back: the transcript shows what runs wrote, not what they removed.
 */
function withSkills(files: LoadedConversation['files'], entries: readonly EntryData[]): LoadedConversation['files'] {
  const skills = new Map<string, CheckedAttachment>();
  for (const entry of entries) {
    if (entry.kind !== 'model') continue;
    for (const { inlineData: file } of entry.parts) {
      const path = file?.displayName;
      if (path && isSkillPath(path) && typeof file.data === 'string' && isBase64(file.data))
        skills.set(path, { path, mimeType: 'text/x-python', data: base64ToBytes(file.data) });
    }
  }
  const attached = new Set(files.restored);
  const kept = [...skills.values()].filter((skill) => !attached.has(skill.path));
  return { ...files, restore: [...files.restore, ...kept], skills: kept.map((skill) => skill.path) };
}

/** A model entry whose calls (code mode's, per cell) are checked again; calls that are not a valid list are dropped. */
function withCheckedCalls(entry: Extract<EntryData, { kind: 'model' }>): EntryData {
  const { calls, ...rest } = entry;
  const checked = checkedCellCalls(calls);
  return checked ? { ...rest, calls: checked } : rest;
}

/**
 * Saved steps, checked: an array of bounded size and count, of objects with a step `type`, and
 * plain JSON (a structured clone from storage may hold anything, cycles included). `null` when not.
 */
function loadedSteps(value: unknown): InteractionSteps | null {
  if (typeof value !== 'object' || value === null) return null;
  const { execution, steps } = value as Partial<InteractionSteps>;
  if ((execution !== 'local' && execution !== 'server') || !Array.isArray(steps) || steps.length > MAX_SAVED_STEPS) return null;
  let text: string;
  try {
    text = JSON.stringify(steps);
  } catch {
    return null;
  }
  if (text.length > MAX_SAVED_STEPS_CHARS) return null;
  const copy = JSON.parse(text) as unknown[];
  const shaped = copy.every(
    (step) => typeof step === 'object' && step !== null && !Array.isArray(step) && STEP_TYPE.test(String((step as { type?: unknown }).type)),
  );
  return shaped ? { execution, steps: copy as InteractionStep[] } : null;
}

/** The latest version of each attached file name: its bytes, or the note that they were not kept. */
function attachedFiles(messages: readonly SavedMessage[]): LoadedConversation['files'] {
  const latest = new Map<string, SavedAttachment>();
  for (const message of messages) for (const attachment of message.attachments) latest.set(attachment.name, attachment);
  const restore: CheckedAttachment[] = [];
  const dropped: string[] = [];
  for (const a of latest.values()) {
    if (a.data) restore.push({ path: a.name, mimeType: a.mimeType, data: a.data });
    else dropped.push(a.name);
  }
  return { restore, restored: restore.map((a) => a.path), dropped };
}

/** A user entry with its index among the `sent` messages only when it is one of them. */
function withCheckedIndex(entry: Extract<EntryData, { kind: 'user' }>, sent: number): EntryData {
  if (entry.message === undefined || (Number.isInteger(entry.message) && entry.message >= 0 && entry.message < sent)) return entry;
  const { message: _, ...rest } = entry;
  return rest;
}

const ENTRY_KINDS = new Set(['user', 'model', 'error', 'notice']);

/** Enough of a check that rendering and continuing cannot trip over a foreign or damaged record. */
function isSavedConversation(value: unknown): value is SavedConversation {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Partial<SavedConversation>;
  if (v.format !== SAVED_FORMAT || (v.execution !== 'local' && v.execution !== 'server')) return false;
  if (!Array.isArray(v.entries) || !Array.isArray(v.history) || !Array.isArray(v.sent)) return false;
  const entriesOk = v.entries.every(
    (e) =>
      typeof e === 'object' &&
      e !== null &&
      ENTRY_KINDS.has(e.kind) &&
      (e.kind !== 'model' || Array.isArray(e.parts)) &&
      (e.kind !== 'user' || Array.isArray(e.attachments)),
  );
  const historyOk = v.history.every((c) => (c?.role === 'user' || c?.role === 'model') && Array.isArray(c.parts));
  const sentOk = v.sent.every(
    (m) =>
      typeof m?.text === 'string' &&
      Array.isArray(m.attachments) &&
      m.attachments.every((a) => typeof a?.name === 'string' && (a.data === undefined || a.data instanceof Uint8Array)),
  );
  return entriesOk && historyOk && sentOk;
}

/** Decoded size of base64 text (close enough for a cap). */
function base64Bytes(data: string): number {
  return Math.floor((data.length * 3) / 4);
}
