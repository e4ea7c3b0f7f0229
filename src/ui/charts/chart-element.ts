/**
 * `<cec-chart>`: a chart in the transcript. It loads the chart view (`chart-view.ts`, a chunk of
 * its own: vega, vega-lite and vega-embed are most of the widget's weight) on first use, so a
 * conversation without charts never downloads it. When the chunk cannot load or the spec is
 * refused, it shows the chart's PNG where the transcript has one, and a one-line note.
 */
import type { ChartMimeType } from '../../shared/types.js';
import type { ChartTheme, ChartView } from './chart-view.js';
import { liveChartStarted, loadChartView } from './load-chart-view.js';

/** The element's tag. */
const CHART_ELEMENT = 'cec-chart';

/** Where there is no DOM (the renderer's tests in Node) the element is never made: a stand-in base keeps this module importable. */
const Base: typeof HTMLElement = globalThis.HTMLElement ?? (class {} as typeof HTMLElement);

/** A chart of the transcript: set `spec`, `name` and, where there is one, `image` before it is connected. */
export class ChartElement extends Base {
  /** The spec's JSON text. */
  spec = '';
  mimeType: ChartMimeType = 'application/vnd.vegalite.v6+json';
  /** What to call the chart when its spec has no title. */
  name = 'Chart';
  /** The chart's PNG as a `data:` URL, shown when the live chart cannot be. */
  image: string | undefined;
  private view: ChartView | undefined;
  private drawing = false;

  connectedCallback(): void {
    if (this.drawing || this.view) return;
    this.drawing = true;
    void this.draw().finally(liveChartStarted());
  }

  disconnectedCallback(): void {
    this.view?.finalize();
    this.view = undefined;
  }

  private async draw(): Promise<void> {
    try {
      const { showChart } = await loadChartView();
      if (!this.isConnected) return;
      this.view = await showChart(this, this.spec, { theme: this.theme(), name: this.name, mimeType: this.mimeType });
      if (!this.isConnected) this.disconnectedCallback();
    } catch (error) {
      this.showFallback(error);
    } finally {
      this.drawing = false;
    }
  }

  /** The theme the page shows here: the `color-scheme` the widget's theme sets, else the reader's preference. */
  private theme(): ChartTheme {
    const scheme = getComputedStyle(this).colorScheme;
    if (/^\s*dark\b/.test(scheme)) return 'dark';
    if (/^\s*light\b/.test(scheme) && !/dark/.test(scheme)) return 'light';
    return matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
  }

  private showFallback(error: unknown): void {
    const figure = document.createElement('figure');
    figure.className = 'chart-fallback';
    if (this.image) {
      const img = document.createElement('img');
      img.className = 'figure';
      img.alt = this.name;
      img.src = this.image;
      figure.append(img);
    }
    const note = document.createElement('figcaption');
    note.className = 'chart-note';
    note.setAttribute('role', 'note');
    const why = error instanceof Error && error.message.startsWith('The chart') ? error.message : 'The interactive chart could not be loaded.';
    note.textContent = `${why}${this.image ? ' Its picture is shown instead.' : ''}`;
    figure.append(note);
    this.replaceChildren(figure);
  }
}

if (typeof customElements !== 'undefined' && !customElements.get(CHART_ELEMENT)) customElements.define(CHART_ELEMENT, ChartElement);
