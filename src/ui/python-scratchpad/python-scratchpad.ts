/**
 * `<python-scratchpad>`: a plain Python editor with a Run button, no model involved. It runs code
 * in a sandbox it is given — on the demo page, the chat's own (`for="chat-id"`), so variables and
 * files are shared both ways.
 */
import { Language, Outcome, type Part, createPartFromCodeExecutionResult, createPartFromExecutableCode } from '@google/genai';
import { LitElement, type PropertyValues, html, nothing } from 'lit';
import { listedFiles } from '../../agent/run-python/files.js';
import { toParts } from '../../agent/run-python/parts.js';
import type { OutputChunk, RunResult } from '../../shared/types.js';
import { BlobUrls } from '../blob-urls.js';
import { fileParts } from '../file-parts.js';
import type { SandboxReadyEvent } from '../code-exec-chat/events.js';
import { renderParts } from '../render-parts.js';
import { controls, themeTokens, titleBar } from '../styles/theme.js';
import { transcriptStyles } from '../styles/transcript.js';
import type { PythonScratchpadElement, ScratchpadSandbox } from './element-api.js';
import { scratchpadStyles } from './python-scratchpad.styles.js';

export type { ScratchpadSandbox };

const EXAMPLE = `# Same interpreter as the chat:
# its variables and files are here.
import os
print(sorted(os.listdir(".")))
[n for n in dir() if not n.startswith("_")]
`;

export class PythonScratchpad extends LitElement implements PythonScratchpadElement {
  static override styles = [themeTokens, controls, titleBar, transcriptStyles, scratchpadStyles];

  static override properties = {
    sandbox: { attribute: false },
    for: { type: String, attribute: 'for' },
    code: { type: String, attribute: 'code' },
    heading: { type: String, attribute: 'heading' },
    theme: { type: String, attribute: 'theme', reflect: true },
    _running: { state: true },
    _parts: { state: true },
    _live: { state: true },
  };

  /** The sandbox to run in. Set directly, or found through `for`. */
  declare sandbox: ScratchpadSandbox | undefined;
  /** Id of a `<code-exec-chat>` whose sandbox to share. */
  declare for: string | undefined;
  /** The code in the editor. */
  declare code: string;
  declare heading: string;
  declare theme: 'light' | 'dark' | 'auto' | undefined;
  declare private _running: boolean;
  declare private _parts: Part[];
  declare private _live: OutputChunk[];

  private readonly blobUrls = new BlobUrls();
  private linked: HTMLElement | undefined;
  /** Esc was the last key: the next Tab leaves the editor instead of indenting (CodeMirror's convention). */
  private tabLeaves = false;

  constructor() {
    super();
    this.code = EXAMPLE;
    this.heading = 'Python scratchpad';
    this._running = false;
    this._parts = [];
    this._live = [];
  }

  /** Runs the editor's code; resolves with the result (also shown). */
  async run(): Promise<RunResult | undefined> {
    const sandbox = this.sandbox;
    if (!sandbox || this._running) return undefined;
    const code = this.code;
    this._running = true;
    this._live = [];
    this._parts = [createPartFromExecutableCode(code, Language.PYTHON)];
    try {
      const result = await sandbox.run(code, {
        onOutput: (chunk) => {
          const last = this._live.at(-1);
          this._live =
            last && last.stream === chunk.stream
              ? [...this._live.slice(0, -1), { stream: chunk.stream, text: last.text + chunk.text }]
              : [...this._live, chunk];
        },
      });
      this.blobUrls.revokeAll();
      // As many downloads as the chat shows per run, at most.
      const files = fileParts(listedFiles(result.files.filter((f) => !f.omitted)));
      this._parts = [...toParts(code, result), ...files];
      return result;
    } catch (error) {
      this._parts = [...this._parts, createPartFromCodeExecutionResult(Outcome.OUTCOME_FAILED, `${(error as Error).name}: ${(error as Error).message}`)];
      return undefined;
    } finally {
      this._running = false;
      this._live = [];
    }
  }

  /** Interrupts the running code. */
  stop(): void {
    this.sandbox?.interrupt();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.unlink();
    this.blobUrls.revokeAll();
  }

  override connectedCallback(): void {
    super.connectedCallback();
    if (this.for) this.link(this.for);
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('for') && this.isConnected) this.link(this.for);
  }

  private link(id: string | undefined): void {
    this.unlink();
    if (!id) return;
    const target = (this.getRootNode() as Document | ShadowRoot).getElementById(id) as
      | (HTMLElement & { sandbox?: ScratchpadSandbox; ensureSandbox?: () => Promise<ScratchpadSandbox> })
      | null;
    if (!target) return;
    this.linked = target;
    target.addEventListener('cec-sandbox-ready', this.onSandboxReady);
    if (target.sandbox) this.sandbox = target.sandbox;
  }

  private unlink(): void {
    this.linked?.removeEventListener('cec-sandbox-ready', this.onSandboxReady);
    this.linked = undefined;
  }

  private readonly onSandboxReady = (event: SandboxReadyEvent): void => {
    this.sandbox = event.detail.sandbox;
  };

  private onKeyDown(event: KeyboardEvent): void {
    const tabLeaves = this.tabLeaves;
    this.tabLeaves = event.key === 'Escape';
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      void this.run();
    } else if (event.key === 'Escape' && this._running) {
      event.preventDefault();
      this.stop();
    } else if (event.key === 'Tab' && !event.shiftKey && !tabLeaves) {
      // Four spaces, as Python wants; after Esc, Tab moves focus on as usual (the hint says so).
      event.preventDefault();
      const area = event.target as HTMLTextAreaElement;
      area.setRangeText('    ', area.selectionStart, area.selectionEnd, 'end');
      this.code = area.value;
    }
  }

  override render() {
    const ready = Boolean(this.sandbox);
    return html`
      <div class="title-bar">
        <h2>${this.heading}</h2>
        <span class="status"><span class="dot ${ready ? 'ready' : ''}"></span>${ready ? "Shares the chat's Python" : 'Waiting for Python…'}</span>
      </div>
      <div class="body">
        <label class="visually-hidden" for="code">Python code</label>
        <textarea id="code" spellcheck="false" aria-describedby="keys" .value=${this.code} @input=${(e: Event) => (this.code = (e.target as HTMLTextAreaElement).value)} @keydown=${this.onKeyDown}></textarea>
        <div class="bar">
          <button class="primary" type="button" aria-label="Run code" ?disabled=${!ready || this._running} @click=${() => void this.run()}>Run</button>
          <button class="danger" type="button" aria-label="Stop code" ?disabled=${!this._running} @click=${() => this.stop()}>Stop</button>
          <span class="spacer"></span>
          <span class="hint keys-only" id="keys"><span>Ctrl+Enter runs</span> · <span>Esc stops</span> · <span>Tab indents; Esc then Tab leaves the editor</span></span>
        </div>
        <div class="result" aria-live="polite">
          ${
            this._parts.length > 0
              ? renderParts(this._parts, { downloadUrl: this.blobUrls.urlFor, liveOutput: this._live, inProgress: this._running })
              : html`<p class="empty">${ready ? 'Output appears here.' : nothing}</p>`
          }
        </div>
      </div>
    `;
  }
}
