/**
 * A voice session's turns in the widget's transcript: the Live session's own transcript (the
 * user's transcribed speech, the model's transcribed words, its runs as code cells with their
 * results) is mirrored into conversation entries, drawn by the same renderer as typed turns, and
 * a running cell's output streams into its entry as in the chat.
 */
import type { Content } from '@google/genai';
import type { LiveCodeExecutionEvent } from '../../agent/index.js';
import type { Conversation } from '../state/conversation.js';
import type { Entry, ModelEntry, UserEntry } from '../state/entries.js';
import { addCodeCall } from '../cell-calls.js';
import { appendOutput } from '../live-output.js';
import { endedRunParts } from '../state/model-parts.js';

/** How often at most the transcript is read again while words stream (it is copied on each read). */
const SYNC_INTERVAL_MS = 100;
/**
 * How long a cancelled run's "stopped" result is waited for. No event says it arrived (the session
 * adds it once the sandbox has stopped the run), so the transcript is read again until it shows.
 */
const STOPPED_RESULT_WAIT_MS = 30_000;

export class VoiceTurns {
  /** One entry per content of the session's transcript, in order. */
  private readonly entries: (UserEntry | ModelEntry)[] = [];
  /** Model turns the user spoke over: drawn as stopped. */
  private readonly cut = new Set<ModelEntry>();
  /** The model's turn is still going (its last entry streams). */
  private turnOpen = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** Cancelled runs whose result is not in the transcript yet, and until when it is waited for. */
  private stopping = new Map<string, number>();

  /**
   * @param conversation Where the entries go.
   * @param read The session's transcript (`live.getTranscript()`).
   */
  constructor(
    private readonly conversation: Pick<Conversation, 'append' | 'changed'>,
    private readonly read: () => Content[],
  ) {}

  /** Takes every session event; `output` streams into the running cell at once, the rest is read from the transcript soon. */
  onEvent(event: LiveCodeExecutionEvent): void {
    switch (event.type) {
      case 'output': {
        const model = this.lastModel();
        if (model) {
          model.live = appendOutput(model.live, event.chunk);
          this.conversation.changed();
        }
        return;
      }
      case 'code-call': {
        // The call belongs to the running cell: the last code of the last model turn (read at run-start).
        const model = this.lastModel();
        const cell = (model?.parts.filter((part) => part.executableCode).length ?? 0) - 1;
        if (model && cell >= 0) {
          model.calls = addCodeCall(model.calls ?? [], cell, event);
          this.conversation.changed();
        }
        return;
      }
      case 'interrupted':
        if (this.turnOpen) this.markCut();
        this.turnOpen = false;
        return this.sync();
      case 'turn-complete':
      case 'closed':
        this.turnOpen = false;
        return this.sync();
      case 'text':
        if (event.role === 'model') this.turnOpen = true;
        return this.soon();
      case 'run-start':
      case 'model-part':
        this.turnOpen = true;
        return this.sync();
      case 'call-cancelled':
        if (event.was === 'running') this.stopping.set(event.callId, Date.now() + STOPPED_RESULT_WAIT_MS);
        return this.sync();
      case 'run-end': {
        // Shown now, as in the chat: the session's transcript gets the result once the charts' pictures are drawn.
        const model = this.lastModel();
        if (model) {
          model.ended = endedRunParts(event.code, event.result, undefined);
          model.live = [];
        }
        return this.sync();
      }
      case 'function-response':
        return this.sync();
      default:
        return;
    }
  }

  /** Reads the transcript once more now and stops following it (the session ended). */
  finish(): void {
    this.turnOpen = false;
    this.sync();
    this.stopping.clear();
    clearTimeout(this.timer);
  }

  private soon(): void {
    this.timer ??= setTimeout(() => this.sync(), SYNC_INTERVAL_MS);
  }

  private sync(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const contents = this.read();
    contents.forEach((content, index) => this.update(content, index, index === contents.length - 1));
    this.conversation.changed();
    if (this.stopping.size > 0) this.awaitStopped(contents);
  }

  private update(content: Content, index: number, last: boolean): void {
    const parts = content.parts ?? [];
    let entry = this.entries[index];
    if (!entry || (entry.kind === 'user') !== (content.role === 'user')) {
      const data =
        content.role === 'user'
          ? { kind: 'user' as const, text: '', attachments: [] }
          : { kind: 'model' as const, parts: [], state: 'streaming' as const, live: [] };
      entry = this.conversation.append(data) as UserEntry | ModelEntry;
      this.entries[index] = entry;
    }
    if (entry.kind === 'user') {
      entry.text = parts.map((part) => part.text ?? '').join('');
      return;
    }
    entry.parts = parts;
    // Once every cell has its result here, the running one's output and ended result are in the
    // transcript (an earlier cell's result does not end a later cell's output).
    if (parts.filter((part) => part.codeExecutionResult).length >= parts.filter((part) => part.executableCode).length) {
      entry.live = [];
      entry.ended = undefined;
    }
    entry.state = this.cut.has(entry) ? 'stopped' : last && this.turnOpen ? 'streaming' : 'done';
  }

  /** Reads again soon while a cancelled run's result is still missing (and not waited for too long). */
  private awaitStopped(contents: Content[]): void {
    const now = Date.now();
    for (const [id, until] of this.stopping) {
      const shown = contents.some((content) => content.parts?.some((part) => part.codeExecutionResult?.id === id));
      if (shown || now > until) this.stopping.delete(id);
    }
    if (this.stopping.size > 0) this.soon();
  }

  private markCut(): void {
    const model = this.lastModel();
    if (model) this.cut.add(model);
  }

  private lastModel(): ModelEntry | undefined {
    const last: Entry | undefined = this.entries.at(-1);
    return last?.kind === 'model' ? last : undefined;
  }
}
