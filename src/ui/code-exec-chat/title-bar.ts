/**
 * The title bar: the widget's name and who answers (the model, or a recorded demo), the switch for
 * where code runs, New and Settings; under it, while a demo plays, the demo bar with its Exit.
 */
import { type TemplateResult, html, nothing } from 'lit';
import type { ExecutionMode } from '../../agent/index.js';
import { gearIcon, plusIcon, pythonMark } from '../icons.js';
import type { ActiveDemo } from './demo-controller.js';

/** The execution modes, in the order the header's switch shows them. */
const MODES: readonly ExecutionMode[] = ['local', 'server'];

/**
 * The mode a key moves the switch to (the ARIA radio pattern: arrows wrap around, Home and End go
 * to the ends); undefined for any other key, or one held with a modifier.
 */
export function modeForKey(event: KeyboardEvent, current: ExecutionMode): ExecutionMode | undefined {
  const at = MODES.indexOf(current);
  const step: Record<string, number> = { ArrowRight: at + 1, ArrowDown: at + 1, ArrowLeft: at - 1, ArrowUp: at - 1, Home: 0, End: MODES.length - 1 };
  if (!(event.key in step) || event.altKey || event.ctrlKey || event.metaKey) return undefined;
  return MODES[(step[event.key]! + MODES.length) % MODES.length]!;
}

export interface TitleBarView {
  heading: string;
  /** The title's heading level. */
  headingLevel: number;
  model: string;
  /** Where code runs: the switch's checked mode. */
  execution: ExecutionMode;
  /** The demo being played: the subtitle says so, the switch is off and the demo bar shows. */
  demo: ActiveDemo | undefined;
  /** A message is in flight: the switch, New and Exit demo wait for it. */
  busy: boolean;
  onModeChange(mode: ExecutionMode): void;
  /** The switch's keyboard (the ARIA radio pattern). */
  onModeKeyDown(event: KeyboardEvent): void;
  onNew(): void;
  onSettings(): void;
  onExitDemo(): void;
}

export function renderTitleBar(view: TitleBarView): TemplateResult {
  const { demo, execution, busy } = view;
  return html`
    <div class="title-bar top" part="header">
      <div class="brand">
        <span class="logo" aria-hidden="true">${pythonMark}</span>
        <div class="titles">
          <div class="title" role="heading" aria-level=${view.headingLevel}>${view.heading}</div>
          <span class="subtitle">${demo ? 'Recorded demo · code runs live' : execution === 'server' ? `${view.model} · code runs on Gemini` : `${view.model} · Python runs in your browser`}</span>
        </div>
      </div>
      <div class="actions">
        <div class="segmented" role="radiogroup" aria-label="Where code runs" @keydown=${view.onModeKeyDown}>
          ${MODES.map(
            (mode) => html`<button
              type="button"
              role="radio"
              data-mode=${mode}
              aria-checked=${execution === mode ? 'true' : 'false'}
              tabindex=${execution === mode ? '0' : '-1'}
              ?disabled=${busy || Boolean(demo)}
              @click=${() => view.onModeChange(mode)}
            >
              ${mode === 'local' ? 'In browser' : 'Gemini server'}
            </button>`,
          )}
        </div>
        <button type="button" class="ghost" aria-label="New chat" title="New chat" ?disabled=${busy} @click=${view.onNew}>${plusIcon}<span class="label">New</span></button>
        <button type="button" class="ghost" aria-label="Settings" title="Settings" @click=${view.onSettings}>${gearIcon}</button>
      </div>
    </div>
    ${
      demo
        ? html`<div class="demo-bar" part="demo-bar">
          <span><strong>Demo</strong> · ${demo.recording.title}</span>
          <button type="button" class="ghost" ?disabled=${busy} @click=${view.onExitDemo}>Exit demo</button>
        </div>`
        : nothing
    }
  `;
}
