/**
 * The widget's saved conversation: saved as it changes, put back on screen when the page loads (or
 * when a demo that hid it ends), and its interpreter restored (saved after each message), else its
 * attached files written into this page's new interpreter.
 * Where and how it is stored is {@link SavedSlot}'s job; this decides when, and what the reader and
 * the model are told. (No lifecycle of its own, so not a Lit ReactiveController: the element says
 * when to restore.)
 */
import type { ReactiveControllerHost } from 'lit';
import type { CheckedAttachment } from '../../agent/attachments.js';
import type { ExecutionMode } from '../../agent/index.js';
import type { PythonSandbox } from '../../sandbox/python-sandbox.js';
import type { Conversation } from '../state/conversation.js';
import { type ReadableError, describeError } from '../error-message.js';
import { PYTHON_STATE_RESTORED, restartDivider, restartNoteForModel } from '../python-restart.js';
import { STEPS_NOT_KEPT, toSaved } from '../state/saved-conversation.js';
import { SavedSlot } from './saved-slot.js';
import { SavedInterpreterSlot } from './saved-interpreter-slot.js';

/** The element's public properties the saved conversation reads and writes. */
export interface SavedChatHost extends ReactiveControllerHost {
  readonly id: string;
  /** The `storage-key` attribute, else the element's `id`, names the slot. */
  readonly storageKey: string | undefined;
  /** The `persist` attribute: `off` keeps nothing, `conversation` not Python's state. */
  readonly persist: string | undefined;
  /** The `demo` attribute: a page that asks for a demo shows it, not the saved conversation. */
  readonly demo: string | undefined;
  /** The `execution` attribute: switched to the saved conversation's mode when it comes back. */
  execution: ExecutionMode;
}

/** What the saved conversation asks of the element's private parts. */
export interface SavedChatHooks {
  /** Where code runs now (a demo's recording decides while one plays). */
  execution(): ExecutionMode;
  /** A demo is playing: it is not saved (its recording replays it), and it keeps the screen. */
  demoPlaying(): boolean;
  /** The sandbox, once it has booted. */
  sandbox(): PythonSandbox | undefined;
  /** The sandbox, booted first if it is not (a boot failure is reported as usual). */
  python(): Promise<PythonSandbox>;
  /** Boots Python in the background. */
  startPython(): void;
  /** Shows an error in the transcript and tells the page. */
  reportError(error: ReadableError): void;
}

export class SavedChatController {
  private readonly slot: SavedSlot;
  private readonly interpreter: SavedInterpreterSlot;
  /** Settles once a saved conversation is back on screen (or there was none); sending waits for it. */
  private restoring: Promise<void> = Promise.resolve();
  /** Restored attachments not yet written into the sandbox (it may not have booted yet). */
  private filesToRestore: CheckedAttachment[] = [];

  constructor(
    private readonly host: SavedChatHost,
    private readonly conversation: Conversation,
    private readonly hooks: SavedChatHooks,
  ) {
    const key = () => (host.persist === 'off' ? undefined : host.storageKey || host.id || 'default');
    this.slot = new SavedSlot(key, (message) => conversation.notice(message));
    this.interpreter = new SavedInterpreterSlot(() => (host.persist === 'conversation' ? undefined : key()));
    // Edits of messages from before the chat in use (a reload) bring Python back from what is kept here.
    const local = () => !this.hooks.demoPlaying() && this.hooks.execution() === 'local';
    conversation.savedRewinds = {
      has: (message) => local() && this.interpreter.keepsBefore(message),
      restore: async (message) => this.interpreter.restoreBefore(message, await this.hooks.python()),
      rewound: (message) => {
        if (local()) this.interpreter.rewound(message);
      },
    };
  }

  /** Settles once the restore in flight, if any, is done. */
  get restored(): Promise<void> {
    return this.restoring;
  }

  /** Saves the conversation on screen. Demos are not saved: their recording replays them. */
  save(): void {
    if (this.hooks.demoPlaying() || this.conversation.entries.length === 0) return;
    this.slot.save(toSaved(this.conversation.snapshot(), this.hooks.execution()));
  }

  /**
   * Message `message` (its index among those sent) starts: its runs change Python, so the saved
   * interpreter no longer matches the conversation. It is kept as the one before that message (an
   * edit after a reload goes back to it), and none is the latest until the message ends and saves
   * anew: a reload in between starts Python afresh.
   */
  interpreterChanging(message: number): void {
    if (!this.hooks.demoPlaying() && this.hooks.execution() === 'local') this.interpreter.keepAsBefore(message, this.hooks.sandbox());
  }

  /** Saves the interpreter under the conversation, once a message has finished (Python is idle then). */
  saveInterpreter(): void {
    const sandbox = this.hooks.sandbox();
    if (sandbox && !this.hooks.demoPlaying() && this.hooks.execution() === 'local' && this.conversation.entries.length > 0) this.interpreter.save(sandbox);
  }

  /** Deletes the saved conversation and its interpreter (New). */
  forget(): void {
    this.slot.forget();
    this.interpreter.forget();
  }

  /** Starts putting the saved conversation back on screen; {@link restored} settles when it is done. */
  restore(): void {
    this.restoring = this.restoreSaved();
  }

  /** Writes restored attachments into the sandbox (once). Queued together, they land before any later run. */
  async writeRestoredFiles(sandbox: PythonSandbox): Promise<void> {
    const files = this.filesToRestore.splice(0);
    if (files.length === 0) return;
    try {
      await Promise.all(files.map((file) => sandbox.writeFile(file.path, file.data)));
    } catch (error) {
      this.hooks.reportError({
        title: 'Could not restore the attached files',
        detail: `${describeError(error).detail} Attach them again if the code needs them.`,
        retryable: false,
      });
    }
  }

  /**
   * Puts the saved conversation back on screen, unless something else is there by then (a demo,
   * a message). A conversation saved by an earlier page load ran in another interpreter: the
   * reader and the model are told, and the attached files are written into this one.
   */
  private async restoreSaved(): Promise<void> {
    // The page asked for a demo: that is what it shows.
    if (this.host.demo) return;
    const saved = await this.slot.load();
    await this.interpreter.listKept();
    const screenTaken = () => this.hooks.demoPlaying() || this.conversation.entries.length > 0;
    if (!saved || screenTaken()) return;
    if (saved.execution !== this.host.execution) {
      this.host.execution = saved.execution;
      if (saved.execution === 'local') this.hooks.startPython();
      // Rendered before the entries come back, so the switch is not announced as a change.
      await this.host.updateComplete;
      if (screenTaken()) return;
    }
    this.conversation.restore(saved);
    if (saved.interactionsNotKept) this.conversation.notice(STEPS_NOT_KEPT);
    // Saved by this page (a demo hid it for a while): same interpreter, nothing restarted.
    if (this.slot.savedHere) return;
    if (saved.execution === 'local') {
      // The interpreter saved with it, when there is one: restored before the divider says so, and
      // before a message (sending waits for this restore), its files then in it.
      const comeback = await this.interpreter.restoreInto(() => this.hooks.python());
      if (comeback?.restored) return this.conversation.notice(PYTHON_STATE_RESTORED, { divider: true });
      this.conversation.notice(restartDivider(saved.files, comeback?.dropped), { divider: true });
      this.conversation.tellModel(restartNoteForModel(saved.files));
    }
    this.filesToRestore = saved.files.restore;
    const sandbox = this.hooks.sandbox();
    if (sandbox) await this.writeRestoredFiles(sandbox);
  }
}
