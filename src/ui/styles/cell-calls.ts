/**
 * Styles for the page functions a cell's code called (code mode), listed under its code
 * (`render-parts.ts`). Outcomes are words ("ok", "error: …"); colour only repeats them.
 * Long arguments wrap anywhere, so the list fits a 400 px sidebar and a phone.
 */
import { css } from 'lit';

export const cellCallsStyles = css`
  .cell-calls {
    border-top: 1px solid var(--_border);
    background: var(--_bg);
    padding: 0.55em 0.95em;
    font-size: 0.84em;
    line-height: 1.45;
  }
  .cell-calls .calls-caption {
    margin: 0 0 0.3em;
    font-size: 0.98em;
    font-weight: 600;
    color: var(--_muted);
  }
  .cell-calls ol {
    list-style: none;
    margin: 0;
    padding: 0;
    display: grid;
    gap: 0.25em;
  }
  /* Inline text that wraps anywhere: one line where it fits, and the same words for a screen reader. */
  .cell-calls li {
    overflow-wrap: anywhere;
  }
  .cell-calls .call-signature {
    font-family: var(--_mono);
    color: var(--_fg);
  }
  .cell-calls .call-outcome {
    font-weight: 600;
    margin-left: 0.3em;
  }
  .cell-calls li.ok .call-outcome {
    color: var(--_ok);
  }
  .cell-calls li.failed .call-outcome {
    color: var(--_danger);
  }
  .cell-calls .call-time {
    margin-left: 0.3em;
    color: var(--_muted);
    font-variant-numeric: tabular-nums;
  }
  .cell-calls li.more {
    color: var(--_muted);
  }
`;
