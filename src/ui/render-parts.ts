/**
 * The one renderer of transcript parts. Local execution (the agent loop's transcript) and Gemini's
 * server-side execution produce the same @google/genai `Part` shapes — text, executableCode,
 * codeExecutionResult, inlineData — and both are drawn here.
 *
 * Pure: parts in, Lit templates out. Anything with side effects (blob URLs, the clipboard) comes
 * in through {@link RenderContext}. Styles live in `styles/transcript.ts`.
 */
import type { Blob as GenAIBlob, CodeExecutionResult, FunctionCall, FunctionResponse, Part } from '@google/genai';
import { type TemplateResult, html, nothing } from 'lit';
import { unsafeHTML } from 'lit/directives/unsafe-html.js';
import type { OutputChunk } from '../shared/types.js';
import { type Block, type Figure, type RenderContext, groupParts } from './blocks.js';
// Defines <cec-chart>, which the template below names.
import './charts/chart-element.js';
import { type MediaItem, chartSpec, mediaItems } from './charts/chart-media.js';
import { type CellCalls, type ShownCall, callText, callsCaption, moreLine } from './cell-calls.js';
import { highlightCode } from './highlight.js';
import { enlargeIcon } from './icons.js';
import { renderMarkdown } from './markdown.js';

export { groupParts, type Block, type Figure, type RenderContext };

/** Renders a transcript's parts. */
export function renderParts(parts: readonly Part[], ctx: RenderContext): TemplateResult {
  const blocks = groupParts(parts);
  const lastCell = blocks.findLastIndex((b) => b.type === 'cell' && !b.notRun);
  const count = { cells: 0, runs: 0, figures: 0 };
  return html`${blocks.map((block, index) => {
    if (block.type === 'cell') count.cells++;
    return renderBlock(block, ctx, index === lastCell, count);
  })}`;
}

/** Cells, cells that ran (drafts do not) and figures so far in these parts: figures are named by their number and their cell's. */
interface Count {
  cells: number;
  runs: number;
  figures: number;
}

function renderBlock(block: Block, ctx: RenderContext, isLastCell: boolean, count: Count): TemplateResult {
  switch (block.type) {
    case 'text':
      return html`<div class="md">${unsafeHTML(renderMarkdown(block.text))}</div>`;
    case 'thought':
      return html`<details class="thought"><summary>Thinking</summary><div class="md">${unsafeHTML(renderMarkdown(block.text))}</div></details>`;
    case 'cell':
      return renderCell(block, ctx, isLastCell, count);
    case 'result':
      return html`<div class="cell" role="group" aria-label="Code result">${renderCellHeader(block.result, false, undefined)}${renderOutput(block.result.output ?? '', block.result)}</div>`;
    case 'media':
      return html`<div class="media">${renderItem(mediaItems([block.blob])[0], ctx, () => `Figure ${++count.figures}`)}</div>`;
    case 'call':
      return renderCall(block.call, block.response);
  }
}

function renderCell(cell: Extract<Block, { type: 'cell' }>, ctx: RenderContext, isLastCell: boolean, count: Count): TemplateResult {
  const running = !cell.result && isLastCell && Boolean(ctx.inProgress);
  const live = running ? ctx.liveOutput : undefined;
  const run = cell.notRun ? -1 : count.runs++;
  const calls = ctx.calls?.find((c) => c.cell === run);
  return html`
    <div class="cell ${running ? 'running' : ''}" role="group" aria-label=${cell.notRun ? 'Python code the model wrote, not run' : 'Python code cell'} aria-busy=${running ? 'true' : 'false'}>
      ${renderCellHeader(cell.result, running && ctx.pythonLoading ? 'waiting' : running, ctx.onCopy ? { copy: () => ctx.onCopy?.(cell.code), copied: ctx.copied === cell.code } : undefined, cell.notRun, Boolean(ctx.stopped) && !cell.result)}
      <pre class="code" tabindex="0" role="group" aria-label="Python code"><code class="hljs">${unsafeHTML(highlightCode(cell.code, cell.language))}</code></pre>
      ${calls ? renderCalls(calls) : nothing}
      ${cell.result ? renderOutput(cell.result.output ?? '', cell.result) : live && live.length > 0 ? renderLive(live) : nothing}
      ${cell.media.length > 0 ? html`<div class="cell-media">${mediaItems(cell.media).map((item) => renderItem(item, ctx, () => `Figure ${++count.figures} from cell ${count.cells}`))}</div>` : nothing}
    </div>
  `;
}

/** The page functions the cell's code called: a list of text lines (hostile arguments are never HTML), its outcome in words. */
function renderCalls(calls: CellCalls): TemplateResult {
  const more = moreLine(calls);
  return html`<div class="cell-calls">
    <p class="calls-caption">${callsCaption(calls)}</p>
    <ol aria-label="Function calls from this code">
      ${calls.shown.map(renderCodeCall)}
      ${more ? html`<li class="more">${more}</li>` : nothing}
    </ol>
  </div>`;
}

function renderCodeCall(call: ShownCall): TemplateResult {
  const { signature, outcome, time } = callText(call);
  const failed = call.error !== undefined;
  return html`<li class=${failed ? 'failed' : 'ok'}><code class="call-signature">${signature}</code> <span class="call-outcome">${outcome}</span> <span class="call-time">${time}</span></li>`;
}

function renderCellHeader(
  result: CodeExecutionResult | undefined,
  running: boolean | 'waiting',
  copy: { copy(): void; copied: boolean } | undefined,
  notRun = false,
  stopped = false,
): TemplateResult {
  return html`
    <header class="cell-head">
      <span class="lang">Python</span>
      ${notRun ? html`<span class="badge idle" title="The model wrote this code; nothing ran it">draft, not run</span>` : stopped ? html`<span class="badge timeout">stopped</span>` : outcomeBadge(result, running)}
      <span class="spacer"></span>
      ${copy ? html`<button class="ghost copy" type="button" @click=${copy.copy}>${copy.copied ? 'Copied' : html`Copy<span class="visually-hidden"> code</span>`}</button>` : nothing}
    </header>
  `;
}

/** The badge's label and style for an outcome (exported for tests and the scratchpad). */
export function outcomeLabel(
  result: CodeExecutionResult | undefined,
  running: boolean | 'waiting',
): { label: string; tone: 'ok' | 'failed' | 'timeout' | 'running' | 'idle' } {
  if (running === 'waiting') return { label: 'waiting for Python', tone: 'running' };
  if (running) return { label: 'running', tone: 'running' };
  switch (result?.outcome) {
    case 'OUTCOME_OK':
      return { label: 'ok', tone: 'ok' };
    case 'OUTCOME_FAILED':
      return { label: 'failed', tone: 'failed' };
    case 'OUTCOME_DEADLINE_EXCEEDED':
      return { label: 'timed out', tone: 'timeout' };
    case undefined:
      return { label: result ? 'done' : 'not run', tone: 'idle' };
    default:
      return { label: 'unknown', tone: 'idle' };
  }
}

function outcomeBadge(result: CodeExecutionResult | undefined, running: boolean | 'waiting'): TemplateResult {
  const { label, tone } = outcomeLabel(result, running);
  return html`<span class="badge ${tone}">${tone === 'running' ? html`<span class="spinner" aria-hidden="true"></span>` : nothing}${label}</span>`;
}

const TRACEBACK = /^(Traceback \(most recent call last\):|\w*(Error|Exception|Interrupt)\b.*:)/m;

/**
 * The output block. Both modes deliver stdout and stderr as one string; for a failed run the
 * traceback (from its first line on) is shown as stderr.
 */
function renderOutput(output: string, result: CodeExecutionResult): TemplateResult | typeof nothing {
  if (output === '') return nothing;
  if (result.outcome !== 'OUTCOME_OK') {
    const match = TRACEBACK.exec(output);
    if (match) {
      const before = output.slice(0, match.index);
      const after = output.slice(match.index);
      return html`<pre class="output" tabindex="0" role="group" aria-label="Output">${before}<span class="stderr">${after}</span></pre>`;
    }
  }
  return html`<pre class="output" tabindex="0" role="group" aria-label="Output">${output}</pre>`;
}

/** Live output keeps the stream of each chunk: stderr is coloured as it arrives. */
export function renderLive(chunks: readonly OutputChunk[]): TemplateResult {
  return html`<pre class="output live" tabindex="0" role="group" aria-label="Live output">${chunks.map((chunk) => (chunk.stream === 'stderr' ? html`<span class="stderr">${chunk.text}</span>` : chunk.text))}</pre>`;
}

/**
 * A chart, drawn live by `<cec-chart>` (which loads the chart code on first use, and shows the
 * chart's PNG and a note when it cannot), or another medium.
 */
function renderItem(item: MediaItem, ctx: RenderContext, figureName: () => string): TemplateResult {
  if ('blob' in item) return renderMedia(item.blob, ctx, figureName);
  const spec = chartSpec(item.chart);
  // A restored conversation keeps large media without its bytes: its PNG, if kept, or the note.
  if (spec === undefined) return item.image?.data ? renderMedia(item.image, ctx, figureName) : renderMedia(item.chart, ctx, figureName);
  const image = item.image?.data ? `data:${item.image.mimeType};base64,${item.image.data}` : undefined;
  return html`<cec-chart .spec=${spec} .mimeType=${item.chart.mimeType} .name=${figureName()} .image=${image}></cec-chart>`;
}

/** A file to download, or a figure, named by `figureName()` (called once per figure, so it can count). */
function renderMedia(blob: GenAIBlob, ctx: RenderContext, figureName: () => string): TemplateResult {
  const mimeType = blob.mimeType ?? 'application/octet-stream';
  const isImage = /^image\/(png|jpeg|gif|webp)$/.test(mimeType);
  // A restored conversation keeps large media without its bytes (see saved-conversation.ts).
  if (!blob.data) {
    const what = blob.displayName ? `${blob.displayName} was` : isImage ? 'This image was' : 'This file was';
    return html`<p class="media-omitted" role="note">${what} too large to keep when the conversation was saved.</p>`;
  }
  // Unnamed images are figures (charts): shown inline. Named blobs are files the code wrote: downloads.
  if (isImage && !blob.displayName) {
    const figure = { src: `data:${mimeType};base64,${blob.data}`, alt: figureName() };
    const enlarge = ctx.onEnlarge;
    if (!enlarge) return html`<img class="figure" alt=${figure.alt} src=${figure.src} />`;
    return html`<div class="figure-box">
      <img class="figure" alt=${figure.alt} src=${figure.src} @click=${() => enlarge(figure)} />
      <button type="button" class="enlarge" aria-label="Enlarge ${figure.alt}" @click=${() => enlarge(figure)}>${enlargeIcon}Enlarge</button>
    </div>`;
  }
  const name = blob.displayName ?? `output.${extensionFor(mimeType)}`;
  const size = formatBytes(base64Size(blob.data ?? ''));
  // Named by its visible text (an aria-label would hide the size from it: label-content-name-mismatch).
  return html`<a class="file" href=${ctx.downloadUrl(blob)} download=${name}>
    ${isImage ? html`<img class="thumb" alt="" src="data:${mimeType};base64,${blob.data ?? ''}" />` : html`<span class="file-icon" aria-hidden="true">⤓</span>`}
    <span class="visually-hidden">Download </span><span class="file-name">${name}</span><span class="file-size">${size}</span>
  </a>`;
}

function renderCall(call: FunctionCall, response: FunctionResponse | undefined): TemplateResult {
  const args = call.args ? JSON.stringify(call.args) : '';
  const error = response?.response && 'error' in response.response;
  return html`<details class="call ${error ? 'failed' : ''}">
    <summary><span class="call-name">${call.name ?? 'function'}</span>(${truncate(args, 80)})${response ? html` <span class="badge ${error ? 'failed' : 'ok'}">${error ? 'error' : 'answered'}</span>` : nothing}</summary>
    ${args ? html`<pre class="output">${args}</pre>` : nothing}
    ${response ? html`<pre class="output">${JSON.stringify(response.response, null, 2)}</pre>` : nothing}
  </details>`;
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function base64Size(data: string): number {
  const padding = data.endsWith('==') ? 2 : data.endsWith('=') ? 1 : 0;
  return Math.max(0, Math.floor((data.length * 3) / 4) - padding);
}

/** `1.2 KB`-style sizes. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

function extensionFor(mimeType: string): string {
  const known: Record<string, string> = {
    'text/csv': 'csv',
    'text/plain': 'txt',
    'application/json': 'json',
    'image/png': 'png',
    'image/jpeg': 'jpg',
    'application/pdf': 'pdf',
  };
  return known[mimeType] ?? 'bin';
}
