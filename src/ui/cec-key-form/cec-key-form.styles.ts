import { css } from 'lit';

export const keyFormStyles = css`
  :host {
    display: block;
  }
  form {
    display: grid;
    gap: 0.7em;
  }
  label.field {
    display: grid;
    gap: 0.35em;
    font-size: 0.88em;
    font-weight: 600;
  }
  .inline {
    display: flex;
    gap: 0.5em;
  }
  .inline input {
    flex: 1;
    min-width: 0;
    font-family: var(--_mono);
    font-size: 0.88em;
  }
  label.check {
    display: flex;
    align-items: center;
    gap: 0.5em;
    font-size: 0.86em;
    color: var(--_fg);
  }
  input[type='checkbox'] {
    accent-color: var(--_accent);
    width: 1em;
    height: 1em;
  }
  p {
    margin: 0;
    font-size: 0.8em;
    color: var(--_muted);
  }
  a {
    color: var(--_accent);
  }
  .saved {
    display: flex;
    align-items: center;
    justify-content: space-between;
    gap: 0.6em;
    font-size: 0.86em;
  }
`;
