/**
 * The chat's own styles, by region, in cascade order (the element lists them in this order after
 * the shared theme, controls and transcript styles): the frame and its bars, the conversation,
 * the welcome panel, the composer's footer with the drop overlay and the narrow layout.
 */
import { css } from 'lit';

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

/** The scrolling conversation: turns, bubbles, the typing indicator, notices, restart dividers, errors. */
export const conversationStyles = css`
  .transcript {
    flex: 1;
    overflow-y: auto;
    overscroll-behavior: contain;
    background: var(--_bg);
  }
  .column {
    max-width: var(--cec-content-width, 52rem);
    margin: 0 auto;
    padding: 0 1.25em;
  }
  .transcript .column {
    padding-top: 1.25em;
    padding-bottom: 1.5em;
  }

  .turn {
    margin: 0 0 1.4em;
  }
  .turn.user {
    display: flex;
    justify-content: flex-end;
  }
  .bubble {
    max-width: min(85%, 40rem);
    background: var(--_surface-2);
    border-radius: var(--_radius) var(--_radius) 4px var(--_radius);
    padding: 0.6em 0.95em;
  }
  .user-text {
    margin: 0;
    white-space: pre-wrap;
    overflow-wrap: anywhere;
  }
  .user-files {
    display: flex;
    flex-wrap: wrap;
    gap: 0.35em;
    margin-top: 0.45em;
  }
  .file-pill {
    font-size: 0.8em;
    padding: 0.15em 0.6em;
    border-radius: 999px;
    background: var(--_bg);
    border: 1px solid var(--_border);
  }
  .file-pill {
    display: inline-flex;
    align-items: center;
    gap: 0.3em;
  }
  .file-pill svg {
    width: 1em;
    height: 1em;
    flex: none;
  }
  .file-pill .size {
    color: var(--_muted);
  }
  dialog.figure-viewer {
    max-width: min(96vw, 1400px);
    max-height: 96dvh;
    padding: 0.5em;
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    background: var(--_bg);
    color: var(--_fg);
  }
  dialog.figure-viewer::backdrop {
    background: rgb(0 0 0 / 55%);
  }
  .figure-viewer .viewer-head {
    display: flex;
    align-items: center;
    justify-content: space-between;
    gap: 1em;
    margin-bottom: 0.4em;
    font-size: 0.9em;
  }
  .figure-viewer .viewer-head button svg {
    width: 1.1em;
    height: 1.1em;
  }
  .figure-viewer img {
    display: block;
    max-width: 100%;
    max-height: calc(96dvh - 4em);
    margin: 0 auto;
    background: #fff;
  }
  .turn.dropped {
    opacity: 0.6;
  }
  .turn.model {
    display: grid;
    grid-template-columns: 2em minmax(0, 1fr);
    gap: 0.8em;
  }
  .avatar {
    width: 2em;
    height: 2em;
    border-radius: 50%;
    display: grid;
    place-items: center;
    background: var(--_accent-soft);
    color: var(--_accent);
  }
  .avatar svg {
    width: 1.1em;
    height: 1.1em;
  }
  .answer {
    min-width: 0;
    padding-top: 0.2em;
  }
  .turn.model.stopped .answer,
  .turn.model.failed .answer {
    opacity: 0.7;
  }
  .state-note {
    margin: 0.3em 0 0;
    font-size: 0.8em;
    color: var(--_muted);
  }
  .typing {
    display: inline-flex;
    gap: 0.3em;
    padding: 0.5em 0;
  }
  .typing span {
    width: 0.45em;
    height: 0.45em;
    border-radius: 50%;
    background: var(--_muted);
    animation: blink 1.2s infinite ease-in-out;
  }
  @media (prefers-reduced-motion: reduce) {
    .typing span {
      animation: none;
      opacity: 0.6;
    }
  }
  .typing span:nth-child(2) {
    animation-delay: 0.15s;
  }
  .typing span:nth-child(3) {
    animation-delay: 0.3s;
  }
  @keyframes blink {
    0%,
    80%,
    100% {
      opacity: 0.25;
    }
    40% {
      opacity: 1;
    }
  }

  .notice {
    text-align: center;
    font-size: 0.8em;
    color: var(--_muted);
    margin: 0 auto 1.4em;
    max-width: 34rem;
  }
  /* Python restarted under the conversation: a rule across the transcript with the reason in it. */
  .divider {
    display: flex;
    align-items: center;
    gap: 0.9em;
    margin: 0 0 1.4em;
    font-size: 0.8em;
    color: var(--_warn);
  }
  .divider::before,
  .divider::after {
    content: '';
    flex: 1 1 2em;
    border-top: 1px dashed currentColor;
    opacity: 0.5;
  }
  .divider span {
    flex: 0 1 34rem;
    text-align: center;
  }
  .error {
    display: flex;
    align-items: center;
    justify-content: space-between;
    gap: 1em;
    flex-wrap: wrap;
    margin: 0 0 1.4em 2.8em;
    padding: 0.75em 0.9em;
    border-radius: var(--_radius-sm);
    border: 1px solid color-mix(in srgb, var(--_danger) 35%, var(--_border));
    background: var(--_danger-soft);
  }
  .error-text {
    display: grid;
    gap: 0.15em;
    font-size: 0.9em;
    min-width: 0;
    flex: 1 1 16em;
    overflow-wrap: anywhere;
  }
  .error-text strong {
    color: var(--_danger);
  }
  .error-actions {
    display: flex;
    gap: 0.4em;
  }
`;

/** The empty conversation: the welcome text and its panels (demos, API key). */
export const welcomeStyles = css`
  .welcome {
    padding: 1.5em 0 0.5em;
  }
  .welcome-title {
    font-weight: 700;
    font-size: 1.45em;
    line-height: 1.25;
    margin: 0 0 0.35em;
    letter-spacing: -0.01em;
  }
  .welcome > p {
    margin: 0 0 1.4em;
    max-width: 40rem;
    color: var(--_muted);
  }
  .welcome-grid {
    display: grid;
    grid-template-columns: repeat(auto-fit, minmax(17rem, 1fr));
    gap: 1em;
  }
  .panel {
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    padding: 1em 1.1em 1.1em;
    background: var(--_surface);
  }
  .panel-title {
    font-weight: 700;
    margin: 0;
    font-size: 1em;
  }
  .panel > p {
    margin: 0.15em 0 0.85em;
  }
  .panel > p.need-key {
    color: var(--_fg);
    background: var(--_warn-soft);
    border-left: 3px solid var(--_warn);
    padding: 0.45em 0.7em;
    border-radius: var(--_radius-sm);
  }
  .muted {
    color: var(--_muted);
    font-size: 0.88em;
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

/** All of the chat's own styles, in cascade order. */
export const chatStyles = [frameStyles, conversationStyles, welcomeStyles, footerStyles];
