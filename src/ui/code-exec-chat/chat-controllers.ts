/**
 * The chat element's controllers, built in one place and wired to each other. Each reaches the
 * ones built after it through closures, which run only once all exist.
 */
import type { LitElement } from 'lit';
import type { ExecutionMode, GeminiApi, LocalFunction } from '../../agent/index.js';
import { BlobUrls } from '../blob-urls.js';
import type { CecComposer } from '../cec-composer/cec-composer.js';
import type { CecSettings } from '../cec-settings/cec-settings.js';
import type { ReadableError } from '../error-message.js';
import { PackageIndexChoice } from '../package-index-choice.js';
import { Conversation } from '../state/conversation.js';
import type { SentMessage } from '../state/entries.js';
import { type ApiKeyHost, ApiKeyController } from './api-key-controller.js';
import { type DemoHost, DemoController } from './demo-controller.js';
import { SandboxReadyEvent } from './events.js';
import { FileDrop } from './file-drop.js';
import { FollowOutput } from './follow-output.js';
import { SandboxController, type SandboxUrls, bootOptions } from './sandbox-controller.js';
import { SavedChatController, type SavedChatHost } from './saved-chat-controller.js';
import { SendController, type SendHost } from './send-controller.js';
import { StatusController } from './status-controller.js';
import { DEFAULT_LIVE_MODEL, VoiceController } from './voice-controller.js';

/**
 * The element as its controllers see it: what each of them asks of it, together (the element
 * itself, code-exec-chat.ts, builds them, so they name no type of it).
 */
export type ChatHost = LitElement &
  DemoHost &
  SavedChatHost &
  ApiKeyHost &
  SendHost &
  SandboxUrls & { readonly liveModel: string; readonly functions: readonly LocalFunction[] };

/** What the controllers ask of the element beyond its public members. */
export interface ChatHooks {
  clearTranscript(): void;
  /** Where the next message's code runs (a demo's recording decides while it plays). */
  execution(): ExecutionMode;
  /** The API of the next message. */
  api(): GeminiApi;
  reportError(error: ReadableError, retry?: SentMessage | 'reboot'): void;
  composer(): CecComposer | null;
  settings(): CecSettings | null;
  /** The package index Settings offers, or undefined when the page turned it off. */
  indexOffered(): string | undefined;
}

export function chatControllers(host: ChatHost, hooks: ChatHooks) {
  const indexChoice = new PackageIndexChoice();
  const blobUrls = new BlobUrls();
  const conversation = new Conversation(() => host.requestUpdate());
  const demos = new DemoController(host, conversation, {
    clearTranscript: () => hooks.clearTranscript(),
    execution: () => hooks.execution(),
    startPython: () => python.start(),
    restoreSaved: () => savedChat.restore(),
    reportError: (error) => hooks.reportError(error),
    composer: () => hooks.composer(),
    settings: () => hooks.settings(),
  });
  const savedChat = new SavedChatController(host, conversation, {
    execution: () => hooks.execution(),
    demoPlaying: () => Boolean(demos.active),
    sandbox: () => python.current,
    python: () => python.ensure(),
    startPython: () => python.start(),
    reportError: (error) => hooks.reportError(error),
  });
  const keys = new ApiKeyController(host, demos, {
    welcomeShown: () => conversation.entries.length === 0,
    settings: () => hooks.settings(),
    reportError: (error) => hooks.reportError(error),
  });
  const python = new SandboxController(host, {
    options: () => bootOptions(host, indexChoice.on ? hooks.indexOffered() : undefined),
    ready: (sandbox) => {
      void savedChat.writeRestoredFiles(sandbox);
      host.dispatchEvent(new SandboxReadyEvent(sandbox));
    },
    failed: (error) => sender.bootFailed(error),
    disposing: () => {
      conversation.stop();
      blobUrls.revokeAll();
    },
  });
  const followOutput = new FollowOutput(
    host,
    () => host.renderRoot.querySelector<HTMLElement>('.transcript'),
    () => conversation.entries.length > 0,
  );
  const fileDrop = new FileDrop(host, () => hooks.composer());
  const status = new StatusController(host, conversation, () => python.progressVisible);
  const sender = new SendController(
    host,
    { conversation, python, savedChat, keys, demos, status, followOutput },
    {
      execution: () => hooks.execution(),
      api: () => hooks.api(),
      composer: () => hooks.composer(),
      reportError: (error, retry) => hooks.reportError(error, retry),
    },
  );
  const voice = new VoiceController(host, conversation, {
    client: () => keys.voiceClient(),
    sandbox: () => python.ensure(),
    model: () => host.liveModel || DEFAULT_LIVE_MODEL,
    functions: () => host.functions,
    reportError: (error) => hooks.reportError(error),
  });
  return { indexChoice, blobUrls, conversation, demos, savedChat, keys, python, followOutput, fileDrop, status, sender, voice };
}
