import { css } from 'lit';

export const composerStyles = css`
  :host {
    display: block;
  }
  .box {
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    background: var(--_bg);
    box-shadow: var(--_shadow);
    padding: 0.5em;
    transition:
      border-color 120ms ease,
      box-shadow 120ms ease;
  }
  .box:focus-within {
    border-color: var(--_accent);
    box-shadow: 0 0 0 3px color-mix(in srgb, var(--_accent) 18%, transparent);
  }
  .chips {
    display: flex;
    flex-wrap: wrap;
    gap: 0.4em;
    padding: 0.15em 0.2em 0.5em;
  }
  .chip {
    display: inline-flex;
    align-items: center;
    gap: 0.45em;
    max-width: 100%;
    font-size: 0.84em;
    padding: 0.25em 0.3em 0.25em 0.65em;
    border-radius: 999px;
    background: var(--_accent-soft);
    color: var(--_fg);
  }
  .chip .size {
    color: var(--_muted);
  }
  .chip button {
    border: none;
    background: transparent;
    padding: 0.1em 0.4em;
    border-radius: 999px;
    color: var(--_muted);
    font-size: 1em;
  }
  .row {
    display: flex;
    align-items: flex-end;
    gap: 0.4em;
  }
  textarea {
    flex: 1;
    border: none;
    background: transparent;
    resize: none;
    min-height: 2.5em;
    max-height: 14em;
    padding: 0.55em 0.4em;
    line-height: 1.45;
    field-sizing: content;
  }
  textarea:focus-visible {
    box-shadow: none;
    outline: none;
  }
  button.icon {
    width: 2.5em;
    height: 2.5em;
    padding: 0;
    justify-content: center;
    border-color: transparent;
    background: transparent;
    color: var(--_muted);
    font-size: 1em;
  }
  button.icon:hover:not(:disabled) {
    color: var(--_fg);
  }
  button.send {
    height: 2.5em;
    padding: 0 1.1em;
    font-size: 0.92em;
  }
  /* Nothing to send yet: looks disabled, keeps focus (see the button in cec-composer.ts). */
  button.send[aria-disabled='true'],
  button.send[aria-disabled='true']:hover:not(:disabled) {
    opacity: 0.5;
    cursor: default;
    filter: none;
  }
  svg {
    width: 1.2em;
    height: 1.2em;
  }
  .hint {
    display: flex;
    gap: 1em;
    justify-content: space-between;
    flex-wrap: wrap;
    padding: 0.45em 0.3em 0;
    font-size: 0.76em;
    color: var(--_muted);
  }
  .status {
    display: inline-flex;
    flex-wrap: wrap;
    gap: 0.35em 0.9em;
  }
  .notice {
    display: inline-flex;
    align-items: center;
    gap: 0.4em;
    color: var(--_warn);
  }
  .notice .dot {
    width: 0.5em;
    height: 0.5em;
    border-radius: 50%;
    background: currentColor;
  }
  kbd {
    font-family: var(--_mono);
    font-size: 0.95em;
    padding: 0 0.3em;
    border: 1px solid var(--_border);
    border-radius: 4px;
  }
`;
