/**
 * The welcome, shown until the first message: a demo's introduction while one plays, else what
 * the chat does and the two ways to start (a recorded demo, an API key).
 */
import { type TemplateResult, html, nothing } from 'lit';
import type { ExecutionMode } from '../../agent/index.js';
import type { DemoSelectEvent } from '../cec-demo-picker/events.js';
import type { KeySubmitEvent } from '../cec-key-form/events.js';
import type { DemoListing } from '../replay/recording.js';
import type { ActiveDemo } from './demo-controller.js';

export interface WelcomeView {
  /** The demo being played: the welcome introduces it. */
  demo: ActiveDemo | undefined;
  /** The demos offered (none: no demo panel). */
  demos: DemoListing[];
  /** Where code runs, as the introduction says. */
  execution: ExecutionMode;
  /** There is a key: no key panel. */
  hasKey: boolean;
  /** A message was sent without a key: the key panel says it is needed. */
  needKey: boolean;
  /** A heading level `depth` below the widget's title. */
  level(depth: number): number;
  onDemoSelect(event: DemoSelectEvent): void;
  onKeySubmit(event: KeySubmitEvent): void;
}

export function renderWelcome(view: WelcomeView): TemplateResult {
  const { demo, demos, hasKey, level } = view;
  if (demo) {
    return html`<section class="welcome">
      <div class="welcome-title" role="heading" aria-level=${level(1)}>${demo.recording.title}</div>
      ${demo.recording.description ? html`<p>${demo.recording.description}</p>` : nothing}
      <p class="muted">The first message is in the box below. Press <strong>Send</strong> to play it: the model's answers come from the recording, and its Python runs here, live.</p>
    </section>`;
  }
  return html`<section class="welcome">
    <div class="welcome-title" role="heading" aria-level=${level(1)}>Ask a question that needs code</div>
    <p>Gemini writes Python and ${view.execution === 'server' ? "runs it on Google's servers" : 'it runs right here, in your browser (Pyodide, in a sandboxed worker)'}. Attach CSV, text or image files and the code can read them by name.</p>
    <div class="welcome-grid ${hasKey || demos.length === 0 ? 'single' : ''}">
      ${
        demos.length > 0
          ? html`<div class="panel">
            <div class="panel-title" role="heading" aria-level=${level(2)}>Try a recorded demo</div>
            <p class="muted">No key needed, works offline.</p>
            <cec-demo-picker .demos=${demos} @cec-demo-select=${view.onDemoSelect}></cec-demo-picker>
          </div>`
          : nothing
      }
      ${
        hasKey
          ? nothing
          : html`<div class="panel">
            <div class="panel-title" role="heading" aria-level=${level(2)}>Chat with Gemini</div>
            <p class="muted">Bring your own API key from Google AI Studio.</p>
            ${view.needKey ? html`<p class="need-key" role="alert">Add your key here to send your message (it is still in the box), or try a recorded demo.</p>` : nothing}
            <cec-key-form @cec-key-submit=${view.onKeySubmit}></cec-key-form>
          </div>`
      }
    </div>
  </section>`;
}
