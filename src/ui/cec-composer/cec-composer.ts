/**
 * `<cec-composer>`: the message box. Enter sends, Shift+Enter adds a line, Escape stops (the chat
 * listens for it); files are attached with the picker (or dropped on the chat, which calls
 * {@link CecComposer.addFiles}). Send and Stop are one button whose label and action switch, so
 * focus stays on it when a click on Send turns it into Stop.
 */
import { LitElement, html, nothing } from 'lit';
import type { CheckedAttachment } from '../../agent/attachments.js';
import { attachmentsFromFiles } from '../../agent/attachments-from-files.js';
import { ACCEPTED_FILES, isAcceptedFile } from '../attachments.js';
import { paperclipIcon } from '../icons.js';
import { formatBytes } from '../render-parts.js';
import { controls } from '../styles/theme.js';
import { composerStyles } from './cec-composer.styles.js';
import { ComposerAttachErrorEvent, ComposerStopEvent, ComposerSubmitEvent } from './events.js';

export class CecComposer extends LitElement {
  static override styles = [controls, composerStyles];

  static override properties = {
    value: { type: String },
    attachments: { attribute: false },
    busy: { type: Boolean, reflect: true },
    disabled: { type: Boolean, reflect: true },
    placeholder: { type: String },
    hint: { type: String },
    notice: { type: String },
  };

  /** The text in the box. */
  declare value: string;
  /** Files staged for the next message. */
  declare attachments: CheckedAttachment[];
  /** A message is in flight: the Send button becomes Stop. */
  declare busy: boolean;
  /** Nothing can be sent (e.g. no API key yet). */
  declare disabled: boolean;
  declare placeholder: string;
  /** A short status line under the box (e.g. the Python version). */
  declare hint: string;
  /** A caveat under the box, shown as a notice (e.g. no cross-origin isolation). */
  declare notice: string;

  constructor() {
    super();
    this.value = '';
    this.attachments = [];
    this.busy = false;
    this.disabled = false;
    this.placeholder = 'Ask something that needs code…';
    this.hint = '';
    this.notice = '';
  }

  /** Stages files (from the picker or a drop). */
  async addFiles(files: Iterable<File>): Promise<void> {
    // Dropped files get the picker's check: only the types it offers.
    const all = [...files];
    const refused = all.filter((file) => !isAcceptedFile(file));
    if (refused.length > 0)
      this.dispatchEvent(
        new ComposerAttachErrorEvent(
          `${refused.map((file) => file.name).join(', ')}: not attached. Only CSV, text and image files can be attached (${ACCEPTED_FILES.replaceAll(',', ', ')}).`,
        ),
      );
    try {
      const added = await attachmentsFromFiles(all.filter(isAcceptedFile), { existingFiles: this.attachments.map((a) => a.path) });
      this.attachments = [...this.attachments, ...added];
    } catch (error) {
      this.dispatchEvent(new ComposerAttachErrorEvent((error as Error).message));
    }
  }

  override focus(): void {
    this.renderRoot.querySelector('textarea')?.focus();
  }

  private submit(): void {
    if (this.busy || this.disabled) return;
    const text = this.value.trim();
    if (!text && this.attachments.length === 0) return;
    this.dispatchEvent(new ComposerSubmitEvent({ text, attachments: this.attachments }));
    this.value = '';
    this.attachments = [];
  }

  private readonly onSendOrStop = (): void => {
    if (this.busy) this.dispatchEvent(new ComposerStopEvent());
    else this.submit();
  };

  private onKeyDown(event: KeyboardEvent): void {
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      this.submit();
    }
  }

  private onPick(event: Event): void {
    const input = event.target as HTMLInputElement;
    if (input.files) void this.addFiles([...input.files]);
    input.value = '';
  }

  private removeAttachment(path: string): void {
    this.attachments = this.attachments.filter((a) => a.path !== path);
  }

  override render() {
    const canSend = !this.disabled && (this.value.trim() !== '' || this.attachments.length > 0);
    return html`
      <div class="box">
        ${
          this.attachments.length > 0
            ? html`<div class="chips" aria-label="Attached files">
              ${this.attachments.map(
                (a) => html`<span class="chip"
                  ><span>${a.path}</span><span class="size">${formatBytes(a.data.byteLength)}</span
                  ><button type="button" aria-label="Remove ${a.path}" @click=${() => this.removeAttachment(a.path)}>✕</button></span
                >`,
              )}
            </div>`
            : nothing
        }
        <div class="row">
          <button class="icon" type="button" aria-label="Attach files" title="Attach CSV, text or image files" ?disabled=${this.disabled} @click=${() => this.renderRoot.querySelector<HTMLInputElement>('input[type=file]')?.click()}>
            ${paperclipIcon}
          </button>
          <input class="visually-hidden" type="file" multiple accept=${ACCEPTED_FILES} tabindex="-1" aria-hidden="true" @change=${this.onPick} />
          <label class="visually-hidden" for="message">Message</label>
          <textarea
            id="message"
            rows="1"
            .value=${this.value}
            placeholder=${this.placeholder}
            ?disabled=${this.disabled}
            @input=${(e: Event) => (this.value = (e.target as HTMLTextAreaElement).value)}
            @keydown=${this.onKeyDown}
          ></textarea>
          <!-- Never disabled: a disabled button drops focus to the page's body, and Esc with it. -->
          <button
            class="send ${this.busy ? 'danger' : 'primary'}"
            type="button"
            aria-label=${this.busy ? 'Stop' : 'Send message'}
            title=${this.busy ? 'Stop (Esc)' : 'Send (Enter)'}
            aria-disabled=${!this.busy && !canSend ? 'true' : 'false'}
            @click=${this.onSendOrStop}
          >
            ${this.busy ? 'Stop' : 'Send'}
          </button>
        </div>
      </div>
      <div class="hint">
        <span class="keys-only"><kbd>Enter</kbd> send · <kbd>Shift</kbd>+<kbd>Enter</kbd> new line · <kbd>Esc</kbd> stop</span>
        <span class="status">
          ${this.hint ? html`<span>${this.hint}</span>` : nothing}
          ${this.notice ? html`<span class="notice" role="note"><span class="dot" aria-hidden="true"></span>${this.notice}</span>` : nothing}
        </span>
      </div>
    `;
  }
}
