/** `<cec-demo-picker>`: the recorded demos, as cards. Choosing one dispatches `cec-demo-select`. */
import { LitElement, html } from 'lit';
import type { DemoListing } from '../replay/recording.js';
import { controls } from '../styles/theme.js';
import { demoPickerStyles } from './cec-demo-picker.styles.js';
import { DemoSelectEvent } from './events.js';

export class CecDemoPicker extends LitElement {
  static override styles = [controls, demoPickerStyles];

  static override properties = {
    demos: { attribute: false },
    compact: { type: Boolean, reflect: true },
  };

  declare demos: DemoListing[];
  /** Titles only, as a tight list (the settings dialog). */
  declare compact: boolean;

  constructor() {
    super();
    this.demos = [];
    this.compact = false;
  }

  override render() {
    return html`<ul aria-label="Recorded demos">
      ${this.demos.map(
        (demo) => html`<li>
          <button class="card" type="button" data-demo=${demo.id} @click=${() => this.dispatchEvent(new DemoSelectEvent(demo))}>
            <span class="title">${demo.title}</span>
            ${demo.description && !this.compact ? html`<span class="description">${demo.description}</span>` : ''}
          </button>
        </li>`,
      )}
    </ul>`;
  }
}
