/**
 * The widget's state, as types: the transcript's entries, a message as it was sent, what a
 * conversation is made of for saving and restoring, and what a chat is set up with. No code.
 */
import type { Content, Part } from '@google/genai';
import type { AgentSandbox, ExecutionMode, GeminiApi, GenAIClient, InteractionStep, LocalFunction } from '../../agent/index.js';
import type { CheckedAttachment } from '../../agent/attachments.js';
import type { OutputChunk } from '../../shared/types.js';
import type { CellCalls } from '../cell-calls.js';
import type { ReadableError } from '../error-message.js';

/** A message as the widget sent it. */
export interface SentMessage {
  text: string;
  /** In the chat's own shape (`Attachment`'s path form); saved and recorded under `name`, as those formats have it. */
  attachments: CheckedAttachment[];
}

export interface UserEntry {
  kind: 'user';
  id: number;
  text: string;
  attachments: { name: string; mimeType: string; size: number }[];
  /** Stopped or failed messages are not part of what the model sees. */
  dropped?: boolean;
  /** Its index among the messages that went through (the conversation's `sent`): set once it has. */
  message?: number;
}

export interface ModelEntry {
  kind: 'model';
  id: number;
  parts: Part[];
  state: 'streaming' | 'done' | 'stopped' | 'failed';
  /** Output of the cell running now (cleared when its result arrives). */
  live: OutputChunk[];
  /** The page functions each cell's code called (code mode), by cell: UI state beside the parts. */
  calls?: CellCalls[];
  /**
   * The result of the cell that has just ended, shown until its transcript parts arrive: the model's
   * pictures of its charts are drawn in between, so the reader sees the live charts first.
   */
  ended?: Part[];
}

/** The parts a model entry shows: its transcript, then the result of a cell that has just ended. */
export function shownParts(entry: ModelEntry): Part[] {
  return entry.ended ? [...entry.parts, ...entry.ended] : entry.parts;
}

export interface ErrorEntry {
  kind: 'error';
  id: number;
  error: ReadableError;
  /** The message to send again (absent when retrying cannot help). */
  retry?: SentMessage;
  /** Retrying means starting Python again (it failed to boot). */
  reboot?: boolean;
}

export interface NoticeEntry {
  kind: 'notice';
  id: number;
  text: string;
  /** Drawn as a divider: something changed under the conversation (Python restarted). */
  divider?: boolean;
}

export type Entry = UserEntry | ModelEntry | ErrorEntry | NoticeEntry;

/** An entry as saved: without its id (ids are per page load). */
export type EntryData = WithoutId<Entry>;
type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never;

/**
 * An Interactions chat's steps (the whole conversation: the widget does not store interactions),
 * with where its code ran: its `run_python` calls need that tool, so they go on only in that mode.
 */
export interface InteractionSteps {
  execution: ExecutionMode;
  steps: InteractionStep[];
}

/** What a conversation is made of, for saving: the transcript, the API history and the messages sent. */
export interface ConversationSnapshot {
  entries: readonly Entry[];
  history: Content[];
  /** Set when the conversation is on the Interactions API. */
  interactions?: InteractionSteps;
  sent: readonly SentMessage[];
}

/** A saved conversation to put back (see {@link Conversation.restore}). */
export interface RestoredConversation {
  entries: readonly EntryData[];
  history: Content[];
  interactions?: InteractionSteps;
  sent: readonly SentMessage[];
}

/** What the chat is created with. A change of any of these starts a new underlying chat (history carried over). */
export interface ConversationSetup {
  client: GenAIClient;
  model: string;
  execution: ExecutionMode;
  /** The API messages go through (default generateContent). */
  api?: GeminiApi;
  sandbox?: AgentSandbox;
  /** The page's functions (the element's `functions`); a new list starts a new chat. */
  functions?: readonly LocalFunction[];
}

/**
 * `entries` without the error `errorId` and the failed attempt before it (the user and model
 * entries right before it, when there are), and the message to send again; undefined when that
 * error has none.
 */
export function withoutFailedAttempt(entries: readonly Entry[], errorId: number): { entries: Entry[]; retry: SentMessage } | undefined {
  const index = entries.findIndex((entry) => entry.id === errorId);
  const entry = entries[index];
  if (entry?.kind !== 'error' || !entry.retry) return undefined;
  let start = index;
  if (entries[start - 1]?.kind === 'model') start--;
  if (entries[start - 1]?.kind === 'user') start--;
  return { entries: [...entries.slice(0, start), ...entries.slice(index + 1)], retry: entry.retry };
}
