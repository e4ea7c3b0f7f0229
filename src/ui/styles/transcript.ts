/**
 * Styles for what `render-parts.ts` draws: prose, code cells, outcome badges, output, figures,
 * file downloads and function calls. Shared by the chat and the scratchpad.
 */
import { css } from 'lit';

export const transcriptStyles = css`
  .md {
    overflow-wrap: anywhere;
  }
  .md > :first-child {
    margin-top: 0;
  }
  .md > :last-child {
    margin-bottom: 0;
  }
  .md p,
  .md ul,
  .md ol,
  .md pre,
  .md table,
  .md blockquote {
    margin: 0.6em 0;
  }
  .md h1,
  .md h2,
  .md h3,
  .md h4 {
    line-height: 1.3;
    margin: 1em 0 0.4em;
  }
  .md h1 {
    font-size: 1.3em;
  }
  .md h2 {
    font-size: 1.18em;
  }
  .md h3,
  .md h4 {
    font-size: 1.05em;
  }
  .md ul,
  .md ol {
    padding-left: 1.4em;
  }
  .md a {
    color: var(--_accent);
  }
  .md code {
    font-family: var(--_mono);
    font-size: 0.88em;
    background: var(--_surface-2);
    padding: 0.1em 0.35em;
    border-radius: 5px;
  }
  .md pre code {
    background: none;
    padding: 0;
  }
  .md pre {
    background: var(--_code-bg);
    border: 1px solid var(--_border);
    border-radius: var(--_radius-sm);
    padding: 0.75em 0.9em;
    overflow-x: auto;
  }
  .md blockquote {
    border-left: 3px solid var(--_border);
    padding-left: 0.9em;
    color: var(--_muted);
  }
  .md table {
    border-collapse: collapse;
    font-size: 0.92em;
    display: block;
    overflow-x: auto;
  }
  .md th,
  .md td {
    border: 1px solid var(--_border);
    padding: 0.35em 0.7em;
  }
  .md th:not([align]) {
    text-align: left;
  }
  .md th {
    background: var(--_surface);
    font-weight: 600;
  }
  .md tr td:not(:first-child) {
    font-variant-numeric: tabular-nums;
  }

  .cell {
    border: 1px solid var(--_border);
    border-radius: var(--_radius-sm);
    background: var(--_code-bg);
    margin: 0.75em 0;
    /* clip, not hidden: a hidden overflow would make the cell the scroller its sticky header sticks to. */
    overflow: hidden;
    overflow: clip;
  }
  .cell.running {
    border-color: color-mix(in srgb, var(--_accent) 55%, var(--_border));
  }
  /* Stays at the top of the transcript while a long cell scrolls under it: its outcome and Copy stay in view. */
  .cell-head {
    position: sticky;
    top: 0;
    z-index: 1;
    display: flex;
    align-items: center;
    gap: 0.6em;
    padding: 0.35em 0.5em 0.35em 0.85em;
    border-bottom: 1px solid var(--_border);
    background: var(--_surface);
    font-size: 0.8em;
    color: var(--_muted);
  }
  .cell-head .lang {
    font-weight: 600;
    letter-spacing: 0.02em;
  }
  .cell-head .spacer {
    flex: 1;
  }
  .cell-head button.copy {
    font-size: 0.95em;
    padding: 0.2em 0.6em;
    color: var(--_muted);
  }
  pre.code,
  pre.output {
    margin: 0;
    padding: 0.75em 0.95em;
    font-family: var(--_mono);
    font-size: 0.84em;
    line-height: 1.55;
    overflow: auto;
    white-space: pre;
    tab-size: 4;
  }
  pre.code {
    max-height: 22em;
  }
  pre.output {
    border-top: 1px solid var(--_border);
    background: var(--_bg);
    max-height: 22em;
  }
  pre.output::before {
    content: 'Output';
    display: block;
    font-family: var(--_font);
    font-size: 0.82em;
    font-weight: 600;
    color: var(--_muted);
    margin-bottom: 0.3em;
  }
  pre.output.live::before {
    content: 'Output · live';
  }
  .stderr {
    color: var(--_danger);
  }
  .cell-media {
    display: flex;
    flex-wrap: wrap;
    gap: 0.6em;
    padding: 0.75em 0.95em;
    border-top: 1px solid var(--_border);
    background: var(--_bg);
  }
  img.figure {
    display: block;
    max-width: 100%;
    height: auto;
    border-radius: var(--_radius-sm);
    background: #fff;
  }
  /* The Enlarge button goes under the figure: over it, it would hide a legend or a label. */
  .figure-box {
    display: flex;
    flex-direction: column;
    align-items: flex-start;
    gap: 0.35em;
    max-width: 100%;
  }
  .figure-box img.figure {
    cursor: zoom-in;
  }
  .figure-box button.enlarge {
    font-size: 0.8em;
    padding: 0.25em 0.6em;
  }
  button.enlarge svg {
    width: 1em;
    height: 1em;
  }
  .media {
    margin: 0.75em 0;
  }
  /* A chart takes the cell's width: a single view fits it, wider layouts scroll inside it. */
  cec-chart {
    display: block;
    flex: 1 1 100%;
    min-width: 0;
  }
  .chart-fallback {
    margin: 0;
  }
  .chart-note {
    margin: 0.35em 0 0;
    color: var(--_muted);
    font-size: 0.85em;
  }
  .media-omitted {
    margin: 0.4em 0;
    padding: 0.5em 0.75em;
    border: 1px dashed var(--_border);
    border-radius: var(--_radius-sm);
    color: var(--_muted);
    font-size: 0.85em;
  }
  a.file {
    display: inline-flex;
    align-items: center;
    gap: 0.55em;
    padding: 0.4em 0.75em 0.4em 0.45em;
    border: 1px solid var(--_border);
    border-radius: var(--_radius-sm);
    background: var(--_surface);
    color: var(--_fg);
    text-decoration: none;
    font-size: 0.88em;
    max-width: 100%;
  }
  a.file:hover {
    border-color: var(--_accent);
  }
  a.file .thumb {
    width: 2.2em;
    height: 2.2em;
    object-fit: cover;
    border-radius: 5px;
    background: #fff;
  }
  a.file .file-icon {
    display: grid;
    place-items: center;
    width: 2.2em;
    height: 2.2em;
    border-radius: 5px;
    background: var(--_accent-soft);
    color: var(--_accent);
    font-weight: 700;
  }
  a.file .file-name {
    font-weight: 550;
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  a.file .file-size {
    color: var(--_muted);
    font-variant-numeric: tabular-nums;
  }

  .badge {
    display: inline-flex;
    align-items: center;
    gap: 0.4em;
    font-size: 0.92em;
    font-weight: 600;
    line-height: 1;
    padding: 0.3em 0.6em;
    border-radius: 999px;
    background: var(--_surface-2);
    color: var(--_muted);
  }
  .badge.ok {
    background: var(--_ok-soft);
    color: var(--_ok);
  }
  .badge.failed {
    background: var(--_danger-soft);
    color: var(--_danger);
  }
  .badge.timeout {
    background: var(--_warn-soft);
    color: var(--_warn);
  }
  .badge.running {
    background: var(--_accent-soft);
    color: var(--_accent);
  }
  .spinner {
    width: 0.8em;
    height: 0.8em;
    border-radius: 50%;
    border: 2px solid currentColor;
    border-right-color: transparent;
    animation: spin 0.8s linear infinite;
  }
  @keyframes spin {
    to {
      transform: rotate(360deg);
    }
  }
  /* The badge's word ("running") already says it: people who asked for less motion get a still ring. */
  @media (prefers-reduced-motion: reduce) {
    .spinner {
      animation: none;
    }
  }

  details.thought,
  details.call {
    margin: 0.6em 0;
    font-size: 0.9em;
    color: var(--_muted);
  }
  details.thought summary,
  details.call summary {
    cursor: pointer;
  }
  details.call summary {
    font-family: var(--_mono);
    font-size: 0.92em;
  }
  details.call .call-name {
    color: var(--_accent);
    font-weight: 600;
  }
  details.call pre.output {
    white-space: pre-wrap;
    overflow-wrap: anywhere;
    border: 1px solid var(--_border);
    border-radius: var(--_radius-sm);
    margin-top: 0.4em;
  }
  details.call pre.output::before {
    content: none;
  }

  .hljs-keyword,
  .hljs-meta .hljs-keyword,
  .hljs-literal,
  .hljs-selector-tag {
    color: var(--_hl-keyword);
  }
  .hljs-string,
  .hljs-regexp,
  .hljs-meta .hljs-string {
    color: var(--_hl-string);
  }
  .hljs-number,
  .hljs-symbol {
    color: var(--_hl-number);
  }
  .hljs-comment,
  .hljs-quote {
    color: var(--_hl-comment);
    font-style: italic;
  }
  .hljs-title,
  .hljs-title.function_,
  .hljs-title.class_,
  .hljs-section {
    color: var(--_hl-title);
  }
  .hljs-built_in,
  .hljs-type,
  .hljs-params .hljs-built_in {
    color: var(--_hl-builtin);
  }
  .hljs-meta,
  .hljs-subst {
    color: var(--_fg);
  }
`;
