import { css } from 'lit';

/** The figure viewer: an enlarged figure in a modal dialog, over a dimmed backdrop. */
export const figureViewerStyles = css`
  dialog.figure-viewer {
    max-width: min(96vw, 1400px);
    max-height: 96dvh;
    padding: 0.5em;
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    background: var(--_bg);
    color: var(--_fg);
  }
  dialog.figure-viewer::backdrop {
    background: rgb(0 0 0 / 55%);
  }
  .figure-viewer .viewer-head {
    display: flex;
    align-items: center;
    justify-content: space-between;
    gap: 1em;
    margin-bottom: 0.4em;
    font-size: 0.9em;
  }
  .figure-viewer .viewer-head button svg {
    width: 1.1em;
    height: 1.1em;
  }
  .figure-viewer img {
    display: block;
    max-width: 100%;
    max-height: calc(96dvh - 4em);
    margin: 0 auto;
    background: #fff;
  }
`;
