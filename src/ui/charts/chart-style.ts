/**
 * The chart figure's own styles, put inside the figure so they apply in a shadow root and in a
 * plain page alike. Colours inherit from the page; inside the widget its private tokens
 * (`--_border`, `--_accent`…) apply, elsewhere the fallbacks.
 */
export const CHART_STYLE = `
.cec-chart { margin: 0; width: 100%; min-width: 0; color: inherit; font: inherit; }
.cec-chart-frame { overflow-x: auto; max-width: 100%; border-radius: 4px; }
.cec-chart-frame:focus-visible, .cec-chart-table:focus-visible, .cec-chart-data > summary:focus-visible {
  outline: 2px solid var(--_accent, currentColor); outline-offset: 2px;
}
.cec-chart-plot { min-width: 0; }
.cec-chart-plot.vega-embed { display: block; }
/* The page may size its icons with a bare svg rule (the widget does): the chart keeps the size vega gives it. */
.cec-chart-plot svg { display: block; width: auto; height: auto; max-width: none; }
.cec-chart-caption { margin: 0.4em 0 0; font-size: 0.85em; overflow-wrap: anywhere; }
.cec-chart-title { font-weight: 600; }
.cec-chart-description { color: var(--_muted, inherit); }
.cec-chart-note { margin: 0.3em 0 0; font-size: 0.85em; color: var(--_muted, inherit); overflow-wrap: anywhere; }
.cec-chart-data { margin-top: 0.35em; font-size: 0.85em; }
.cec-chart-data > summary { cursor: pointer; width: max-content; max-width: 100%; }
.cec-chart-table { overflow: auto; max-height: 16em; margin-top: 0.35em; border: 1px solid var(--_border, rgb(128 128 128 / 40%)); border-radius: 4px; }
.cec-chart-table table { border-collapse: collapse; font-variant-numeric: tabular-nums; }
.cec-chart-table th, .cec-chart-table td { padding: 0.2em 0.6em; text-align: left; white-space: nowrap; border-bottom: 1px solid var(--_border, rgb(128 128 128 / 25%)); }
.cec-chart-table th { position: sticky; top: 0; background: var(--_surface, Canvas); }
.cec-chart-more { margin: 0.3em 0 0; color: var(--_muted, inherit); }
`;
