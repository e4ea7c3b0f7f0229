/**
 * The conversation behind the chat widget: drives the agent loop (one message at a time,
 * streamed) and keeps the view model the widget renders. No DOM here.
 *
 * Failure policy follows the loop's: a failed or stopped message leaves the API history as it was
 * (the model never sees half a message), while the screen keeps what happened, marked as such.
 */
import type { Content, GenerateContentResponse } from '@google/genai';
import { type CodeExecutionChat, type CodeExecutionEvent, createCodeExecutionChat } from '../../agent/index.js';
import { functionsFor } from './functions-for.js';
import { type ListedFiles, listedFiles } from '../../agent/run-python/files.js';
import { appendParts, endedRunParts } from './model-parts.js';
import { addCodeCall } from '../cell-calls.js';
import { type ReadableError, describeError, describeRefusal } from '../error-message.js';
import { carriedHistory } from './history-for-mode.js';
import { appendOutput } from '../live-output.js';
import { PYTHON_RESTARTED_DURING_MESSAGE } from '../python-restart.js';
import { untilAborted } from '../../sandbox/runs/abort-signals.js';
import { warmChartView } from '../charts/load-chart-view.js';
import { PYTHON_REWOUND } from '../../agent/message-starts.js';
import { MessageStarts, type SavedRewinds } from './saved-rewind.js';
import {
  type ConversationSetup,
  type ConversationSnapshot,
  type Entry,
  type EntryData,
  type InteractionSteps,
  type ModelEntry,
  type RestoredConversation,
  type SentMessage,
  type UserEntry,
  withoutFailedAttempt,
} from './entries.js';

/** What a chat is made with: a change to any of them makes a new one. */
const SETUP_KEYS = ['client', 'model', 'execution', 'api', 'sandbox', 'functions'] as const;

/** The widget's conversation: its transcript (the view model it renders) and the chat behind it. */
export class Conversation {
  entries: Entry[] = [];
  /** True while a message is in flight. */
  busy = false;
  private chat: CodeExecutionChat | undefined;
  private setup: ConversationSetup | undefined;
  private abort: AbortController | undefined;
  private current: ModelEntry | undefined;
  /** The files of the run that just ended, bounded: shown once its result arrives. */
  private pendingFiles: ListedFiles | undefined;
  private readonly sent: SentMessage[] = [];
  /** History to continue from when the chat is (re)created: a restored conversation's. */
  private restoredHistory: Content[] = [];
  /** Steps a restored Interactions conversation continues from (by the first chat, if it is on Interactions in the same mode). */
  private restoredSteps: InteractionSteps | undefined;
  /** Said to the model with the next message that goes through (e.g. that Python restarted). */
  private noteForModel: string | undefined;
  /** A run of the message in flight lost the interpreter (crash, fatal error, forced stop). */
  private stateLost = false;
  /** Runs of the message in flight so far: the n-th run is the n-th code cell, where its calls are listed. */
  private runs = 0;
  private nextId = 1;
  /** The index in `sent` of the first message the chat in use sent: it can rewind to that one and later ones. */
  private chatBase = 0;
  /** Python as it was before each message, kept by the widget across reloads: messages from before the chat in use can be rewound with it. */
  savedRewinds: SavedRewinds | undefined;
  private readonly starts = new MessageStarts();

  /** @param onChange called whenever `entries` or `busy` change (the element re-renders). */
  constructor(private readonly onChange: () => void) {}

  /** The messages that went through, in order (for recording). */
  get sentMessages(): readonly SentMessage[] {
    return this.sent;
  }

  /** The API history (what the model sees) of a generateContent chat. An Interactions chat keeps steps instead (see {@link snapshot}): it gives none. */
  history(): Content[] {
    if (this.setup?.api === 'interactions') return [];
    return this.chat?.getHistory() ?? structuredClone(this.restoredHistory);
  }

  /** The conversation as it stands, for saving. Live objects: the caller copies what it keeps. */
  snapshot(): ConversationSnapshot {
    const interactions = this.interactionSteps();
    return { entries: this.entries, history: this.history(), ...(interactions && { interactions }), sent: this.sent };
  }

  /** The Interactions steps the next message continues from, with the mode they were made in. */
  private interactionSteps(): InteractionSteps | undefined {
    if (!this.chat) return this.restoredSteps;
    if (this.setup?.api !== 'interactions') return undefined;
    return { execution: this.setup.execution, steps: this.chat.getInteractionHistory().steps };
  }

  /**
   * Puts a saved conversation back: the transcript as it was, and the API history the next
   * message continues from (the chat is created with it on the next {@link Conversation.configure}).
   */
  restore(saved: RestoredConversation): void {
    this.clear();
    this.entries = saved.entries.map((entry) => ({ ...entry, id: this.nextId++ }) as Entry);
    this.restoredHistory = structuredClone(saved.history);
    this.restoredSteps = saved.interactions && structuredClone(saved.interactions);
    this.sent.push(...saved.sent);
    this.onChange();
  }

  /**
   * Adds `note` to the next message the model receives (before the user's text; not shown in the
   * transcript). Kept until a message goes through.
   */
  tellModel(note: string): void {
    this.noteForModel = note;
  }

  /** Paths of the files attached so far (still in the sandbox, restored after a reload), but those of `sending`. */
  attachedFiles(sending?: UserEntry): string[] {
    return this.entries.flatMap((entry) => (entry.kind === 'user' && entry !== sending ? entry.attachments.map((a) => a.name) : []));
  }

  /**
   * Uses these settings from the next message on; the conversation so far is carried over.
   * `sending` is the message being sent, already on screen: its files are not "attached earlier".
   */
  configure(setup: ConversationSetup, sending?: UserEntry): CodeExecutionChat {
    const previous = this.setup;
    const same = previous && SETUP_KEYS.every((key) => previous[key] === setup[key]);
    if (same && this.chat) return this.chat;
    // Files attached earlier are still in the sandbox (restored after a reload): the model is told.
    const existingFiles = this.attachedFiles(sending);
    const functions = functionsFor(setup.functions ?? [], setup.execution);
    const carried = carriedHistory(setup, { chat: this.chat, previous, restoredHistory: this.restoredHistory, restoredSteps: this.restoredSteps });
    const base = { ai: setup.client, model: setup.model, existingFiles, functions, onEvent: this.onEvent, ...carried };
    this.chat =
      setup.execution === 'server'
        ? createCodeExecutionChat({ ...base, execution: 'server' })
        : createCodeExecutionChat({ ...base, execution: 'local', sandbox: setup.sandbox! });
    this.setup = setup;
    this.chatBase = this.sent.length;
    return this.chat;
  }

  /** Starts over: empty transcript and history. */
  clear(): void {
    this.stop();
    this.entries = [];
    this.sent.length = 0;
    this.restoredHistory = [];
    this.restoredSteps = undefined;
    this.noteForModel = undefined;
    this.chat = undefined;
    this.setup = undefined;
    this.onChange();
  }

  /**
   * Whether `entry` can be edited or regenerated: a message that went through the chat in use, or
   * an earlier one (before a reload) whose history is cut where it starts and whose Python before it is kept.
   */
  canRewind(entry: UserEntry): boolean {
    const message = entry.message;
    if (this.busy || message === undefined) return false;
    if (this.chat && message >= this.chatBase) return true;
    return !!this.savedRewinds?.has(message) && this.messageStart(message) !== undefined;
  }

  /**
   * Takes `entry` and everything after it off the screen and out of the chat, with Python back to
   * before its first cell (`chat.rewind`); a line says what became of Python. Resolves false when
   * it could not (an error entry says why; nothing else changed).
   */
  async rewindTo(entry: UserEntry): Promise<boolean> {
    const index = this.canRewind(entry) ? this.entries.indexOf(entry) : -1;
    if (index < 0) return false;
    this.busy = true;
    this.onChange();
    try {
      const rewind =
        this.chat && entry.message! >= this.chatBase ? await this.chat.rewind(entry.message! - this.chatBase) : await this.rewindSaved(entry.message!);
      this.entries = this.entries.slice(0, index);
      this.sent.length = entry.message!;
      if (rewind.python === 'rewound') this.savedRewinds?.rewound(entry.message!);
      if (rewind.python !== 'untouched') this.entries = [...this.entries, { kind: 'notice', id: this.nextId++, text: rewind.note }];
      return true;
    } catch (error) {
      this.entries = [...this.entries, { kind: 'error', id: this.nextId++, error: describeError(error) }];
      return false;
    } finally {
      this.busy = false;
      this.onChange();
    }
  }

  /** Back to before a message from before the chat in use: Python as kept before it, the history cut there, and a new chat from it on the next message. */
  private async rewindSaved(message: number): Promise<{ python: 'rewound'; note: string }> {
    const start = this.messageStart(message);
    if (start === undefined || !this.savedRewinds) throw new Error('This message can no longer be edited.');
    await this.savedRewinds.restore(message);
    this.restoredHistory = this.history().slice(0, start);
    this.restoredSteps = undefined;
    this.chat = undefined;
    this.setup = undefined;
    return { python: 'rewound', note: PYTHON_REWOUND };
  }

  /** Where message `message` starts in the history (read again only when it changed: the widget asks on every render). */
  private messageStart(message: number): number | undefined {
    const starts = this.starts.of([this.chat, this.restoredHistory, this.sent.length], () => this.history());
    return starts.length === this.sent.length ? starts[message] : undefined;
  }

  /** Adds a line between messages (mode switches, demo loaded…); `divider` for a change under the conversation. */
  notice(text: string, options: { divider?: boolean } = {}): void {
    this.entries = [...this.entries, { kind: 'notice', id: this.nextId++, text, ...(options.divider && { divider: true }) }];
    this.onChange();
  }

  /** Shows an error that happened before a message could be sent (no key, Python failed to boot). */
  showError(error: ReadableError, retry?: SentMessage | 'reboot'): void {
    const action = retry === 'reboot' ? { reboot: true } : retry ? { retry } : {};
    this.entries = [...this.entries, { kind: 'error', id: this.nextId++, error, ...action }];
    this.onChange();
  }

  /**
   * Adds a turn made elsewhere (a voice session's) at the end of the transcript, with an id. The
   * caller may change it in place later and then call {@link Conversation.changed}. It is not part
   * of the history the chat's model sees.
   */
  append(entry: EntryData): Entry {
    const added = { ...entry, id: this.nextId++ } as Entry;
    this.entries = [...this.entries, added];
    this.onChange();
    return added;
  }

  /** Redraws after entries were changed in place (see {@link Conversation.append}). */
  changed(): void {
    this.entries = [...this.entries];
    this.onChange();
  }

  /** Removes an entry (a dismissed or handled error). */
  remove(id: number): void {
    this.entries = this.entries.filter((entry) => entry.id !== id);
    this.onChange();
  }

  /** Stops the message in flight; its running code is interrupted through the same signal. */
  stop(): void {
    this.abort?.abort();
  }

  /**
   * Removes an error entry and the failed attempt before it, and returns the message to send
   * again (the caller sends it, after making sure the client and sandbox are ready).
   */
  takeRetry(errorId: number): SentMessage | undefined {
    const taken = withoutFailedAttempt(this.entries, errorId);
    if (!taken) return undefined;
    this.entries = taken.entries;
    this.onChange();
    return taken.retry;
  }

  /**
   * Sends a message and streams the answer into `entries`. The message is on screen, and `busy`
   * (so Stop works), at once; `prepare` (booting Python, say) runs after, and the chat is set up
   * with what it returns (see {@link Conversation.configure}). Stopping while it runs cancels the
   * send. Never throws: failures become an error entry with a retry. Resolves `false` when
   * `prepare` failed: the message is taken back off the screen (the caller reports why and gives
   * the text back).
   */
  async send(message: SentMessage, prepare: () => Promise<ConversationSetup>): Promise<boolean> {
    if (this.busy) return false;
    const user: UserEntry = {
      kind: 'user',
      id: this.nextId++,
      text: message.text,
      attachments: message.attachments.map((a) => ({ name: a.path, mimeType: a.mimeType, size: a.data.byteLength })),
    };
    const model: ModelEntry = { kind: 'model', id: this.nextId++, parts: [], state: 'streaming', live: [] };
    this.entries = [...this.entries, user, model];
    this.current = model;
    this.pendingFiles = undefined;
    this.stateLost = false;
    this.runs = 0;
    this.busy = true;
    const abort = new AbortController();
    this.abort = abort;
    this.onChange();

    let finishReason: string | undefined;
    let blockReason: string | undefined;
    let prepared = false;
    let withdrawn = false;
    try {
      const chat = this.configure(await untilAborted(prepare(), abort.signal), user);
      prepared = true;
      const text = message.text.trim() || 'See the attached files.';
      const note = this.noteForModel;
      const stream = await chat.sendMessageStream({
        message: note ? [note, text] : text,
        attachments: message.attachments,
        config: { abortSignal: abort.signal },
      });
      for await (const chunk of stream) {
        this.absorb(model, chunk);
        finishReason = chunk.candidates?.[0]?.finishReason ?? finishReason;
        blockReason = chunk.promptFeedback?.blockReason ?? blockReason;
      }
      model.state = 'done';
      // An empty answer is not kept in the chat's history, so only then can the message be sent again.
      const empty = model.parts.length === 0;
      if (empty) {
        user.dropped = true;
      } else {
        user.message = this.sent.push(message) - 1;
        // The note is in the history now; a dropped message leaves it for the next one.
        if (this.noteForModel === note) this.noteForModel = undefined;
      }
      const refusal = describeRefusal({ finishReason, blockReason, partCount: model.parts.length });
      if (refusal)
        this.entries = [...this.entries, { kind: 'error', id: this.nextId++, error: refusal, ...(refusal.retryable && empty && { retry: message }) }];
    } catch (error) {
      user.dropped = true;
      if (!prepared && !abort.signal.aborted) {
        withdrawn = true;
        this.entries = this.entries.filter((entry) => entry !== user && entry !== model);
      } else if (abort.signal.aborted) {
        model.state = 'stopped';
        this.entries = [
          ...this.entries,
          { kind: 'notice', id: this.nextId++, text: 'Stopped. This message and its answer were left out of the conversation the model sees.' },
        ];
      } else {
        model.state = 'failed';
        const readable = describeError(error);
        this.entries = [...this.entries, { kind: 'error', id: this.nextId++, error: readable, retry: message }];
      }
    } finally {
      if (this.stateLost) this.entries = [...this.entries, { kind: 'notice', id: this.nextId++, text: PYTHON_RESTARTED_DURING_MESSAGE, divider: true }];
      model.live = [];
      model.ended = undefined;
      this.busy = false;
      this.abort = undefined;
      this.current = undefined;
      this.entries = [...this.entries];
      this.onChange();
    }
    return !withdrawn;
  }

  /** Appends a streamed chunk's parts (model-parts.ts). */
  private absorb(model: ModelEntry, chunk: GenerateContentResponse): void {
    if (appendParts(model, chunk.candidates?.[0]?.content?.parts ?? [], this.pendingFiles)) this.pendingFiles = undefined;
    this.entries = [...this.entries];
    this.onChange();
  }

  private readonly onEvent = (event: CodeExecutionEvent): void => {
    const model = this.current;
    if (!model) return;
    if (event.type === 'run-start') {
      warmChartView(event.code);
      this.runs++;
      model.live = [];
    } else if (event.type === 'code-call') {
      model.calls = addCodeCall(model.calls ?? [], this.runs - 1, event);
    } else if (event.type === 'output') {
      model.live = appendOutput(model.live, event.chunk);
    } else if (event.type === 'run-end') {
      warmChartView(event.code, event.result.charts.length > 0);
      this.pendingFiles = event.result.files.length > 0 ? listedFiles(event.result.files) : undefined;
      if (event.result.stateLost) this.stateLost = true;
      // Shown now, not when the transcript's parts come: those wait for the charts' pictures.
      model.ended = endedRunParts(event.code, event.result, this.pendingFiles);
      model.live = [];
    } else {
      return;
    }
    this.entries = [...this.entries];
    this.onChange();
  };
}
