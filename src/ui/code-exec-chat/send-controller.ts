/**
 * Sending a message, typed or a demo's: it waits for a saved conversation being put back, asks for
 * a key when there is none, and goes to the model at once, on screen with Stop, even while Python
 * is still loading (only its code waits for Python). It is saved before and after, and the page is
 * told how it went. (No lifecycle of its own, so not a Lit ReactiveController.)
 */
import type { ReactiveControllerHost } from 'lit';
import type { ExecutionMode, GeminiApi, LocalFunction } from '../../agent/index.js';
import { resolveLimits } from '../../sandbox/limits.js';
import { BootingSandbox } from '../booting-sandbox.js';
import type { CecComposer } from '../cec-composer/cec-composer.js';
import type { Conversation } from '../state/conversation.js';
import { type ReadableError, describeError } from '../error-message.js';
import type { SentMessage, UserEntry } from '../state/entries.js';
import type { ApiKeyController } from './api-key-controller.js';
import type { DemoController } from './demo-controller.js';
import { ChatErrorEvent, MessageCompleteEvent } from './events.js';
import type { FollowOutput } from './follow-output.js';
import type { SandboxController } from './sandbox-controller.js';
import type { SavedChatController } from './saved-chat-controller.js';
import type { StatusController } from './status-controller.js';

/** The element: its model and functions, and the events it dispatches. */
export interface SendHost extends ReactiveControllerHost, EventTarget {
  readonly model: string;
  readonly functions: readonly LocalFunction[];
}

/** The element's parts a message goes through. */
export interface SendParts {
  conversation: Conversation;
  python: SandboxController;
  savedChat: SavedChatController;
  keys: ApiKeyController;
  demos: DemoController;
  status: StatusController;
  followOutput: FollowOutput;
}

/** What sending asks of the element's private parts. */
export interface SendHooks {
  /** Where code runs now (a demo's recording decides while one plays). */
  execution(): ExecutionMode;
  /** The API messages go through now (generateContent while a demo plays: the replay answers only that). */
  api(): GeminiApi;
  composer(): CecComposer | null;
  /** Shows an error in the transcript and tells the page; `reboot`: its Retry boots Python again. */
  reportError(error: ReadableError, retry?: 'reboot'): void;
}

export class SendController {
  /** A boot that failed while a message was being answered, until the message ends. */
  private bootFailure: unknown;
  /**
   * The widget's Python as every local chat sees it, booted or not: one object, so the chat (and
   * where each message started, for an edit's rewind) stays when Python finishes booting.
   */
  private readonly python: BootingSandbox;

  constructor(
    private readonly host: SendHost,
    private readonly parts: SendParts,
    private readonly hooks: SendHooks,
  ) {
    this.python = new BootingSandbox(
      () => this.pythonWithFiles(),
      { timeoutMs: resolveLimits().timeoutMs },
      () => parts.python.current,
    );
  }

  /**
   * Sends `message` in place of the earlier message `entry`: the conversation and Python go back to
   * before it first (the transcript says so), then it is sent. Nothing happens while a message is in flight.
   */
  async resend(entry: UserEntry, message: SentMessage): Promise<void> {
    if (this.parts.conversation.busy) return;
    if (await this.parts.conversation.rewindTo(entry)) await this.send(message);
    else this.parts.savedChat.save();
  }

  /** Python booted, with a restored conversation's files written back. */
  private async pythonWithFiles() {
    const sandbox = await this.parts.python.ensure();
    await this.parts.savedChat.writeRestoredFiles(sandbox);
    return sandbox;
  }

  /** Sends `message`, unless one is in flight. */
  async send(message: SentMessage): Promise<void> {
    const { conversation, python, savedChat } = this.parts;
    if (conversation.busy) return;
    // A message sent right after the page loads continues the saved conversation, not a new one.
    await savedChat.restored;
    const client = this.parts.keys.currentClient();
    if (!client) {
      this.putBack(message);
      await this.parts.keys.askForKey();
      return;
    }
    this.parts.status.messageSent();
    const execution = this.hooks.execution();
    const api = this.hooks.api();
    const model = this.parts.demos.active?.recording.model ?? this.host.model;
    const functions = this.host.functions;
    this.parts.followOutput.resume();
    // On screen at once, with Stop, even while Python is still loading. The model is asked at once
    // too; its first run waits for Python (BootingSandbox). Files to attach need Python first.
    // Its index among the messages sent, once it goes through (a failed one leaves it to the next).
    const index = conversation.sentMessages.length;
    const sending = conversation.send(message, async () => {
      if (execution !== 'local') return { client, model, execution, api, functions };
      if (python.current || message.attachments.length > 0) await this.pythonWithFiles();
      return { client, model, execution, api, functions, sandbox: this.python };
    });
    // send() puts the message on screen before it first waits: saved now, a reload mid-answer keeps the question.
    savedChat.save();
    savedChat.interpreterChanging(index);
    const sent = await sending;
    savedChat.save();
    if (sent) savedChat.saveInterpreter();
    this.reportBootFailureLeftUnsaid();
    if (!sent) {
      // Python did not start (reported, with a Retry): the message goes back in the box, nothing typed is lost.
      this.putBack(message);
      return;
    }
    const last = conversation.entries.at(-1);
    if (last?.kind === 'error') this.host.dispatchEvent(new ChatErrorEvent(last.error));
    else this.host.dispatchEvent(new MessageCompleteEvent());
    await this.parts.demos.prefill();
  }

  /**
   * Python could not start. Reported once per attempt, with a Retry that boots again; during a
   * message, by the run that needed Python (its error resends the message), or after the message
   * if nothing ran.
   */
  bootFailed(error: unknown): void {
    if (this.parts.conversation.busy) this.bootFailure = error;
    else this.hooks.reportError(describeError(error), 'reboot');
  }

  /** Puts a message that was not sent back in the box. */
  private putBack(message: SentMessage): void {
    const composer = this.hooks.composer();
    if (composer) {
      composer.value = message.text;
      composer.attachments = message.attachments;
    }
  }

  /** A boot that failed during the message the conversation did not report (no code ran): said now, with a Retry that boots again. */
  private reportBootFailureLeftUnsaid(): void {
    const failure = this.bootFailure;
    this.bootFailure = undefined;
    if (failure !== undefined && this.parts.conversation.entries.at(-1)?.kind !== 'error') this.hooks.reportError(describeError(failure), 'reboot');
  }
}
