/**
 * `<cec-key-form>`: asks for a Gemini API key. The key stays in memory unless "Remember on this
 * device" is ticked; the form says so, because a key in localStorage is readable by any script on
 * the page.
 */
import { LitElement, html, nothing } from 'lit';
import { controls } from '../styles/theme.js';
import { keyFormStyles } from './cec-key-form.styles.js';
import { KeyForgetEvent, KeySubmitEvent } from './events.js';

export class CecKeyForm extends LitElement {
  static override styles = [controls, keyFormStyles];

  static override properties = {
    hasKey: { type: Boolean, attribute: 'has-key' },
    remembered: { type: Boolean },
  };

  /** A key is set already: show "Forget" and allow replacing it. */
  declare hasKey: boolean;
  /** The current key is kept in localStorage. */
  declare remembered: boolean;

  constructor() {
    super();
    this.hasKey = false;
    this.remembered = false;
  }

  /** Focuses the key field. */
  override focus(): void {
    this.renderRoot.querySelector<HTMLInputElement>('input[name=key]')?.focus();
  }

  private onSubmit(event: SubmitEvent): void {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    const key = (form.elements.namedItem('key') as HTMLInputElement).value.trim();
    const remember = (form.elements.namedItem('remember') as HTMLInputElement).checked;
    if (!key) return;
    this.dispatchEvent(new KeySubmitEvent({ key, remember }));
    form.reset();
  }

  override render() {
    return html`
      ${
        this.hasKey
          ? html`<div class="saved">
            <span>A key is set ${this.remembered ? '(remembered on this device)' : '(for this page only)'}.</span>
            <button type="button" class="danger" @click=${() => this.dispatchEvent(new KeyForgetEvent())}>Forget key</button>
          </div>`
          : nothing
      }
      <form @submit=${this.onSubmit}>
        <label class="field"
          >${this.hasKey ? 'Replace the Gemini API key' : 'Gemini API key'}
          <span class="inline">
            <input name="key" type="password" autocomplete="off" spellcheck="false" placeholder="AIza…" aria-label="Gemini API key" required />
            <button class="primary" type="submit">Use key</button>
          </span>
        </label>
        <label class="check"><input name="remember" type="checkbox" /> Remember on this device (stored in this browser's localStorage)</label>
        <p>The key stays in this page: it is sent only to the Gemini API, never to the Python sandbox, never in a URL.</p>
      </form>
    `;
  }
}
