import { css } from 'lit';

export const scratchpadStyles = css`
  :host {
    display: block;
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    overflow: hidden;
  }
  :host([hidden]) {
    display: none;
  }
  h2 {
    margin: 0;
    font-size: 1em;
    font-weight: 650;
  }
  .status {
    font-size: 0.78em;
    color: var(--_muted);
    display: inline-flex;
    align-items: center;
    gap: 0.45em;
  }
  .dot {
    width: 0.55em;
    height: 0.55em;
    border-radius: 50%;
    background: var(--_muted);
  }
  .dot.ready {
    background: var(--_ok);
  }
  .body {
    padding: 0.9em 1em 1em;
    display: grid;
    gap: 0.7em;
  }
  textarea {
    width: 100%;
    min-height: 9em;
    resize: vertical;
    font-family: var(--_mono);
    font-size: 0.84em;
    line-height: 1.55;
    background: var(--_code-bg);
    tab-size: 4;
  }
  .bar {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 0.5em;
  }
  .bar .spacer {
    flex: 1;
  }
  .bar .hint {
    font-size: 0.76em;
    color: var(--_muted);
  }
  /* Wraps between phrases, not inside one. */
  .bar .hint > span {
    white-space: nowrap;
  }
  .result .cell {
    margin: 0;
  }
  .empty {
    font-size: 0.84em;
    color: var(--_muted);
    margin: 0;
  }
`;
