/**
 * How each transcript entry looks: user bubbles, model answers (through the shared part
 * renderer), errors with their actions, and notices.
 */
import { type TemplateResult, html, nothing } from 'lit';
import { type Entry, type ErrorEntry, type ModelEntry, type UserEntry, shownParts } from '../state/entries.js';
import { paperclipIcon } from '../icons.js';
import { type RenderContext, formatBytes, renderParts } from '../render-parts.js';

export interface EntryActions {
  render: Omit<RenderContext, 'liveOutput' | 'inProgress' | 'stopped' | 'calls'>;
  onRetry(entry: ErrorEntry): void;
  onFix(fix: 'api-key' | 'model'): void;
  /** The level of each turn's heading ("You", "Gemini"): one below the widget's title. */
  headingLevel: number;
  /** Edit and Regenerate, on the user messages `can` allows (none while a demo plays). */
  rewind?: { can(entry: UserEntry): boolean; onEdit(entry: UserEntry): void; onRegenerate(entry: UserEntry): void };
}

export function renderEntry(entry: Entry, actions: EntryActions): TemplateResult | typeof nothing {
  switch (entry.kind) {
    case 'user':
      return renderUser(entry, actions);
    case 'model':
      return renderModel(entry, actions);
    case 'error':
      return renderError(entry, actions);
    case 'notice':
      return entry.divider
        ? html`<div class="divider" role="note" data-entry="divider"><span>${entry.text}</span></div>`
        : html`<p class="notice" role="note">${entry.text}</p>`;
  }
}

/** Who speaks, for screen readers (and their heading navigation); the layout already shows it. */
function speaker(name: string, level: number): TemplateResult {
  return html`<div class="visually-hidden" role="heading" aria-level=${level}>${name}</div>`;
}

function renderUser(entry: UserEntry, { headingLevel, rewind }: EntryActions): TemplateResult {
  return html`<div class="turn user ${entry.dropped ? 'dropped' : ''}" data-entry="user">
    ${speaker('You', headingLevel)}
    <div class="bubble">
      ${entry.text ? html`<p class="user-text">${entry.text}</p>` : nothing}
      ${
        entry.attachments.length > 0
          ? html`<div class="user-files">${entry.attachments.map((a) => html`<span class="file-pill" title=${a.mimeType}>${paperclipIcon}${a.name} <span class="size">${formatBytes(a.size)}</span></span>`)}</div>`
          : nothing
      }
    </div>
    ${
      rewind?.can(entry)
        ? html`<div class="user-actions">
          <button type="button" class="ghost" aria-label="Edit this message" @click=${() => rewind.onEdit(entry)}>Edit</button>
          <button type="button" class="ghost" aria-label="Regenerate the answer to this message" @click=${() => rewind.onRegenerate(entry)}>Regenerate</button>
        </div>`
        : nothing
    }
  </div>`;
}

function renderModel(entry: ModelEntry, actions: EntryActions): TemplateResult | typeof nothing {
  // A request that failed before the model said anything: the error entry says it all.
  if (entry.state !== 'streaming' && entry.parts.length === 0) return nothing;
  const streaming = entry.state === 'streaming';
  const waiting = streaming && entry.parts.length === 0;
  return html`<article class="turn model ${entry.state}" data-entry="model" aria-busy=${streaming ? 'true' : 'false'}>
    <div class="avatar" aria-hidden="true">
      <svg viewBox="0 0 24 24" fill="currentColor"><path d="M12 2.5l2.2 6.3 6.3 2.2-6.3 2.2L12 19.5l-2.2-6.3L3.5 11l6.3-2.2z" /></svg>
    </div>
    <div class="answer">
      ${speaker('Gemini', actions.headingLevel)}
      ${waiting ? html`<div class="typing" role="img" aria-label="Gemini is thinking"><span></span><span></span><span></span></div>` : nothing}
      ${renderParts(shownParts(entry), { ...actions.render, liveOutput: entry.live, calls: entry.calls, inProgress: streaming, stopped: entry.state === 'stopped' })}
      ${entry.state === 'stopped' ? html`<p class="state-note">Stopped</p>` : nothing}
    </div>
  </article>`;
}

function renderError(entry: ErrorEntry, actions: EntryActions): TemplateResult {
  const { error } = entry;
  return html`<div class="error" role="alert" data-entry="error">
    <div class="error-text">
      <strong>${error.title}</strong>
      <span>${error.detail}</span>
    </div>
    <div class="error-actions">
      ${error.fix ? html`<button type="button" @click=${() => actions.onFix(error.fix!)}>${error.fix === 'api-key' ? 'Check API key' : 'Check model'}</button>` : nothing}
      ${entry.retry || entry.reboot ? html`<button type="button" class="primary retry" @click=${() => actions.onRetry(entry)}>Retry</button>` : nothing}
    </div>
  </div>`;
}
