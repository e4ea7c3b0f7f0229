/**
 * The chat's own styles, by region, in cascade order (the element lists them in this order after
 * the shared theme, controls and transcript styles): the frame and its bars, the conversation,
 * the figure viewer, the welcome panel, the composer's footer with the drop overlay and the narrow
 * layout. Each region but the frame and the footer has its own file.
 */
import { css } from 'lit';
import { conversationStyles } from './conversation.styles.js';
import { figureViewerStyles } from './figure-viewer.styles.js';
import { welcomeStyles } from './welcome.styles.js';

/** The host box, the title bar (brand, mode switch, actions), the demo bar and the load progress. */
export const frameStyles = css`
  :host {
    display: block;
    position: relative;
    height: 640px;
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    overflow: hidden;
  }
  :host([hidden]) {
    display: none;
  }
  /* The layout follows the widget's own width (a 400 px sidebar on a wide page is narrow), not the viewport's. */
  .frame {
    container: cec / inline-size;
    height: 100%;
    display: flex;
    flex-direction: column;
    position: relative;
  }
  svg {
    width: 1.15em;
    height: 1.15em;
    flex: none;
  }

  .top {
    background: var(--_bg);
  }
  .brand {
    display: flex;
    align-items: center;
    gap: 0.7em;
    min-width: 0;
  }
  .logo {
    display: grid;
    place-items: center;
    width: 2.1em;
    height: 2.1em;
    border-radius: 10px;
    background: var(--_accent-soft);
    color: var(--_accent);
    flex: none;
  }
  .logo svg {
    width: 1.3em;
    height: 1.3em;
  }
  .titles {
    display: grid;
    min-width: 0;
  }
  .title {
    margin: 0;
    font-size: 1em;
    font-weight: 650;
    line-height: 1.25;
  }
  .subtitle {
    font-size: 0.78em;
    color: var(--_muted);
    white-space: nowrap;
    overflow: hidden;
    text-overflow: ellipsis;
  }
  .actions {
    display: flex;
    align-items: center;
    gap: 0.35em;
    flex: none;
  }
  .actions > button.ghost {
    color: var(--_muted);
    padding: 0.45em 0.6em;
  }
  .actions > button.ghost:hover:not(:disabled) {
    color: var(--_fg);
  }
  .segmented {
    display: inline-flex;
    padding: 3px;
    border-radius: calc(var(--_radius-sm) + 3px);
    background: var(--_surface-2);
    margin-right: 0.3em;
  }
  .segmented button {
    border: none;
    background: transparent;
    color: var(--_muted);
    font-size: 0.82em;
    padding: 0.35em 0.8em;
  }
  .segmented button[aria-checked='true'] {
    background: var(--_bg);
    color: var(--_fg);
    box-shadow: var(--_shadow);
  }
  .segmented button:disabled[aria-checked='true'] {
    opacity: 1;
  }
  /* Forced colours drop the background and shadow that mark the choice: the system's highlight marks it instead. */
  @media (forced-colors: active) {
    .segmented button[aria-checked='true'] {
      forced-color-adjust: none;
      background: Highlight;
      color: HighlightText;
      outline: 2px solid CanvasText;
    }
  }

  .demo-bar {
    display: flex;
    align-items: center;
    justify-content: space-between;
    gap: 1em;
    padding: 0.35em 0.6em 0.35em 1em;
    background: var(--_accent-soft);
    color: var(--_fg);
    font-size: 0.85em;
    border-bottom: 1px solid var(--_border);
  }
  .demo-bar strong {
    color: var(--_accent);
  }
  .demo-bar button {
    font-size: 0.95em;
    padding: 0.25em 0.7em;
  }
  .progress {
    padding: 0.6em 1em 0.7em;
    border-bottom: 1px solid var(--_border);
    background: var(--_surface);
  }
`;

/** The composer's footer, the file drop overlay, and the layout in a narrow widget (last: it overrides the rest). */
export const footerStyles = css`
  .bottom {
    padding: 0.75em 0 0.8em;
    border-top: 1px solid var(--_border);
    background: var(--_surface);
  }

  .drop {
    position: absolute;
    inset: 0.5em;
    display: grid;
    place-items: center;
    border: 2px dashed var(--_accent);
    border-radius: var(--_radius);
    background: color-mix(in srgb, var(--_bg) 85%, transparent);
    color: var(--_accent);
    font-weight: 600;
    pointer-events: none;
  }

  /* Narrow (a sidebar, a phone): the actions go under the title instead of over it. */
  @container cec (max-width: 560px) {
    .top {
      flex-wrap: wrap;
      gap: 0.5em;
      padding: 0.55em 0.8em;
    }
    .brand {
      flex: 1 1 100%;
    }
    .actions {
      flex: 1 1 100%;
      min-width: 0;
      flex-wrap: wrap;
    }
    .segmented button {
      white-space: nowrap;
    }
    .segmented {
      margin-right: auto;
    }
    .actions .label {
      display: none;
    }
    .column {
      padding: 0 0.8em;
    }
    .error {
      margin-left: 0;
    }
    /* The welcome gets to its demos sooner: a single column of panels, less air, and the
       introduction after them (it is prose only: the focus order is unchanged). */
    .welcome {
      display: flex;
      flex-direction: column;
      padding-top: 0.75em;
    }
    .welcome > p {
      order: 1;
      margin-top: 1em;
    }
    .welcome-title {
      font-size: 1.2em;
    }
    .welcome > p {
      margin-bottom: 0;
      font-size: 0.92em;
    }
    .welcome-grid {
      grid-template-columns: minmax(0, 1fr);
    }
    .panel {
      padding: 0.8em;
    }
  }
  @container cec (max-width: 340px) {
    .top {
      padding: 0.55em 0.6em;
    }
    .segmented button {
      font-size: 0.76em;
      padding: 0.35em 0.45em;
    }
    .actions > button.ghost {
      padding: 0.45em 0.35em;
    }
    .logo {
      display: none;
    }
  }
`;

/** All of the chat's own styles, in cascade order (the narrow layout, in the footer's, last: it overrides the rest). */
export const chatStyles = [frameStyles, conversationStyles, figureViewerStyles, welcomeStyles, footerStyles];
