/**
 * The Gemini API key messages go with, and the client made with it: the page's key (`api-key`)
 * wins, else the reader's own, entered in Settings or the welcome (and kept by {@link ApiKeyStore}).
 * A message sent without a key asks for one where the reader can enter it. While a demo plays, its
 * recording answers instead: no key is needed. (No lifecycle of its own, so not a Lit
 * ReactiveController.)
 */
import type { GoogleGenAI } from '@google/genai';
import type { ReactiveControllerHost } from 'lit';
import { ApiKeyStore } from '../api-key-store.js';
import type { CecKeyForm } from '../cec-key-form/cec-key-form.js';
import type { KeySubmitEvent } from '../cec-key-form/events.js';
import type { CecSettings } from '../cec-settings/cec-settings.js';
import type { ReadableError } from '../error-message.js';
import { liveClient, replayClient } from '../genai-client.js';
import type { DemoController } from './demo-controller.js';

/** The element's public properties the key reads and writes. */
export interface ApiKeyHost extends ReactiveControllerHost {
  /** The `api-key` attribute: the page's key. Cleared when the reader enters or forgets their own, so theirs is the one used. */
  apiKey: string;
  /** The `base-url` attribute. */
  readonly baseUrl: string | undefined;
  readonly renderRoot: ParentNode;
}

/** What the key asks of the element's private parts. */
export interface ApiKeyHooks {
  /** The welcome shows (no conversation yet): its form is where the key goes. */
  welcomeShown(): boolean;
  settings(): CecSettings | null;
  /** Shows an error in the transcript and tells the page. */
  reportError(error: ReadableError): void;
}

export class ApiKeyController {
  private readonly store = new ApiKeyStore();
  /** The client made last and what it was made for (the demo, or the key and base URL): made again when that changes. */
  private client: { key: string; value: GoogleGenAI } | undefined;
  /** A message was sent without a key while the welcome showed: its key form says so. */
  needed = false;

  constructor(
    private readonly host: ApiKeyHost,
    private readonly demos: DemoController,
    private readonly hooks: ApiKeyHooks,
  ) {}

  /** The key messages go with: the page's, else the reader's; empty when there is none. */
  get effectiveKey(): string {
    return this.host.apiKey || this.store.value;
  }

  /** The reader's key is kept in this browser ("Remember on this device"). */
  get remembered(): boolean {
    return this.store.remembered;
  }

  /** The client for the next message: the demo's replay, or the live API with the key; undefined without a key. */
  currentClient(): GoogleGenAI | undefined {
    const demo = this.demos.active;
    const cacheKey = demo ? `demo:${demo.url}` : `live:${this.effectiveKey}:${this.host.baseUrl ?? ''}`;
    if (this.client?.key === cacheKey) return this.client.value;
    if (!demo && !this.effectiveKey) return undefined;
    const value = demo ? replayClient(demo.recording) : liveClient(this.effectiveKey, this.baseUrl());
    this.client = { key: cacheKey, value };
    return value;
  }

  /**
   * The client for a voice (Live) session: undefined without a key or while a demo plays (a
   * recording has no voice). An ephemeral token (`auth_tokens/…`) connects on `v1alpha`, the only
   * API version that takes one.
   */
  voiceClient(): GoogleGenAI | undefined {
    const key = this.effectiveKey;
    if (this.demos.active || !key) return undefined;
    return liveClient(key, this.baseUrl(), key.startsWith('auth_tokens/') ? 'v1alpha' : undefined);
  }

  /** The SDK needs an absolute base URL; the attribute may be relative to the page (a same-origin proxy). */
  private baseUrl(): string | undefined {
    return this.host.baseUrl ? new URL(this.host.baseUrl, document.baseURI).href.replace(/\/$/, '') : undefined;
  }

  /**
   * A message was sent without a key (it is back in the box): focus goes to where a key is
   * entered, the welcome's key form (beside the demos) while it shows, else Settings (the form and
   * the demos).
   */
  async askForKey(): Promise<void> {
    if (this.hooks.welcomeShown()) {
      this.needed = true;
      this.host.requestUpdate();
      await this.host.updateComplete;
      const form = this.host.renderRoot.querySelector<CecKeyForm>('.welcome cec-key-form');
      if (form) {
        form.scrollIntoView({ block: 'nearest' });
        form.focus();
        return;
      }
    }
    this.hooks.reportError({
      title: 'Add a Gemini API key to chat',
      detail: 'Your message is still in the box. Enter your key in Settings, or pick one of the recorded demos there (they work offline, without a key).',
      retryable: false,
      fix: 'api-key',
    });
    this.hooks.settings()?.open('key');
  }

  /** The reader entered a key (in Settings or the welcome): it replaces the page's, and ends a demo. */
  readonly onKeySubmit = (event: KeySubmitEvent): void => {
    this.store.set(event.detail.key, event.detail.remember);
    this.needed = false;
    this.host.apiKey = '';
    this.host.requestUpdate();
    this.hooks.settings()?.close();
    if (this.demos.active) this.demos.exit();
  };

  /** The reader forgot their key (Settings): the page's goes too, and the client made with it. */
  readonly onKeyForget = (): void => {
    this.store.clear();
    this.host.apiKey = '';
    this.client = undefined;
    this.host.requestUpdate();
  };
}
