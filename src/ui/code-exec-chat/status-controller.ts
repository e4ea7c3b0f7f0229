/**
 * What the widget's status region (visually hidden, for screen readers) says: the phase of the
 * message in flight, then its outcome; or a note, such as "Copied", until the next message. Copying
 * a cell's code is here because it speaks through the region too. (No lifecycle of its own, so not
 * a Lit ReactiveController.)
 */
import type { ReactiveControllerHost } from 'lit';
import type { Conversation } from '../state/conversation.js';

export class StatusController {
  /** Code just copied (its button says "Copied" for a moment). */
  copied: string | undefined;
  /** Said instead of the phase (e.g. "Copied"), until the next message. */
  private note = '';
  /** A message was sent from this page: only then does the region speak (a restored answer is not news). */
  private sentHere = false;
  private copiedTimer: ReturnType<typeof setTimeout> | undefined;

  /** @param pythonLoading Whether the load progress bar shows (a message waiting for it is "Python is loading"). */
  constructor(
    private readonly host: Pick<ReactiveControllerHost, 'requestUpdate'>,
    private readonly conversation: Pick<Conversation, 'entries' | 'busy'>,
    private readonly pythonLoading: () => boolean,
  ) {}

  /**
   * What the region says now. Only a change is announced, so a screen reader hears "Running code",
   * "Answer ready", not the stream.
   */
  get text(): string {
    if (this.note) return this.note;
    if (!this.sentHere) return '';
    const last = this.conversation.entries.findLast((entry) => entry.kind === 'model' || entry.kind === 'user');
    if (this.conversation.busy) {
      if (last?.kind !== 'model') return this.pythonLoading() ? 'Python is loading' : 'Sending';
      const code = last.parts.filter((part) => part.executableCode).length;
      const results = last.parts.filter((part) => part.codeExecutionResult).length;
      return code > results ? 'Running code' : 'Gemini is answering';
    }
    if (last?.kind !== 'model') return '';
    return last.state === 'done' ? 'Answer ready' : last.state === 'stopped' ? 'Stopped' : '';
  }

  /** A message is being sent from this page: the region speaks about it from now on, and a note ends. */
  messageSent(): void {
    this.note = '';
    this.sentHere = true;
    this.host.requestUpdate();
  }

  /** Copies a cell's code: its button says "Copied" for a moment and the region says it once. */
  async copy(text: string): Promise<void> {
    try {
      if (!navigator.clipboard) throw new Error('no clipboard');
      await navigator.clipboard.writeText(text);
      this.copied = text;
      this.note = 'Copied';
      clearTimeout(this.copiedTimer);
      this.copiedTimer = setTimeout(() => {
        this.copied = undefined;
        this.host.requestUpdate();
      }, 2_000);
    } catch {
      this.note = 'Could not copy: the browser did not allow it';
    }
    this.host.requestUpdate();
  }
}
