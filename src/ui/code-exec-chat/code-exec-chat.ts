/**
 * `<code-exec-chat>`: a chat with Gemini in which the model's Python runs in this browser
 * (Pyodide in a worker) or on Gemini's servers, or a recorded demo replays with its code run live.
 *
 * Each instance owns its own {@link PythonSandbox}; `sandbox` and the `cec-sandbox-ready` event
 * share it with other code on the page.
 */
import { LitElement, type PropertyValues, html, nothing } from 'lit';
import { checkAttachments } from '../../agent/attachments.js';
import type { Attachment, ExecutionMode, GeminiApi, LocalFunction } from '../../agent/index.js';
import { resolveFunctions } from '../../agent/setup.js';
import type { PythonSandbox } from '../../sandbox/python-sandbox.js';
import type { CecComposer } from '../cec-composer/cec-composer.js';
import type { ComposerSubmitEvent } from '../cec-composer/events.js';
import type { Figure } from '../render-parts.js';
import type { CecSettings } from '../cec-settings/cec-settings.js';
import { PYPI_SIMPLE_URL } from '../package-index-choice.js';
import type { ErrorEntry, UserEntry } from '../state/entries.js';
import type { ReadableError } from '../error-message.js';
import type { SentMessage } from '../state/entries.js';
import type { Recording } from '../replay/recording.js';
import { controls, themeTokens, titleBar } from '../styles/theme.js';
import { cellCallsStyles } from '../styles/cell-calls.js';
import { transcriptStyles } from '../styles/transcript.js';
import { type ChatAttributes, DEFAULT_MODEL, chatProperties } from './attributes.js';
import { chatControllers } from './chat-controllers.js';
import { chatStyles } from './code-exec-chat.styles.js';
import type { CodeExecChatElement } from './element-api.js';
import { composerPlaceholder, runtimeHint, stopNotice } from './composer-texts.js';
import { ChatErrorEvent, type MessageCompleteEvent, SandboxReadyEvent } from './events.js';
import type { ActiveDemo } from './demo-controller.js';
import { EscapeKey } from './escape-key.js';
import { renderFigureViewer } from './figure-viewer.js';
import { renderEntry } from './render-entry.js';
import { renderSettingsPanel } from './settings-panel.js';
import { apiSwitchNotice, executionSwitchNotice } from './switch-notices.js';
import { renderVoiceBar, voiceStyles } from './voice-bar.js';
import { modeForKey, renderTitleBar } from './title-bar.js';
import { renderWelcome } from './welcome.js';

export { DEFAULT_MODEL };

/** The element's attributes as typed properties ({@link ChatAttributes}, in attributes.ts). */
export interface CodeExecChat extends ChatAttributes {}

/**
 * The chat element. Its attributes are documented on {@link ChatAttributes}, its properties and
 * methods on {@link CodeExecChatElement}; everything else it offers:
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
// biome-ignore lint/suspicious/noUnsafeDeclarationMerging: Lit defines the attributes' accessors from `properties`; the interface above only types them.
export class CodeExecChat extends LitElement implements CodeExecChatElement {
  static override styles = [themeTokens, controls, titleBar, transcriptStyles, cellCallsStyles, ...chatStyles, voiceStyles];

  static override properties = { ...chatProperties, _enlarged: { state: true }, _editing: { state: true } };

  /** The figure shown larger in the viewer dialog. */
  declare private _enlarged: Figure | undefined;
  /** The earlier message being edited in the composer: sending replaces it (and what came after). */
  declare private _editing: UserEntry | undefined;

  private pageFunctions: readonly LocalFunction[] = Object.freeze([]);

  private readonly parts = chatControllers(this, {
    clearTranscript: () => this.clearTranscript(),
    execution: () => this.effectiveExecution,
    api: () => this.effectiveApi,
    reportError: (error, retry) => this.reportError(error, retry),
    composer: () => this.composer(),
    settings: () => this.settings(),
    indexOffered: () => this.indexOffered(),
  });

  constructor() {
    super();
    // Esc ends the voice session, else stops the message in flight (Python loading for it included).
    new EscapeKey(this, () => {
      if (this.parts.voice.state !== 'off') this.parts.voice.end();
      else if (this.parts.conversation.busy) this.stop();
      else return false;
      return true;
    });
    this.model = DEFAULT_MODEL;
    this.execution = 'local';
    this.api = 'generateContent';
    this.apiKey = '';
    this.heading = 'Python chat';
    this.headingLevel = 2;
    // A list the page set before the element was defined is an own property hiding the accessor: taken over (and checked).
    if (Object.hasOwn(this, 'functions')) {
      const early = this.functions;
      delete (this as Partial<this>).functions;
      this.functions = early;
    }
  }

  // The public members below are documented on CodeExecChatElement (element-api.ts).
  get sandbox(): PythonSandbox | undefined {
    return this.parts.python.current;
  }

  get activeDemo(): Recording | undefined {
    return this.parts.demos.active?.recording;
  }

  get functions(): readonly LocalFunction[] {
    return this.pageFunctions;
  }

  set functions(value: readonly LocalFunction[]) {
    const list = Object.freeze([...(value ?? [])]);
    // Checked as a chat whose code runs here would check them: the page hears of a mistake now, not at the next message.
    resolveFunctions(list, true);
    this.pageFunctions = list;
  }

  ensureSandbox(): Promise<PythonSandbox> {
    return this.parts.python.ensure();
  }

  async send(text: string, attachments: readonly Attachment[] = []): Promise<void> {
    await this.parts.sender.send({ text, attachments: checkAttachments(attachments) });
  }

  stop(): void {
    this.parts.conversation.stop();
  }

  clear(): void {
    this.clearTranscript();
    // In a demo, New restarts the demo: the live conversation it hides is not what is being cleared.
    if (!this.parts.demos.active) this.parts.savedChat.forget();
    void this.parts.demos.prefill();
  }

  loadDemo(url: string): Promise<void> {
    return this.parts.demos.load(url);
  }

  exitDemo(): void {
    this.parts.demos.exit();
  }

  exportRecording(options: { title?: string; description?: string } = {}): Recording {
    return this.parts.demos.exportRecording(options);
  }

  downloadRecording(): void {
    this.parts.demos.downloadRecording();
  }

  protected override firstUpdated(): void {
    if (this.execution === 'local' || this.demo) this.parts.python.start();
    this.parts.savedChat.restore();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('demo') && this.demo) void this.loadDemo(this.demo);
    if (changed.has('demosUrl') && this.demosUrl) void this.parts.demos.loadList(this.demosUrl);
    if (this.parts.conversation.entries.length === 0) return;
    const executionNote =
      changed.has('execution') && changed.get('execution') !== undefined ? executionSwitchNotice(this.execution, this.effectiveApi) : undefined;
    const apiNote = changed.has('api') && !this.parts.demos.active ? apiSwitchNotice(changed.get('api'), this.api) : undefined;
    for (const note of [executionNote, apiNote]) if (note) this.parts.conversation.notice(note);
    if (executionNote || apiNote) this.parts.savedChat.save();
  }

  /** The API of the next message: a demo's replay answers generateContent requests only. */
  private get effectiveApi(): GeminiApi {
    return !this.parts.demos.active && this.api === 'interactions' ? 'interactions' : 'generateContent';
  }

  private get effectiveExecution(): ExecutionMode {
    return this.parts.demos.active?.recording.execution ?? (this.execution === 'server' ? 'server' : 'local');
  }

  private reportError(error: ReadableError, retry?: SentMessage | 'reboot'): void {
    this.parts.conversation.showError(error, retry);
    this.dispatchEvent(new ChatErrorEvent(error));
  }

  /** An empty transcript: the conversation goes, and the object URLs of its files with it. */
  private clearTranscript(): void {
    this.parts.conversation.clear();
    this.parts.blobUrls.revokeAll();
  }

  // ---- UI events ----

  private composer(): CecComposer | null {
    return this.renderRoot.querySelector('cec-composer');
  }

  private onSubmit(event: ComposerSubmitEvent): void {
    const { text, attachments } = event.detail;
    const editing = this._editing;
    this._editing = undefined;
    void (editing ? this.parts.sender.resend(editing, { text, attachments }) : this.parts.sender.send({ text, attachments }));
  }

  /** Edit: the message goes into the composer; sending it rewinds to before it (Cancel leaves everything as it is). */
  private onEdit(entry: UserEntry): void {
    const composer = this.composer();
    const sent = this.parts.conversation.sentMessages[entry.message!];
    if (!composer || !sent) return;
    composer.value = sent.text;
    composer.attachments = [...sent.attachments];
    this._editing = entry;
    composer.focus();
  }

  private cancelEdit(): void {
    const composer = this.composer();
    if (composer) composer.value = '';
    this._editing = undefined;
    composer?.focus();
  }

  private onRetry(entry: ErrorEntry): void {
    if (entry.reboot) {
      this.parts.conversation.remove(entry.id);
      this.parts.python.start();
      return;
    }
    const message = this.parts.conversation.takeRetry(entry.id);
    if (message) void this.parts.sender.send(message);
  }

  private settings(): CecSettings | null {
    return this.renderRoot.querySelector('cec-settings');
  }

  private openSettings(): void {
    this.settings()?.open();
  }

  private onModeChange(mode: ExecutionMode): void {
    this.execution = mode;
    if (mode === 'local') this.parts.python.start();
  }

  /** The ARIA radio pattern: one tab stop (the checked mode); arrows, Home and End move to a mode and select it. */
  private readonly onModeKeyDown = (event: KeyboardEvent): void => {
    const mode = modeForKey(event, this.effectiveExecution);
    if (!mode) return;
    event.preventDefault();
    if (mode === this.effectiveExecution || this.parts.conversation.busy || this.parts.demos.active) return;
    this.onModeChange(mode);
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>(`.segmented [data-mode="${mode}"]`)?.focus());
  };

  private async enlarge(figure: Figure): Promise<void> {
    this._enlarged = figure;
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLDialogElement>('dialog.figure-viewer')?.showModal();
  }

  // ---- rendering ----

  override render() {
    const busy = this.parts.conversation.busy;
    const demo = this.parts.demos.active;
    const hasKey = Boolean(this.parts.keys.effectiveKey);
    const execution = this.effectiveExecution;
    return html`
      <div class="frame" @dragover=${this.parts.fileDrop.onDragOver} @dragleave=${this.parts.fileDrop.onDragLeave} @drop=${this.parts.fileDrop.onDrop}>
        ${renderTitleBar({
          heading: this.heading,
          headingLevel: this.level(0),
          model: this.model,
          execution,
          demo,
          busy,
          onModeChange: (mode) => this.onModeChange(mode),
          onModeKeyDown: this.onModeKeyDown,
          onNew: () => this.clear(),
          onSettings: () => this.openSettings(),
          onExitDemo: () => this.exitDemo(),
        })}
        <cec-load-progress class="progress" part="progress" .progress=${this.parts.python.progress} ?hidden=${!this.parts.python.progressVisible}></cec-load-progress>

        <!-- A region, not a main landmark (the host page has its own) and not a live region: the status below announces phases, not every streamed word. Focusable, so the keyboard scrolls it. -->
        <section class="transcript" part="transcript" aria-label="Conversation" tabindex="0" @scroll=${this.parts.followOutput.onScroll}>
          <div class="column">${this.parts.conversation.entries.length === 0 ? this.welcome(demo, execution, hasKey) : this.renderTranscript()}</div>
        </section>
        <div class="visually-hidden" role="status" data-phase>${this.parts.voice.statusText || this.parts.status.text}</div>

        <div class="bottom" part="composer">
          <div class="column composer-row">
            ${renderVoiceBar(this.parts.voice, Boolean(demo))}
            ${
              this._editing
                ? html`<div class="editing-bar"><span>Editing an earlier message: sending it replaces it and what came after.</span><button type="button" class="ghost" @click=${() => this.cancelEdit()}>Cancel edit</button></div>`
                : nothing
            }
            <cec-composer
              .busy=${busy}
              .hint=${runtimeHint(execution, this.parts.python.current?.versions.python)}
              .notice=${stopNotice(execution)}
              .placeholder=${composerPlaceholder(demo, this.parts.conversation.sentMessages.length, hasKey)}
              @cec-submit=${this.onSubmit}
              @cec-stop=${() => this.stop()}
              @cec-attach-error=${(e: CustomEvent<{ message: string }>) => this.reportError({ title: 'Could not attach the file', detail: e.detail.message, retryable: false })}
            ></cec-composer>
          </div>
        </div>
        ${this.parts.fileDrop.dragging ? html`<div class="drop" aria-hidden="true"><span>Drop files to attach them</span></div>` : nothing}
      </div>
      ${renderSettingsPanel({
        hasKey,
        keys: this.parts.keys,
        model: this.model,
        api: this.api,
        demos: this.parts.demos,
        canRecord: this.parts.conversation.sentMessages.length > 0 && this.effectiveApi === 'generateContent',
        packageIndex: this.indexOffered(),
        indexChoice: this.parts.indexChoice,
        onModel: (model) => (this.model = model || DEFAULT_MODEL),
        onApi: (api) => (this.api = api),
        onSaveRecording: () => this.downloadRecording(),
        onPackageIndexChange: () => this.requestUpdate(),
      })}
      ${this._enlarged ? renderFigureViewer(this._enlarged, () => (this._enlarged = undefined)) : nothing}
    `;
  }

  /** The index Settings offers, or undefined when the page turned it off (`package-index="none"`). */
  private indexOffered(): string | undefined {
    return this.packageIndex === 'none' ? undefined : (this.packageIndex ?? PYPI_SIMPLE_URL);
  }

  private welcome(demo: ActiveDemo | undefined, execution: ExecutionMode, hasKey: boolean) {
    const { demos, keys } = this.parts;
    return renderWelcome({
      demo,
      demos: demos.list,
      execution,
      hasKey,
      needKey: keys.needed,
      level: (depth) => this.level(depth),
      onDemoSelect: demos.onSelect,
      onKeySubmit: keys.onKeySubmit,
    });
  }

  private renderTranscript() {
    return this.parts.conversation.entries.map((entry) =>
      renderEntry(entry, {
        render: {
          downloadUrl: this.parts.blobUrls.urlFor,
          onCopy: (text) => void this.parts.status.copy(text),
          copied: this.parts.status.copied,
          onEnlarge: (figure) => void this.enlarge(figure),
          pythonLoading: this.parts.python.loading,
        },
        onRetry: (e) => this.onRetry(e),
        onFix: () => this.openSettings(),
        ...(!this.parts.demos.active && {
          rewind: {
            can: (e: UserEntry) => this.parts.conversation.canRewind(e),
            onEdit: (e: UserEntry) => this.onEdit(e),
            onRegenerate: (e: UserEntry) => void this.parts.sender.resend(e, this.parts.conversation.sentMessages[e.message!]),
          },
        }),
        headingLevel: this.level(1),
      }),
    );
  }

  /** A heading level `depth` below the title's (ARIA allows 1 to 6). */
  private level(depth: number): number {
    const base = Number.isInteger(this.headingLevel) ? this.headingLevel : 2;
    return Math.min(6, Math.max(1, base) + depth);
  }
}
