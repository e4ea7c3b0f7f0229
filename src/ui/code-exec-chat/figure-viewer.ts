/** The figure viewer: an enlarged figure in a modal dialog. */
import { type TemplateResult, html } from 'lit';
import { closeIcon } from '../icons.js';
import type { Figure } from '../render-parts.js';

/**
 * The dialog for `figure`, for the element to open with `showModal()`. Esc or a click beside it
 * closes it (focus goes back to its Enlarge button); `onClosed` then lets go of the figure.
 */
export function renderFigureViewer(figure: Figure, onClosed: () => void): TemplateResult {
  const close = (e: Event) => (e.currentTarget as HTMLElement).closest('dialog')?.close();
  return html`<dialog class="figure-viewer" aria-label=${figure.alt} @close=${onClosed} @click=${(e: MouseEvent) => e.target === e.currentTarget && close(e)}>
    <div class="viewer-head"><span>${figure.alt}</span><button type="button" class="ghost" aria-label="Close figure" @click=${close}>${closeIcon}</button></div>
    <img alt=${figure.alt} src=${figure.src} />
  </dialog>`;
}
