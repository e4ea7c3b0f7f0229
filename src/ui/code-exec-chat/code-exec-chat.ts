/**
 * `<code-exec-chat>`: a chat with Gemini in which the model's Python runs in this browser
 * (Pyodide in a worker) or on Gemini's servers, or a recorded demo replays with its code run live.
 *
 * Each instance owns its own {@link PythonSandbox}; `sandbox` and the `cec-sandbox-ready` event
 * share it with other code on the page.
 */
import type { GoogleGenAI } from '@google/genai';
import { LitElement, type PropertyValues, html, nothing } from 'lit';
import type { Attachment, ExecutionMode } from '../../agent/index.js';
import type { PythonSandbox } from '../../sandbox/python-sandbox.js';
import { ApiKeyStore } from '../api-key-store.js';
import { BlobUrls } from '../blob-urls.js';
import type { CecComposer } from '../cec-composer/cec-composer.js';
import type { CecKeyForm } from '../cec-key-form/cec-key-form.js';
import { closeIcon } from '../icons.js';
import type { Figure } from '../render-parts.js';
import type { ComposerSubmitEvent } from '../cec-composer/events.js';
import type { DemoSelectEvent } from '../cec-demo-picker/events.js';
import type { KeySubmitEvent } from '../cec-key-form/events.js';
import type { CecSettings } from '../cec-settings/cec-settings.js';
import type { ModelChangeEvent, PackageIndexChangeEvent } from '../cec-settings/events.js';
import { PYPI_SIMPLE_URL, PackageIndexChoice } from '../package-index-choice.js';
import { Conversation, type ErrorEntry } from '../conversation.js';
import { type ReadableError, describeError } from '../error-message.js';
import { liveClient, replayClient } from '../genai-client.js';
import { type SentMessage, recordingFromSession } from '../replay/recorder.js';
import type { Recording } from '../replay/recording.js';
import { restartDivider, restartNoteForModel } from '../python-restart.js';
import { toSaved } from '../saved-conversation.js';
import { controls, themeTokens, titleBar } from '../styles/theme.js';
import { transcriptStyles } from '../styles/transcript.js';
import { chatStyles } from './code-exec-chat.styles.js';
import { ChatErrorEvent, MessageCompleteEvent, SandboxReadyEvent } from './events.js';
import { type ActiveDemo, DemoController } from './demo-controller.js';
import { renderEntry } from './render-entry.js';
import { SandboxController } from './sandbox-controller.js';
import { BootingSandbox } from '../booting-sandbox.js';
import { resolveLimits } from '../../sandbox/limits.js';
import { FollowOutput } from './follow-output.js';
import { SavedSlot } from './saved-slot.js';

/** The execution modes, in the order the header's switch shows them. */
const MODES: readonly ExecutionMode[] = ['local', 'server'];

/** The model used when the `model` attribute is absent. */
export const DEFAULT_MODEL = 'gemini-2.5-flash';

/**
 * The chat element. Attributes are listed on the properties below; everything else it offers:
 *
 * @event cec-sandbox-ready - {@link SandboxReadyEvent}: the widget's Python booted; `detail.sandbox` shares it.
 * @event cec-error - {@link ChatErrorEvent}: a message failed or Python could not start; `detail.error` says why.
 * @event cec-message-complete - {@link MessageCompleteEvent}: the model finished answering a message.
 *
 * @cssproperty --cec-bg - Background. @cssproperty --cec-fg - Text colour.
 * @cssproperty --cec-surface - Raised surfaces (cells, composer). @cssproperty --cec-surface-2 - Nested surfaces.
 * @cssproperty --cec-muted - Secondary text. @cssproperty --cec-border - Borders.
 * @cssproperty --cec-accent - Buttons and links. @cssproperty --cec-accent-fg - Text on the accent. @cssproperty --cec-accent-soft - Accent backgrounds.
 * @cssproperty --cec-ok - OK outcome (and `--cec-ok-soft`). @cssproperty --cec-danger - Errors (and `--cec-danger-soft`). @cssproperty --cec-warn - Warnings (and `--cec-warn-soft`).
 * @cssproperty --cec-code-bg - Code background. @cssproperty --cec-font - Text font. @cssproperty --cec-mono-font - Code font.
 * @cssproperty --cec-font-size - Base font size. @cssproperty --cec-radius - Corner radius. @cssproperty --cec-shadow - Shadows.
 * @cssproperty --cec-content-width - Width of the transcript column.
 *
 * @csspart header - The title bar (name, model, where code runs, New, Settings).
 * @csspart demo-bar - The bar shown while a recorded demo plays.
 * @csspart progress - Python's load progress bar.
 * @csspart transcript - The scrolling conversation.
 * @csspart composer - The message box and its buttons.
 */
export class CodeExecChat extends LitElement {
  static override styles = [themeTokens, controls, titleBar, transcriptStyles, ...chatStyles];

  static override properties = {
    model: { type: String, attribute: 'model' },
    execution: { type: String, attribute: 'execution' },
    pyodideUrl: { type: String, attribute: 'pyodide-url' },
    packagesUrl: { type: String, attribute: 'packages-url' },
    packageIndex: { type: String, attribute: 'package-index' },
    workerUrl: { type: String, attribute: 'worker-url' },
    apiKey: { type: String, attribute: 'api-key' },
    baseUrl: { type: String, attribute: 'base-url' },
    demo: { type: String, attribute: 'demo' },
    demosUrl: { type: String, attribute: 'demos-url' },
    theme: { type: String, attribute: 'theme', reflect: true },
    heading: { type: String, attribute: 'heading' },
    headingLevel: { type: Number, attribute: 'heading-level' },
    storageKey: { type: String, attribute: 'storage-key' },
    persist: { type: String, attribute: 'persist' },
    _dragging: { state: true },
    _copied: { state: true },
    _enlarged: { state: true },
    _needKey: { state: true },
    _statusNote: { state: true },
  };

  /** Gemini model name. */
  declare model: string;
  /** Where the model's code runs: `local` (this browser) or `server` (Gemini's code execution tool). */
  declare execution: ExecutionMode;
  /** Folder with Pyodide's runtime files (`indexURL`). Default: `pyodide/` beside the widget script. */
  declare pyodideUrl: string | undefined;
  /** Where package wheels come from (`packageBaseUrl`). Default: the Pyodide CDN. */
  declare packagesUrl: string | undefined;
  /**
   * The Python package index Settings offers for imports the lock file does not provide
   * (`packageIndex`); the reader turns it on there (off by default, remembered in this browser).
   * Default: PyPI. `none`: Settings offers no index.
   */
  declare packageIndex: string | undefined;
  /** The sandbox worker script. Default: `worker.js` beside the widget script. */
  declare workerUrl: string | undefined;
  /**
   * Gemini API key. Prefer setting the property from script: an `api-key` attribute is visible in
   * the page's HTML to anyone who can read it. Either way the key is held in memory only.
   */
  declare apiKey: string;
  /** Gemini API base URL (e.g. a proxy that adds the key server-side). Default: Google's endpoint. */
  declare baseUrl: string | undefined;
  /** URL of a recorded demo to load (a `code-exec-chat/recording@1` JSON file). */
  declare demo: string | undefined;
  /** URL of a demo index (`[{ id, title, description, url }]`): offers the demos as a picker. */
  declare demosUrl: string | undefined;
  /** `light`, `dark`, or absent to follow the OS setting. */
  declare theme: 'light' | 'dark' | 'auto' | undefined;
  /** Title in the header. */
  declare heading: string;
  /**
   * The level of the title's heading (default 2: the host page keeps its own `h1`); the welcome and
   * each turn ("You", "Gemini") are headed one level below it.
   */
  declare headingLevel: number;
  /**
   * Under which key this widget's conversation is kept in the page's IndexedDB. Default: the
   * element's `id`, else `default`. Give each widget of a site its own key.
   */
  declare storageKey: string | undefined;
  /** `off`: keep nothing in the browser's storage (the conversation lasts as long as the page). */
  declare persist: string | undefined;

  declare private _dragging: boolean;
  /** Code just copied (its button says "Copied" for a moment). */
  declare private _copied: string | undefined;
  /** The figure shown larger in the viewer dialog. */
  declare private _enlarged: Figure | undefined;
  /** A message was sent without a key while the welcome showed: its key form says so. */
  declare private _needKey: boolean;
  /** Said by the status region instead of the phase (e.g. "Copied"), until the next message. */
  declare private _statusNote: string;
  private copiedTimer: ReturnType<typeof setTimeout> | undefined;

  private readonly keys = new ApiKeyStore();
  private readonly indexChoice = new PackageIndexChoice();
  private readonly blobUrls = new BlobUrls();
  private readonly conversation = new Conversation(() => this.requestUpdate());
  private readonly saved = new SavedSlot(
    () => (this.persist === 'off' ? undefined : this.storageKey || this.id || 'default'),
    (message) => this.conversation.notice(message),
  );
  /** Settles once a saved conversation is back on screen (or there was none); sending waits for it. */
  private restoring: Promise<void> = Promise.resolve();
  /** A message was sent from this page: only then does the status region speak (a restored answer is not news). */
  private sentHere = false;
  /** A boot that failed while a message was being answered, until the message ends. */
  private bootFailure: unknown;
  /** Restored attachments not yet written into the sandbox (it may not have booted yet). */
  private filesToRestore: Attachment[] = [];
  private readonly demos = new DemoController(this);
  private readonly python = new SandboxController(this, {
    options: () => ({
      ...(this.pyodideUrl && { indexURL: new URL(this.pyodideUrl, document.baseURI).href }),
      ...(this.packagesUrl && { packageBaseUrl: new URL(this.packagesUrl, document.baseURI).href }),
      ...(this.workerUrl && { workerUrl: new URL(this.workerUrl, document.baseURI) }),
      ...(this.indexOffered() && this.indexChoice.on && { packageIndex: new URL(this.indexOffered()!, document.baseURI).href }),
    }),
    ready: (sandbox) => {
      void this.writeRestoredFiles(sandbox);
      this.dispatchEvent(new SandboxReadyEvent(sandbox));
    },
    // Reported once per attempt, with a Retry that boots again; during a message, by the run that
    // needed Python (its error resends the message), or after the message if nothing ran.
    failed: (error) => {
      if (this.conversation.busy) this.bootFailure = error;
      else this.reportError(describeError(error), 'reboot');
    },
    disposing: () => {
      this.conversation.stop();
      this.blobUrls.revokeAll();
    },
  });
  private client: { key: string; value: GoogleGenAI } | undefined;
  private readonly followOutput = new FollowOutput(
    this,
    () => this.renderRoot.querySelector<HTMLElement>('.transcript'),
    () => this.conversation.entries.length > 0,
  );

  constructor() {
    super();
    this.model = DEFAULT_MODEL;
    this.execution = 'local';
    this.apiKey = '';
    this.heading = 'Python chat';
    this.headingLevel = 2;
    this._dragging = false;
    this._needKey = false;
    this._statusNote = '';
  }

  /** The sandbox, once it has booted (see {@link CodeExecChat.ensureSandbox}). */
  get sandbox(): PythonSandbox | undefined {
    return this.python.current;
  }

  /** The recorded demo being played, if any. */
  get activeDemo(): Recording | undefined {
    return this.demos.active?.recording;
  }

  /** Boots this widget's sandbox (once) and resolves with it. */
  ensureSandbox(): Promise<PythonSandbox> {
    return this.python.ensure();
  }

  /** Sends a message as if typed (attachments are written to the sandbox in local mode). */
  async send(text: string, attachments: SentMessage['attachments'] = []): Promise<void> {
    await this.sendMessage({ text, attachments });
  }

  /** Stops the message in flight; code running for it is interrupted. */
  stop(): void {
    this.conversation.stop();
  }

  /** Starts a new conversation (Python variables and files are kept). The saved conversation is deleted. */
  clear(): void {
    this.conversation.clear();
    this.blobUrls.revokeAll();
    // In a demo, New restarts the demo: the live conversation it hides is not what is being cleared.
    if (!this.demos.active) this.saved.forget();
    void this.prefillDemo();
  }

  /** Loads a recorded demo: its model turns answer, its code runs live here. */
  async loadDemo(url: string): Promise<void> {
    try {
      const recording = await this.demos.play(url);
      this.conversation.clear();
      this.blobUrls.revokeAll();
      this.conversation.notice(`Demo: ${recording.title}. The model's turns are replayed from a recording; the code runs live in your browser.`);
      await this.prefillDemo();
      if (recording.execution === 'local') this.python.start();
    } catch (error) {
      this.reportError(describeError(error));
    }
  }

  /** Leaves the demo: messages go to Gemini again (with an API key). */
  exitDemo(): void {
    this.demos.stop();
    this.demo = undefined;
    this.conversation.clear();
    this.blobUrls.revokeAll();
    const composer = this.composer();
    if (composer) {
      composer.value = '';
      composer.attachments = [];
    }
    // Back to the live conversation the demo was hiding.
    this.restoring = this.restoreSaved();
  }

  /**
   * The session so far as a recording (record mode): replaying it answers with the same model
   * turns while the code runs live again.
   */
  exportRecording(options: { title?: string; description?: string } = {}): Recording {
    return recordingFromSession({
      title: options.title ?? `Recorded session ${new Date().toISOString().slice(0, 16).replace('T', ' ')}`,
      ...(options.description && { description: options.description }),
      model: this.model,
      execution: this.effectiveExecution,
      history: this.conversation.history(),
      sent: this.conversation.sentMessages,
    });
  }

  /** Downloads {@link CodeExecChat.exportRecording} as a JSON file. */
  downloadRecording(): void {
    try {
      const recording = this.exportRecording();
      const url = URL.createObjectURL(new Blob([JSON.stringify(recording, null, 2)], { type: 'application/json' }));
      const link = Object.assign(document.createElement('a'), { href: url, download: 'session.recording.json' });
      link.click();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (error) {
      this.reportError(describeError(error));
    }
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.addEventListener('keydown', this.onHostKeyDown);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.removeEventListener('keydown', this.onHostKeyDown);
  }

  protected override firstUpdated(): void {
    if (this.execution === 'local' || this.demo) this.python.start();
    this.restoring = this.restoreSaved();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('demo') && this.demo) void this.loadDemo(this.demo);
    if (changed.has('demosUrl') && this.demosUrl) void this.demos.loadList(this.demosUrl);
    if (changed.has('execution') && changed.get('execution') !== undefined && this.conversation.entries.length > 0) {
      this.conversation.notice(this.execution === 'server' ? 'Code now runs on Gemini\'s servers (server-side code execution).' : 'Code now runs here, in your browser.');
      this.save();
    }
  }

  // ---- sending ----

  private get effectiveExecution(): ExecutionMode {
    return this.demos.active?.recording.execution ?? (this.execution === 'server' ? 'server' : 'local');
  }

  private get effectiveKey(): string {
    return this.apiKey || this.keys.value;
  }

  /** The client for the next message: the demo's replay, or the live API with the key. */
  private currentClient(): GoogleGenAI | undefined {
    const demo = this.demos.active;
    const cacheKey = demo ? `demo:${demo.url}` : `live:${this.effectiveKey}:${this.baseUrl ?? ''}`;
    if (this.client?.key === cacheKey) return this.client.value;
    if (!demo && !this.effectiveKey) return undefined;
    // The SDK needs an absolute base URL; the attribute may be relative to the page (a same-origin proxy).
    const baseUrl = this.baseUrl ? new URL(this.baseUrl, document.baseURI).href.replace(/\/$/, '') : undefined;
    const value = demo ? replayClient(demo.recording) : liveClient(this.effectiveKey, baseUrl);
    this.client = { key: cacheKey, value };
    return value;
  }

  private async sendMessage(message: SentMessage): Promise<void> {
    if (this.conversation.busy) return;
    // A message sent right after the page loads continues the saved conversation, not a new one.
    await this.restoring;
    const client = this.currentClient();
    if (!client) {
      await this.askForKey(message);
      return;
    }
    this._statusNote = '';
    const execution = this.effectiveExecution;
    const model = this.demos.active?.recording.model ?? this.model;
    this.sentHere = true;
    this.followOutput.resume();
    // On screen at once, with Stop, even while Python is still loading. The model is asked at once
    // too; its first run waits for Python (BootingSandbox). Files to attach need Python first.
    const python = async () => {
      const sandbox = await this.python.ensure();
      await this.writeRestoredFiles(sandbox);
      return sandbox;
    };
    const sending = this.conversation.send(message, async () => {
      if (execution !== 'local') return { client, model, execution };
      if (this.python.current || message.attachments.length > 0) return { client, model, execution, sandbox: await python() };
      return { client, model, execution, sandbox: new BootingSandbox(python, { timeoutMs: resolveLimits().timeoutMs }) };
    });
    // send() puts the message on screen before it first waits: saved now, a reload mid-answer keeps the question.
    this.save();
    const sent = await sending;
    this.save();
    this.reportBootFailureLeftUnsaid();
    if (!sent) {
      // Python did not start (reported, with a Retry): the message goes back in the box, nothing typed is lost.
      this.putBack(message);
      return;
    }
    const last = this.conversation.entries.at(-1);
    if (last?.kind === 'error') this.dispatchEvent(new ChatErrorEvent(last.error));
    else this.dispatchEvent(new MessageCompleteEvent());
    await this.prefillDemo();
  }

  /** Puts a message that was not sent back in the box. */
  private putBack(message: SentMessage): void {
    const composer = this.composer();
    if (composer) {
      composer.value = message.text;
      composer.attachments = message.attachments;
    }
  }

  /**
   * A message sent without a key stays in the box, and focus goes to where a key is entered: the
   * welcome's key form (beside the demos) while it shows, else Settings (the form and the demos).
   */
  private async askForKey(message: SentMessage): Promise<void> {
    this.putBack(message);
    if (this.conversation.entries.length === 0) {
      this._needKey = true;
      await this.updateComplete;
      const form = this.renderRoot.querySelector<CecKeyForm>('.welcome cec-key-form');
      if (form) {
        form.scrollIntoView({ block: 'nearest' });
        form.focus();
        return;
      }
    }
    this.reportError({ title: 'Add a Gemini API key to chat', detail: 'Your message is still in the box. Enter your key in Settings, or pick one of the recorded demos there (they work offline, without a key).', retryable: false, fix: 'api-key' });
    this.settings()?.open('key');
  }

  /** A boot that failed during the message the conversation did not report (no code ran): said now, with a Retry that boots again. */
  private reportBootFailureLeftUnsaid(): void {
    const failure = this.bootFailure;
    this.bootFailure = undefined;
    if (failure !== undefined && this.conversation.entries.at(-1)?.kind !== 'error') this.reportError(describeError(failure), 'reboot');
  }

  private reportError(error: ReadableError, retry?: SentMessage | 'reboot'): void {
    this.conversation.showError(error, retry);
    this.dispatchEvent(new ChatErrorEvent(error));
  }

  /** In a demo, puts the next recorded message (and its files) in the composer, ready to send. */
  private async prefillDemo(): Promise<void> {
    if (!this.demos.active) return;
    await this.updateComplete;
    const composer = this.composer();
    if (!composer) return;
    try {
      const next = await this.demos.nextMessage(this.conversation.sentMessages.length);
      composer.value = next?.text ?? '';
      composer.attachments = next?.attachments ?? [];
    } catch (error) {
      this.reportError(describeError(error));
    }
  }

  // ---- persistence ----

  /** Saves the conversation on screen. Demos are not saved: their recording replays them. */
  private save(): void {
    if (this.demos.active || this.conversation.entries.length === 0) return;
    this.saved.save(toSaved(this.conversation.snapshot(), this.effectiveExecution));
  }

  /**
   * Puts the saved conversation back on screen, unless something else is there by then (a demo,
   * a message). A conversation saved by an earlier page load ran in another interpreter: the
   * reader and the model are told, and the attached files are written into this one.
   */
  private async restoreSaved(): Promise<void> {
    // The page asked for a demo: that is what it shows.
    if (this.demo) return;
    const saved = await this.saved.load();
    const screenTaken = () => Boolean(this.demos.active) || this.conversation.entries.length > 0;
    if (!saved || screenTaken()) return;
    if (saved.execution !== this.execution) {
      this.execution = saved.execution;
      if (saved.execution === 'local') this.python.start();
      // Rendered before the entries come back, so the switch is not announced as a change.
      await this.updateComplete;
      if (screenTaken()) return;
    }
    this.conversation.restore(saved);
    // Saved by this page (a demo hid it for a while): same interpreter, nothing restarted.
    if (this.saved.savedHere) return;
    if (saved.execution === 'local') {
      this.conversation.notice(restartDivider(saved.files), { divider: true });
      this.conversation.tellModel(restartNoteForModel(saved.files));
    }
    this.filesToRestore = saved.files.restore;
    if (this.python.current) await this.writeRestoredFiles(this.python.current);
  }

  /** Writes restored attachments into the sandbox (once). Queued together, they land before any later run. */
  private async writeRestoredFiles(sandbox: PythonSandbox): Promise<void> {
    const files = this.filesToRestore.splice(0);
    if (files.length === 0) return;
    try {
      await Promise.all(files.map((file) => sandbox.writeFile(file.name, file.data)));
    } catch (error) {
      this.reportError({ title: 'Could not restore the attached files', detail: `${describeError(error).detail} Attach them again if the code needs them.`, retryable: false });
    }
  }

  // ---- UI events ----

  private composer(): CecComposer | null {
    return this.renderRoot.querySelector('cec-composer');
  }

  /** Esc stops the message in flight (Python loading for it included) wherever focus is in the widget; an open dialog keeps its own Esc. */
  private readonly onHostKeyDown = (event: KeyboardEvent): void => {
    const inOpenDialog = event.composedPath().some((target) => target instanceof HTMLDialogElement && target.open);
    if (event.key === 'Escape' && this.conversation.busy && !inOpenDialog) {
      event.preventDefault();
      this.stop();
    }
  };

  private onSubmit(event: ComposerSubmitEvent): void {
    const { text, attachments } = event.detail;
    void this.sendMessage({ text, attachments });
  }

  private onRetry(entry: ErrorEntry): void {
    if (entry.reboot) {
      this.conversation.remove(entry.id);
      this.python.start();
      return;
    }
    const message = this.conversation.takeRetry(entry.id);
    if (message) void this.sendMessage(message);
  }

  private settings(): CecSettings | null {
    return this.renderRoot.querySelector('cec-settings');
  }

  private openSettings(): void {
    this.settings()?.open();
  }

  private onKeySubmit(event: KeySubmitEvent): void {
    this.keys.set(event.detail.key, event.detail.remember);
    this._needKey = false;
    this.apiKey = '';
    this.requestUpdate();
    this.settings()?.close();
    if (this.demos.active) this.exitDemo();
  }

  private onKeyForget(): void {
    this.keys.clear();
    this.apiKey = '';
    this.client = undefined;
    this.requestUpdate();
  }

  private async onDemoSelect(event: DemoSelectEvent): Promise<void> {
    this.settings()?.close();
    await this.loadDemo(event.detail.demo.url);
    // The card the reader picked went with the welcome: focus goes where the demo's first message waits.
    this.composer()?.focus();
  }

  private onModeChange(mode: ExecutionMode): void {
    this.execution = mode;
    if (mode === 'local') this.python.start();
  }

  /** The ARIA radio pattern: one tab stop (the checked mode); arrows, Home and End move to a mode and select it. */
  private readonly onModeKeyDown = (event: KeyboardEvent): void => {
    const at = MODES.indexOf(this.effectiveExecution);
    const step: Record<string, number> = { ArrowRight: at + 1, ArrowDown: at + 1, ArrowLeft: at - 1, ArrowUp: at - 1, Home: 0, End: MODES.length - 1 };
    if (!(event.key in step) || event.altKey || event.ctrlKey || event.metaKey) return;
    event.preventDefault();
    const mode = MODES[(step[event.key]! + MODES.length) % MODES.length]!;
    if (mode === this.effectiveExecution || this.conversation.busy || this.demos.active) return;
    this.onModeChange(mode);
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>(`.segmented [data-mode="${mode}"]`)?.focus());
  };

  private onDragOver(event: DragEvent): void {
    if (!event.dataTransfer?.types.includes('Files')) return;
    event.preventDefault();
    this._dragging = true;
  }

  private onDrop(event: DragEvent): void {
    event.preventDefault();
    this._dragging = false;
    const files = event.dataTransfer?.files;
    if (files && files.length > 0) void this.composer()?.addFiles([...files]);
  }

  /** Copies a cell's code: its button says "Copied" for a moment and the status region says it once. */
  private async copy(text: string): Promise<void> {
    try {
      if (!navigator.clipboard) throw new Error('no clipboard');
      await navigator.clipboard.writeText(text);
      this._copied = text;
      this._statusNote = 'Copied';
      clearTimeout(this.copiedTimer);
      this.copiedTimer = setTimeout(() => (this._copied = undefined), 2_000);
    } catch {
      this._statusNote = 'Could not copy: the browser did not allow it';
    }
  }

  private async enlarge(figure: Figure): Promise<void> {
    this._enlarged = figure;
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLDialogElement>('dialog.figure-viewer')?.showModal();
  }

  // ---- rendering ----

  override render() {
    const busy = this.conversation.busy;
    const demo = this.demos.active;
    const hasKey = Boolean(this.effectiveKey);
    const execution = this.effectiveExecution;
    return html`
      <div class="frame" @dragover=${this.onDragOver} @dragleave=${() => (this._dragging = false)} @drop=${this.onDrop}>
        <div class="title-bar top" part="header">
          <div class="brand">
            <span class="logo" aria-hidden="true">${pythonMark}</span>
            <div class="titles">
              <div class="title" role="heading" aria-level=${this.level(0)}>${this.heading}</div>
              <span class="subtitle">${demo ? 'Recorded demo · code runs live' : execution === 'server' ? `${this.model} · code runs on Gemini` : `${this.model} · Python runs in your browser`}</span>
            </div>
          </div>
          <div class="actions">
            <div class="segmented" role="radiogroup" aria-label="Where code runs" @keydown=${this.onModeKeyDown}>
              ${MODES.map(
                (mode) => html`<button
                  type="button"
                  role="radio"
                  data-mode=${mode}
                  aria-checked=${execution === mode ? 'true' : 'false'}
                  tabindex=${execution === mode ? '0' : '-1'}
                  ?disabled=${busy || Boolean(demo)}
                  @click=${() => this.onModeChange(mode)}
                >
                  ${mode === 'local' ? 'In browser' : 'Gemini server'}
                </button>`,
              )}
            </div>
            <button type="button" class="ghost" aria-label="New chat" title="New chat" ?disabled=${busy} @click=${() => this.clear()}>${icons.plus}<span class="label">New</span></button>
            <button type="button" class="ghost" aria-label="Settings" title="Settings" @click=${this.openSettings}>${icons.gear}</button>
          </div>
        </div>
        ${demo
          ? html`<div class="demo-bar" part="demo-bar">
              <span><strong>Demo</strong> · ${demo.recording.title}</span>
              <button type="button" class="ghost" ?disabled=${busy} @click=${() => this.exitDemo()}>Exit demo</button>
            </div>`
          : nothing}
        <cec-load-progress class="progress" part="progress" .progress=${this.python.progress} ?hidden=${!this.python.progressVisible}></cec-load-progress>

        <!-- A region, not a main landmark (the host page has its own) and not a live region: the status below announces phases, not every streamed word. Focusable, so the keyboard scrolls it. -->
        <section class="transcript" part="transcript" aria-label="Conversation" tabindex="0" @scroll=${this.followOutput.onScroll}>
          <div class="column">${this.conversation.entries.length === 0 ? this.renderWelcome(hasKey) : this.renderTranscript()}</div>
        </section>
        <div class="visually-hidden" role="status" data-phase>${this.phase()}</div>

        <div class="bottom" part="composer">
          <div class="column">
            <cec-composer
              .busy=${busy}
              .hint=${this.runtimeHint()}
              .notice=${this.effectiveExecution === 'local' && !globalThis.crossOriginIsolated ? 'Stop restarts Python on this page (no cross-origin isolation)' : ''}
              .placeholder=${this.placeholder(demo, hasKey)}
              @cec-submit=${this.onSubmit}
              @cec-stop=${() => this.stop()}
              @cec-attach-error=${(e: CustomEvent<{ message: string }>) => this.reportError({ title: 'Could not attach the file', detail: e.detail.message, retryable: false })}
            ></cec-composer>
          </div>
        </div>
        ${this._dragging ? html`<div class="drop" aria-hidden="true"><span>Drop files to attach them</span></div>` : nothing}
      </div>
      <cec-settings
        ?has-key=${hasKey}
        .remembered=${this.keys.remembered}
        .model=${this.model}
        .demos=${this.demos.list}
        ?can-record=${this.conversation.sentMessages.length > 0}
        @cec-key-submit=${this.onKeySubmit}
        @cec-key-forget=${this.onKeyForget}
        @cec-demo-select=${this.onDemoSelect}
        @cec-model-change=${(e: ModelChangeEvent) => (this.model = e.detail.model || DEFAULT_MODEL)}
        @cec-save-recording=${() => this.downloadRecording()}
        package-index=${this.indexOffered() ?? ''}
        ?package-index-on=${this.indexChoice.on}
        @cec-package-index-change=${(e: PackageIndexChangeEvent) => {
          this.indexChoice.set(e.detail.on);
          this.requestUpdate();
        }}
      ></cec-settings>
      ${this._enlarged ? this.renderFigureViewer(this._enlarged) : nothing}
    `;
  }

  /** The enlarged figure: a modal dialog (Esc or a click beside it closes it; focus goes back to its Enlarge button). */
  private renderFigureViewer(figure: Figure) {
    const close = (e: Event) => (e.currentTarget as HTMLElement).closest('dialog')?.close();
    return html`<dialog class="figure-viewer" aria-label=${figure.alt} @close=${() => (this._enlarged = undefined)} @click=${(e: MouseEvent) => e.target === e.currentTarget && close(e)}>
      <div class="viewer-head"><span>${figure.alt}</span><button type="button" class="ghost" aria-label="Close figure" @click=${close}>${closeIcon}</button></div>
      <img alt=${figure.alt} src=${figure.src} />
    </dialog>`;
  }

  /** The index Settings offers, or undefined when the page turned it off (`package-index="none"`). */
  private indexOffered(): string | undefined {
    return this.packageIndex === 'none' ? undefined : (this.packageIndex ?? PYPI_SIMPLE_URL);
  }

  private renderTranscript() {
    return this.conversation.entries.map((entry) =>
      renderEntry(entry, {
        render: { downloadUrl: this.blobUrls.urlFor, onCopy: (text) => void this.copy(text), copied: this._copied, onEnlarge: (figure) => void this.enlarge(figure), pythonLoading: this.python.loading },
        onRetry: (e) => this.onRetry(e),
        onFix: () => this.openSettings(),
        headingLevel: this.level(1),
      }),
    );
  }

  private renderWelcome(hasKey: boolean) {
    const demo = this.demos.active;
    if (demo) {
      return html`<section class="welcome">
        <div class="welcome-title" role="heading" aria-level=${this.level(1)}>${demo.recording.title}</div>
        ${demo.recording.description ? html`<p>${demo.recording.description}</p>` : nothing}
        <p class="muted">The first message is in the box below. Press <strong>Send</strong> to play it: the model's answers come from the recording, and its Python runs here, live.</p>
      </section>`;
    }
    return html`<section class="welcome">
      <div class="welcome-title" role="heading" aria-level=${this.level(1)}>Ask a question that needs code</div>
      <p>Gemini writes Python and ${this.effectiveExecution === 'server' ? 'runs it on Google\'s servers' : 'it runs right here, in your browser (Pyodide, in a sandboxed worker)'}. Attach CSV, text or image files and the code can read them by name.</p>
      <div class="welcome-grid ${hasKey || this.demos.list.length === 0 ? 'single' : ''}">
        ${this.demos.list.length > 0
          ? html`<div class="panel">
              <div class="panel-title" role="heading" aria-level=${this.level(2)}>Try a recorded demo</div>
              <p class="muted">No key needed, works offline.</p>
              <cec-demo-picker .demos=${this.demos.list} @cec-demo-select=${this.onDemoSelect}></cec-demo-picker>
            </div>`
          : nothing}
        ${hasKey
          ? nothing
          : html`<div class="panel">
              <div class="panel-title" role="heading" aria-level=${this.level(2)}>Chat with Gemini</div>
              <p class="muted">Bring your own API key from Google AI Studio.</p>
              ${this._needKey ? html`<p class="need-key" role="alert">Add your key here to send your message (it is still in the box), or try a recorded demo.</p>` : nothing}
              <cec-key-form @cec-key-submit=${this.onKeySubmit}></cec-key-form>
            </div>`}
      </div>
    </section>`;
  }

  /** A heading level `depth` below the title's (ARIA allows 1 to 6). */
  private level(depth: number): number {
    const base = Number.isInteger(this.headingLevel) ? this.headingLevel : 2;
    return Math.min(6, Math.max(1, base) + depth);
  }

  /**
   * What the status region says: the phase of the message in flight, then its outcome. Only a
   * change is announced, so a screen reader hears "Running code", "Answer ready", not the stream.
   */
  private phase(): string {
    if (this._statusNote) return this._statusNote;
    if (!this.sentHere) return '';
    const last = this.conversation.entries.findLast((entry) => entry.kind === 'model' || entry.kind === 'user');
    if (this.conversation.busy) {
      if (last?.kind !== 'model') return this.python.progressVisible ? 'Python is loading' : 'Sending';
      const code = last.parts.filter((part) => part.executableCode).length;
      const results = last.parts.filter((part) => part.codeExecutionResult).length;
      return code > results ? 'Running code' : 'Gemini is answering';
    }
    if (last?.kind !== 'model') return '';
    return last.state === 'done' ? 'Answer ready' : last.state === 'stopped' ? 'Stopped' : '';
  }

  private placeholder(demo: ActiveDemo | undefined, hasKey: boolean): string {
    if (demo) return demo.recording.messages.length > this.conversation.sentMessages.length ? 'Press Send to play the next step of the demo' : 'End of the demo. Exit it to chat with Gemini live.';
    return hasKey ? 'Ask something that needs code…' : 'Add an API key in Settings, or try a demo';
  }

  private runtimeHint(): string {
    if (this.effectiveExecution === 'server') return 'Code runs on Gemini\'s servers';
    const version = this.python.current?.versions.python;
    return version ? `Python ${version.split(' ')[0]} in your browser` : 'Python in your browser';
  }

}

const pythonMark = html`<svg viewBox="0 0 24 24" aria-hidden="true"><path fill="currentColor" d="M11.9 2c-4.6 0-4.3 2-4.3 2v2.1h4.4v.6H5.8S2.8 6.4 2.8 11.1s2.6 4.5 2.6 4.5h1.6v-2.2s-.1-2.6 2.6-2.6h4.4s2.5 0 2.5-2.4V4.5S16.9 2 11.9 2zM9.5 3.4a.8.8 0 1 1 0 1.6.8.8 0 0 1 0-1.6z" /><path fill="currentColor" opacity=".65" d="M12.1 22c4.6 0 4.3-2 4.3-2v-2.1H12v-.6h6.2s3 .3 3-4.4-2.6-4.5-2.6-4.5H17v2.2s.1 2.6-2.6 2.6H10s-2.5 0-2.5 2.4v3.9S7.1 22 12.1 22zm2.4-1.4a.8.8 0 1 1 0-1.6.8.8 0 0 1 0 1.6z" /></svg>`;

const icons = {
  plus: html`<svg viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" aria-hidden="true"><path d="M12 5v14M5 12h14" /></svg>`,
  gear: html`<svg viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true"><circle cx="12" cy="12" r="3" /><path d="M19.4 15a1.7 1.7 0 0 0 .3 1.8l.1.1a2 2 0 1 1-2.8 2.8l-.1-.1a1.7 1.7 0 0 0-1.8-.3 1.7 1.7 0 0 0-1 1.5V21a2 2 0 1 1-4 0v-.1a1.7 1.7 0 0 0-1.1-1.5 1.7 1.7 0 0 0-1.8.3l-.1.1a2 2 0 1 1-2.8-2.8l.1-.1a1.7 1.7 0 0 0 .3-1.8 1.7 1.7 0 0 0-1.5-1H3a2 2 0 1 1 0-4h.1a1.7 1.7 0 0 0 1.5-1.1 1.7 1.7 0 0 0-.3-1.8l-.1-.1a2 2 0 1 1 2.8-2.8l.1.1a1.7 1.7 0 0 0 1.8.3H9a1.7 1.7 0 0 0 1-1.5V3a2 2 0 1 1 4 0v.1a1.7 1.7 0 0 0 1 1.5 1.7 1.7 0 0 0 1.8-.3l.1-.1a2 2 0 1 1 2.8 2.8l-.1.1a1.7 1.7 0 0 0-.3 1.8V9a1.7 1.7 0 0 0 1.5 1H21a2 2 0 1 1 0 4h-.1a1.7 1.7 0 0 0-1.5 1z" /></svg>`,
};
