/**
 * `<cec-load-progress>`: a progress bar for the sandbox's `onProgress` events, saying what is
 * happening ("Loading the Python runtime", "Loading numpy"…). Boot steps are shown as a stepped bar;
 * package downloads, whose size is unknown, as an indeterminate one.
 */
import { LitElement, html } from 'lit';
import type { LoadProgress } from '../../types.js';
import { loadProgressStyles } from './cec-load-progress.styles.js';

/** How far along the boot is at each known boot message (the worker sends these in order). */
const BOOT_STEPS: [RegExp, number][] = [
  [/runtime/i, 0.35],
  [/snapshot|restor/i, 0.6],
  [/runner/i, 0.8],
];

export class CecLoadProgress extends LitElement {
  static override styles = loadProgressStyles;

  static override properties = {
    progress: { attribute: false },
  };

  /** The latest progress event; nothing is shown until there is one. */
  declare progress: LoadProgress | undefined;

  override render() {
    const p = this.progress;
    if (!p) return html``;
    const fraction = p.phase === 'ready' ? 1 : p.phase === 'boot' ? (BOOT_STEPS.find(([re]) => re.test(p.message))?.[1] ?? 0.15) : undefined;
    const title = p.phase === 'packages' ? 'Loading packages' : p.phase === 'boot' ? 'Starting Python' : 'Ready';
    return html`
      <div class="label"><span class="message">${p.message}</span><span>${fraction === undefined ? title : `${Math.round(fraction * 100)}%`}</span></div>
      <div
        class="track ${fraction === undefined ? 'indeterminate' : ''}"
        role="progressbar"
        aria-label=${title}
        aria-valuetext=${p.message}
        aria-valuemin="0"
        aria-valuemax="100"
        aria-valuenow=${fraction === undefined ? '' : String(Math.round(fraction * 100))}
      >
        <div class="bar" style="width: ${fraction === undefined ? 35 : fraction * 100}%"></div>
      </div>
    `;
  }
}
