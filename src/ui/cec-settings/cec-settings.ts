/**
 * `<cec-settings>`: the widget's settings dialog: the API key, the model and the API, the recorded demos and
 * saving the conversation as a demo. It holds no state of its own; it shows what it is given and
 * says what the reader chose through events.
 *
 * @event cec-key-submit - from the key form: a key to use (and whether to remember it).
 * @event cec-key-forget - from the key form: forget the remembered key.
 * @event cec-demo-select - from the demo picker: a demo to play.
 * @event cec-model-change - {@link ModelChangeEvent}: a new model name.
 * @event cec-api-change - {@link ApiChangeEvent}: the API messages go through.
 * @event cec-save-recording - {@link SaveRecordingEvent}: save the conversation as a demo.
 * @event cec-package-index-change - {@link PackageIndexChangeEvent}: install packages from the package index on request, or not.
 */
import { LitElement, html, nothing } from 'lit';
import type { CecKeyForm } from '../cec-key-form/cec-key-form.js';
import { closeIcon } from '../icons.js';
import type { DemoListing } from '../replay/recording.js';
import { controls } from '../styles/theme.js';
import { settingsStyles } from './cec-settings.styles.js';
import type { GeminiApi } from '../../agent/index.js';
import { ApiChangeEvent, ModelChangeEvent, PackageIndexChangeEvent, SaveRecordingEvent } from './events.js';

export class CecSettings extends LitElement {
  static override styles = [controls, settingsStyles];

  static override properties = {
    hasKey: { type: Boolean, attribute: 'has-key' },
    remembered: { type: Boolean },
    model: { type: String },
    api: { type: String },
    demoPlaying: { type: Boolean, attribute: 'demo-playing' },
    demos: { attribute: false },
    canRecord: { type: Boolean, attribute: 'can-record' },
    packageIndex: { type: String, attribute: 'package-index' },
    packageIndexOn: { type: Boolean, attribute: 'package-index-on' },
  };

  /** A key is set (the form offers to replace or forget it). */
  declare hasKey: boolean;
  /** The key is remembered on this device. */
  declare remembered: boolean;
  declare model: string;
  /** The API messages go through. */
  declare api: GeminiApi;
  /** A recorded demo is playing: it answers on generateContent whatever the API choice. */
  declare demoPlaying: boolean;
  declare demos: DemoListing[];
  /** There is a conversation to save as a demo. */
  declare canRecord: boolean;
  /** The package index the toggle offers (its host is named to the reader). */
  declare packageIndex: string;
  /** Packages are installed from it on request. */
  declare packageIndexOn: boolean;

  constructor() {
    super();
    this.hasKey = false;
    this.remembered = false;
    this.model = '';
    this.api = 'generateContent';
    this.demoPlaying = false;
    this.demos = [];
    this.canRecord = false;
    this.packageIndex = '';
    this.packageIndexOn = false;
  }

  /** Opens the dialog (modal); `'key'` puts focus in the API key field. */
  open(focus?: 'key'): void {
    this.dialog()?.showModal();
    if (focus === 'key') this.renderRoot.querySelector<CecKeyForm>('cec-key-form')?.focus();
  }

  close(): void {
    this.dialog()?.close();
  }

  private dialog(): HTMLDialogElement | null {
    return this.renderRoot.querySelector('dialog');
  }

  private renderPackageIndex() {
    let host = this.packageIndex;
    try {
      host = new URL(this.packageIndex).host;
    } catch {
      // Shown as given.
    }
    return html`<section>
      <label class="check"
        ><input type="checkbox" name="package-index" .checked=${this.packageIndexOn} @change=${(e: Event) => this.dispatchEvent(new PackageIndexChangeEvent((e.target as HTMLInputElement).checked))} /> Install packages the
        code imports from ${host}</label
      >
      <p class="muted">For imports Pyodide does not include (tabulate, openpyxl, reportlab…); each wheel is checked against the index's SHA-256. The names of the packages the code imports are sent to ${host}. Applies from the next start of Python.</p>
    </section>`;
  }

  override render() {
    return html`<dialog aria-label="Settings" @click=${(e: MouseEvent) => e.target === e.currentTarget && this.close()}>
      <div class="dialog-body">
        <div class="dialog-head"><h2>Settings</h2><button type="button" class="ghost" aria-label="Close settings" @click=${() => this.close()}>${closeIcon}</button></div>
        <section>
          <cec-key-form ?has-key=${this.hasKey} .remembered=${this.remembered}></cec-key-form>
        </section>
        <section>
          <label class="field">Model <input type="text" .value=${this.model} spellcheck="false" @change=${(e: Event) => this.dispatchEvent(new ModelChangeEvent((e.target as HTMLInputElement).value.trim()))} /></label>
        </section>
        <section>
          <label class="field"
            >API
            <select name="api" aria-describedby="api-hint" .value=${this.api} @change=${(e: Event) => this.dispatchEvent(new ApiChangeEvent((e.target as HTMLSelectElement).value as GeminiApi))}>
              <option value="generateContent" ?selected=${this.api !== 'interactions'}>generateContent</option>
              <option value="interactions" ?selected=${this.api === 'interactions'}>Interactions</option>
            </select></label
          >
          <p class="muted" id="api-hint">${this.demoPlaying ? 'Recorded demos replay on generateContent, the API they were recorded on.' : 'The Interactions API keeps the conversation as steps: changing the API, or where code runs, starts the model afresh, and such a chat cannot be saved as a demo.'}</p>
        </section>
        ${this.packageIndex ? this.renderPackageIndex() : nothing}
        ${
          this.demos.length > 0
            ? html`<section>
              <h3>Recorded demos</h3>
              <cec-demo-picker compact .demos=${this.demos}></cec-demo-picker>
            </section>`
            : nothing
        }
        <section>
          <h3>Record</h3>
          <div class="record">
            <p class="muted">Save this conversation as a demo. Replaying it answers with the same model turns and runs the code live again.</p>
            <button type="button" ?disabled=${!this.canRecord} @click=${() => this.dispatchEvent(new SaveRecordingEvent())}>Save as demo</button>
          </div>
        </section>
      </div>
    </dialog>`;
  }
}
