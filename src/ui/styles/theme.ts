/**
 * Design tokens shared by the UI.
 *
 * Top-level elements (`<code-exec-chat>`, `<python-scratchpad>`) include {@link themeTokens}: it
 * turns the public `--cec-*` custom properties (with light and dark defaults) into private `--_*`
 * tokens. Inner elements only read `--_*`, which inherit through shadow roots, so a `theme`
 * attribute on the outer element reaches everything inside it.
 */
import { css } from 'lit';

const light = css`
  --_bg: var(--cec-bg, #ffffff);
  --_fg: var(--cec-fg, #1a1d23);
  --_surface: var(--cec-surface, #f5f6f8);
  --_surface-2: var(--cec-surface-2, #eceef2);
  --_muted: var(--cec-muted, #5d6673);
  --_border: var(--cec-border, #e1e4e9);
  --_accent: var(--cec-accent, #3d5afe);
  --_accent-fg: var(--cec-accent-fg, #ffffff);
  --_accent-soft: var(--cec-accent-soft, #eef1ff);
  --_ok: var(--cec-ok, #17703f);
  --_ok-soft: var(--cec-ok-soft, #e6f5ec);
  --_danger: var(--cec-danger, #c62f3b);
  --_danger-soft: var(--cec-danger-soft, #fdecee);
  --_warn: var(--cec-warn, #9a6200);
  --_warn-soft: var(--cec-warn-soft, #fff4de);
  --_code-bg: var(--cec-code-bg, #f7f8fa);
  --_shadow: var(--cec-shadow, 0 1px 2px rgb(16 24 40 / 6%), 0 1px 3px rgb(16 24 40 / 8%));
  /* highlight.js token colours: each at least 4.5:1 on --_code-bg and --_surface-2 (WCAG AA) */
  --_hl-keyword: #a626a4;
  --_hl-string: #2f7a22;
  --_hl-number: #9c5200;
  --_hl-comment: #5f6873;
  --_hl-title: #3555d1;
  --_hl-builtin: #0f7a8a;
  color-scheme: light;
`;

const dark = css`
  --_bg: var(--cec-bg, #111318);
  --_fg: var(--cec-fg, #e7e9ee);
  --_surface: var(--cec-surface, #181b22);
  --_surface-2: var(--cec-surface-2, #20242d);
  --_muted: var(--cec-muted, #9aa3b1);
  --_border: var(--cec-border, #2a2f3a);
  --_accent: var(--cec-accent, #8c9eff);
  --_accent-fg: var(--cec-accent-fg, #0d1020);
  --_accent-soft: var(--cec-accent-soft, #1e2440);
  --_ok: var(--cec-ok, #5fd393);
  --_ok-soft: var(--cec-ok-soft, #15301f);
  --_danger: var(--cec-danger, #ff7a85);
  --_danger-soft: var(--cec-danger-soft, #3a1a1e);
  --_warn: var(--cec-warn, #f3b94a);
  --_warn-soft: var(--cec-warn-soft, #352813);
  --_code-bg: var(--cec-code-bg, #0c0e12);
  --_shadow: var(--cec-shadow, 0 1px 2px rgb(0 0 0 / 40%));
  --_hl-keyword: #d49bff;
  --_hl-string: #9ad27e;
  --_hl-number: #f5b36b;
  --_hl-comment: #7b8494;
  --_hl-title: #8fb0ff;
  --_hl-builtin: #6fd4e0;
  color-scheme: dark;
`;

/** Tokens for a top-level element: light by default, dark by `theme="dark"` or the OS setting. */
export const themeTokens = css`
  :host {
    ${light}
    --_font: var(--cec-font, ui-sans-serif, system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif);
    --_mono: var(--cec-mono-font, ui-monospace, 'SF Mono', 'Cascadia Code', 'JetBrains Mono', Menlo, Consolas, monospace);
    --_radius: var(--cec-radius, 12px);
    --_radius-sm: calc(var(--_radius) * 0.6);
    --_font-size: var(--cec-font-size, 15px);
    font-family: var(--_font);
    font-size: var(--_font-size);
    line-height: 1.55;
    color: var(--_fg);
    background: var(--_bg);
  }
  :host([theme='dark']) {
    ${dark}
  }
  @media (prefers-color-scheme: dark) {
    :host(:not([theme='light'])) {
      ${dark}
    }
  }
`;

/** Buttons, inputs and focus rings used across the inner elements. */
export const controls = css`
  *,
  *::before,
  *::after {
    box-sizing: border-box;
  }
  button {
    font: inherit;
    font-size: 0.9em;
    font-weight: 550;
    border-radius: var(--_radius-sm);
    border: 1px solid var(--_border);
    background: var(--_bg);
    color: var(--_fg);
    padding: 0.45em 0.9em;
    cursor: pointer;
    display: inline-flex;
    align-items: center;
    gap: 0.4em;
    transition:
      background 120ms ease,
      border-color 120ms ease;
  }
  button:hover:not(:disabled) {
    background: var(--_surface-2);
  }
  button:disabled {
    opacity: 0.5;
    cursor: default;
  }
  button.primary {
    background: var(--_accent);
    border-color: var(--_accent);
    color: var(--_accent-fg);
  }
  button.primary:hover:not(:disabled) {
    background: var(--_accent);
    filter: brightness(1.08);
  }
  button.danger {
    color: var(--_danger);
    border-color: color-mix(in srgb, var(--_danger) 45%, var(--_border));
  }
  button.ghost {
    border-color: transparent;
    background: transparent;
  }
  :focus-visible {
    outline: 2px solid var(--_accent);
    outline-offset: 2px;
  }
  input[type='text'],
  input[type='password'],
  textarea,
  select {
    font: inherit;
    color: var(--_fg);
    background: var(--_bg);
    border: 1px solid var(--_border);
    border-radius: var(--_radius-sm);
    padding: 0.5em 0.7em;
  }
  input:focus-visible,
  textarea:focus-visible,
  select:focus-visible {
    outline: none;
    border-color: var(--_accent);
    box-shadow: 0 0 0 3px color-mix(in srgb, var(--_accent) 22%, transparent);
  }
  /* Keyboard hints: nothing to press on a touch screen without a keyboard. */
  @media (hover: none) and (pointer: coarse) {
    .keys-only {
      display: none !important;
    }
  }
  .visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip: rect(0 0 0 0);
    white-space: nowrap;
  }
`;

/** The title bar across the top of the chat and of the scratchpad. */
export const titleBar = css`
  .title-bar {
    display: flex;
    align-items: center;
    justify-content: space-between;
    gap: 1em;
    padding: 0.7em 1em;
    border-bottom: 1px solid var(--_border);
  }
`;
