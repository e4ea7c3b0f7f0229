import { css } from 'lit';

export const loadProgressStyles = css`
  :host {
    display: block;
    font-size: 0.82em;
    color: var(--_muted);
  }
  :host([hidden]) {
    display: none;
  }
  .label {
    display: flex;
    justify-content: space-between;
    gap: 1em;
    margin-bottom: 0.35em;
  }
  .message {
    color: var(--_fg);
    font-weight: 500;
  }
  .track {
    position: relative;
    height: 4px;
    border-radius: 999px;
    background: var(--_surface-2);
    overflow: hidden;
  }
  .bar {
    height: 100%;
    border-radius: inherit;
    background: var(--_accent);
    transition: width 400ms ease;
  }
  .indeterminate .bar {
    position: absolute;
    width: 35%;
    animation: slide 1.2s ease-in-out infinite;
  }
  @keyframes slide {
    from {
      left: -35%;
    }
    to {
      left: 100%;
    }
  }
  @media (prefers-reduced-motion: reduce) {
    .indeterminate .bar {
      animation: none;
      left: 0;
      width: 100%;
      opacity: 0.5;
    }
  }
`;
