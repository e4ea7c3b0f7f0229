import { css } from 'lit';

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
