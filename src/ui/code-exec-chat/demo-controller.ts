/**
 * The widget's recorded demos: the list its picker offers, the demo being played (its recording,
 * where it came from, its next message waiting in the composer), and record mode, which turns the
 * live session into a recording. Playing or leaving a demo swaps what the transcript shows; the
 * element says how through {@link DemoHooks}. (No lifecycle of its own, so not a Lit
 * ReactiveController.)
 */
import type { ReactiveControllerHost } from 'lit';
import type { ExecutionMode } from '../../agent/index.js';
import type { CecComposer } from '../cec-composer/cec-composer.js';
import type { DemoSelectEvent } from '../cec-demo-picker/events.js';
import type { CecSettings } from '../cec-settings/cec-settings.js';
import type { Conversation } from '../state/conversation.js';
import { type ReadableError, describeError } from '../error-message.js';
import { recordingFromSession } from '../replay/recorder.js';
import type { SentMessage } from '../state/entries.js';
import { type DemoListing, type Recording, attachmentBytes, loadRecording } from '../replay/recording.js';

/** A demo being played. `url` is absolute: its attachments' URLs are relative to it. */
export interface ActiveDemo {
  recording: Recording;
  url: string;
}

/** The element's public properties the demos read and write. */
export interface DemoHost extends ReactiveControllerHost {
  /** The `demo` attribute: cleared when the reader leaves the demo, so it is not loaded again. */
  demo: string | undefined;
  /** The model a recording of the session names. */
  readonly model: string;
}

/** What the demos ask of the element's private parts. */
export interface DemoHooks {
  /** Empties the transcript (and lets go of its files' object URLs): a demo starts, or ends, on a clean screen. */
  clearTranscript(): void;
  /** Where code runs now: what a recording of the session says. */
  execution(): ExecutionMode;
  /** Boots Python in the background (a demo whose code runs in the browser). */
  startPython(): void;
  /** Puts the live conversation the demo was hiding back on screen. */
  restoreSaved(): void;
  /** Shows an error in the transcript and tells the page. */
  reportError(error: ReadableError): void;
  composer(): CecComposer | null;
  settings(): CecSettings | null;
}

export class DemoController {
  /** The demos offered; empty without a list, or when the list could not be loaded. */
  list: DemoListing[] = [];
  /** The demo being played, if any. */
  active: ActiveDemo | undefined;

  constructor(
    private readonly host: DemoHost,
    private readonly conversation: Conversation,
    private readonly hooks: DemoHooks,
  ) {}

  /** Plays the recording at `url` (relative to the page) from its first message; a failure is shown in the transcript. */
  async load(url: string): Promise<void> {
    try {
      const recording = await this.play(url);
      this.hooks.clearTranscript();
      this.conversation.notice(`Demo: ${recording.title}. The model's turns are replayed from a recording; the code runs live in your browser.`);
      await this.prefill();
      if (recording.execution === 'local') this.hooks.startPython();
    } catch (error) {
      this.hooks.reportError(describeError(error));
    }
  }

  /** Leaves the demo, back to the live conversation it was hiding. */
  exit(): void {
    this.active = undefined;
    this.host.requestUpdate();
    this.host.demo = undefined;
    this.hooks.clearTranscript();
    const composer = this.hooks.composer();
    if (composer) {
      composer.value = '';
      composer.attachments = [];
    }
    this.hooks.restoreSaved();
  }

  /** In a demo, puts the next recorded message (and its files) in the composer, ready to send. */
  async prefill(): Promise<void> {
    if (!this.active) return;
    await this.host.updateComplete;
    const composer = this.hooks.composer();
    if (!composer) return;
    try {
      const next = await this.nextMessage(this.conversation.sentMessages.length);
      composer.value = next?.text ?? '';
      composer.attachments = next?.attachments ?? [];
    } catch (error) {
      this.hooks.reportError(describeError(error));
    }
  }

  /** A demo picked in the welcome or in Settings. */
  readonly onSelect = async (event: DemoSelectEvent): Promise<void> => {
    this.hooks.settings()?.close();
    await this.load(event.detail.demo.url);
    // The card the reader picked went with the welcome: focus goes where the demo's first message waits.
    this.hooks.composer()?.focus();
  };

  /** Loads the list of demos to offer. The picker is optional: a list that fails to load offers none. */
  async loadList(url: string): Promise<void> {
    try {
      const absolute = new URL(url, document.baseURI);
      const response = await fetch(absolute);
      if (!response.ok) throw new Error(`Could not load the demo list (HTTP ${response.status})`);
      const list = (await response.json()) as DemoListing[];
      this.list = list.map((demo) => ({ ...demo, url: new URL(demo.url, absolute).href }));
    } catch {
      this.list = [];
    }
    this.host.requestUpdate();
  }

  /** The session so far as a recording (record mode). */
  exportRecording(options: { title?: string; description?: string }): Recording {
    return recordingFromSession({
      title: options.title ?? `Recorded session ${new Date().toISOString().slice(0, 16).replace('T', ' ')}`,
      ...(options.description && { description: options.description }),
      model: this.host.model,
      execution: this.hooks.execution(),
      history: this.conversation.history(),
      sent: this.conversation.sentMessages,
    });
  }

  /** Downloads the session's recording as a JSON file; a failure is shown in the transcript. */
  downloadRecording(): void {
    try {
      const recording = this.exportRecording({});
      const url = URL.createObjectURL(new Blob([JSON.stringify(recording, null, 2)], { type: 'application/json' }));
      const link = Object.assign(document.createElement('a'), { href: url, download: 'session.recording.json' });
      link.click();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (error) {
      this.hooks.reportError(describeError(error));
    }
  }

  /**
   * Loads the recording at `url` (relative to the page) and makes it the active demo.
   * @throws {Error} the recording could not be fetched or is not a recording (the message says which).
   */
  private async play(url: string): Promise<Recording> {
    const absolute = new URL(url, document.baseURI).href;
    const recording = await loadRecording(absolute);
    this.active = { recording, url: absolute };
    this.host.requestUpdate();
    return recording;
  }

  /**
   * The demo's next message after `sent` messages, with its attachments' bytes; undefined at the
   * end of the demo or outside one.
   * @throws {Error} an attachment could not be fetched.
   */
  private async nextMessage(sent: number): Promise<SentMessage | undefined> {
    const demo = this.active;
    const next = demo?.recording.messages[sent];
    if (!demo || !next) return undefined;
    const attachments = await Promise.all(
      (next.attachments ?? []).map(async (a) => ({ path: a.name, mimeType: a.mimeType, data: await attachmentBytes(a, demo.url) })),
    );
    return { text: next.text, attachments };
  }
}
