import { css } from 'lit';

export const demoPickerStyles = css`
  :host {
    display: block;
  }
  ul {
    list-style: none;
    margin: 0;
    padding: 0;
    display: grid;
    gap: 0.6em;
  }
  button.card {
    width: 100%;
    display: grid;
    gap: 0.2em;
    justify-items: start;
    text-align: left;
    padding: 0.75em 0.95em;
    border-radius: var(--_radius-sm);
    border: 1px solid var(--_border);
    background: var(--_bg);
    font-weight: 400;
    font-size: 0.95em;
  }
  button.card:hover:not(:disabled) {
    border-color: var(--_accent);
    background: var(--_accent-soft);
  }
  .title {
    font-weight: 600;
  }
  :host([compact]) ul {
    gap: 0.35em;
  }
  :host([compact]) button.card {
    padding: 0.5em 0.8em;
  }
  :host([compact]) .title {
    font-weight: 500;
  }
  .description {
    color: var(--_muted);
    font-size: 0.88em;
  }
  /* In a narrow widget (its frame is the size container): tighter cards, descriptions cut at two
     lines (still read whole by screen readers), so the first demos fit without scrolling. */
  @container (max-width: 560px) {
    ul {
      gap: 0.45em;
    }
    button.card {
      padding: 0.5em 0.8em;
    }
    .description {
      display: -webkit-box;
      -webkit-box-orient: vertical;
      -webkit-line-clamp: 2;
      overflow: hidden;
    }
  }
`;
