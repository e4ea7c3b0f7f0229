/**
 * The voice row above the composer: the microphone button (a toggle: `aria-pressed`) and, while a
 * session is on, what it is doing. The status region announces the state; this text shows it.
 */
import { css, html, nothing, type TemplateResult } from 'lit';
import type { VoiceController } from './voice-controller.js';

const micIcon = html`<svg viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true"><rect x="9" y="2" width="6" height="12" rx="3" /><path d="M5 10a7 7 0 0 0 14 0M12 17v5M8 22h8" /></svg>`;

const VISIBLE: Record<VoiceController['state'], string> = {
  off: '',
  connecting: 'Connecting…',
  listening: 'Listening',
  speaking: 'Speaking',
  running: 'Running code',
};

export function renderVoiceBar(voice: VoiceController, disabled: boolean): TemplateResult {
  const on = voice.state !== 'off';
  // The counters are for the page's tests: what was scheduled, played to its end, and cut off.
  const { played, ended, interrupted } = voice.stats;
  return html`<div class="voice-bar" data-voice-state=${voice.state} data-audio-played=${played} data-audio-ended=${ended} data-audio-interrupted=${interrupted}>
    <button type="button" class="ghost voice-button" aria-pressed=${on ? 'true' : 'false'} aria-label="Voice conversation" title=${on ? 'End the voice conversation (Esc)' : 'Talk with Gemini'} ?disabled=${disabled && !on} @click=${voice.toggle}>
      ${micIcon}
    </button>
    ${on ? html`<span class="voice-state" aria-hidden="true">${VISIBLE[voice.state]}${voice.state === 'listening' ? html` · <span class="hint">Esc ends</span>` : nothing}</span>` : nothing}
  </div>`;
}

export const voiceStyles = css`
  /* The microphone sits beside the message box, not on a row of its own: a row would push the
     welcome's demo cards out of a short sidebar. */
  .composer-row {
    display: flex;
    align-items: flex-start;
    gap: 6px;
  }
  .composer-row cec-composer {
    flex: 1;
    min-width: 0;
  }
  .voice-bar {
    display: flex;
    flex-direction: column;
    align-items: center;
    gap: 2px;
    margin-top: 10px;
    max-width: 88px;
    text-align: center;
  }
  .voice-button svg {
    width: 18px;
    height: 18px;
  }
  .voice-button[aria-pressed='true'] {
    background: var(--cec-accent);
    color: var(--cec-accent-fg);
  }
  .voice-state {
    color: var(--cec-muted);
    font-size: 0.9em;
  }
`;
