import { css } from 'lit';

export const settingsStyles = css`
  :host {
    display: contents;
  }
  svg {
    width: 1.15em;
    height: 1.15em;
    flex: none;
  }
  dialog {
    width: min(32rem, calc(100% - 2em));
    max-height: calc(100% - 2em);
    padding: 0;
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    background: var(--_bg);
    color: var(--_fg);
    box-shadow: 0 20px 50px rgb(0 0 0 / 25%);
  }
  dialog::backdrop {
    background: rgb(10 12 16 / 45%);
  }
  .dialog-body {
    padding: 0.4em 1.25em 1.25em;
  }
  .dialog-head {
    display: flex;
    align-items: center;
    justify-content: space-between;
    position: sticky;
    top: 0;
    background: var(--_bg);
    padding: 0.6em 0 0.3em;
  }
  .dialog-head h2 {
    margin: 0;
    font-size: 1.1em;
  }
  dialog section {
    padding: 0.8em 0;
    border-top: 1px solid var(--_border);
  }
  dialog section:first-of-type {
    border-top: none;
  }
  dialog h3 {
    margin: 0 0 0.6em;
    font-size: 0.9em;
  }
  label.field {
    display: grid;
    gap: 0.35em;
    font-size: 0.88em;
    font-weight: 600;
  }
  label.field input,
  label.field select {
    font-weight: 400;
  }
  .record {
    display: flex;
    align-items: center;
    gap: 1em;
  }
  .record p {
    margin: 0;
    flex: 1;
  }
  .record button {
    flex: none;
  }
  label.check {
    display: flex;
    align-items: center;
    gap: 0.5em;
    font-size: 0.88em;
    font-weight: 600;
  }
  input[type='checkbox'] {
    accent-color: var(--_accent);
    width: 1em;
    height: 1em;
  }
  label.check + p {
    margin: 0.4em 0 0;
  }
  .muted {
    color: var(--_muted);
    font-size: 0.88em;
  }
`;
