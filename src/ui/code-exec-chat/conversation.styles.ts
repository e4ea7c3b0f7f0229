import { css } from 'lit';

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
    flex-direction: column;
    align-items: flex-end;
  }
  .user-actions {
    display: flex;
    gap: 0.25em;
    margin-top: 0.2em;
  }
  .user-actions button {
    font-size: 0.8em;
    font-weight: 500;
    padding: 0.3em 0.6em;
    color: var(--_muted);
  }
  .editing-bar {
    display: flex;
    align-items: center;
    justify-content: space-between;
    gap: 0.5em;
    font-size: 0.85em;
    color: var(--_muted);
    margin-bottom: 0.4em;
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
