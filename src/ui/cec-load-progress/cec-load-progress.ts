/**
 * `<cec-load-progress>`: a progress bar for the sandbox's `onProgress` events, saying what is
 * happening ("Downloading Python (4.2 of 10.4 MB)", "Restoring Python…", "Loading numpy"…). A
 * first visit's downloads fill most of the bar by their bytes, the boot steps after them the
 * rest; package downloads, whose size is unknown, show as an indeterminate bar.
 */
import { LitElement, html } from 'lit';
import type { LoadProgress } from '../../shared/types.js';
import { loadProgressStyles } from './cec-load-progress.styles.js';

/** How far along the boot is at each known boot message (the worker sends these in order). */
const BOOT_STEPS: [RegExp, number][] = [
  [/runtime/i, 0.35],
  [/snapshot|restor/i, 0.75],
  [/runner/i, 0.9],
];
/** The share of the bar the downloads fill (they are most of a first visit's wait on a slow link). */
const DOWNLOAD_SHARE = 0.7;

/** How far along a boot event says it is. */
function bootFraction(p: LoadProgress): number {
  if (p.bytes && p.bytes.total > 0) return 0.02 + (DOWNLOAD_SHARE - 0.02) * Math.min(1, p.bytes.loaded / p.bytes.total);
  return BOOT_STEPS.find(([re]) => re.test(p.message))?.[1] ?? 0.02;
}

export class CecLoadProgress extends LitElement {
  static override styles = loadProgressStyles;

  static override properties = {
    progress: { attribute: false },
  };

  /** The latest progress event; nothing is shown until there is one. */
  declare progress: LoadProgress | undefined;
  /** How far this boot has come: the bar never moves back (downloads and boot steps overlap). */
  private bootReached = 0;

  override render() {
    const p = this.progress;
    if (!p) return html``;
    if (p.phase !== 'boot') this.bootReached = 0;
    else this.bootReached = Math.max(this.bootReached, bootFraction(p));
    const fraction = p.phase === 'ready' ? 1 : p.phase === 'boot' ? this.bootReached : undefined;
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
