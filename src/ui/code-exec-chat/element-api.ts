/**
 * `<code-exec-chat>` as a page's TypeScript sees it: what `document.querySelector('code-exec-chat')`
 * returns. An interface over `HTMLElement`, not the Lit class, so a page's types need no `lit` (the
 * widget bundles it); the class implements it, so the two cannot drift apart.
 */
import type { Attachment, LocalFunction } from '../../agent/types.js';
import type { PythonSandbox } from '../../sandbox/python-sandbox.js';
import type { Recording } from '../replay/recording.js';
import type { ChatAttributes } from './attributes.js';

/**
 * The chat element: its attributes as typed properties ({@link ChatAttributes}), and what else it
 * offers. Its events (`cec-sandbox-ready`, `cec-error`, `cec-message-complete`) are typed for
 * `addEventListener`.
 */
export interface CodeExecChatElement extends HTMLElement, ChatAttributes {
  /** The sandbox, once it has booted (see {@link CodeExecChatElement.ensureSandbox}). */
  readonly sandbox: PythonSandbox | undefined;
  /** The recorded demo being played, if any. */
  readonly activeDemo: Recording | undefined;
  /**
   * The page's functions, as the chat takes them (`{ declaration, handler, callableFrom }`): the
   * model calls them, or its Python does (`await default_api.name(...)`, `callableFrom: 'code'` or
   * `'both'`), and each call from code is listed inside its cell. A property only (functions cannot
   * be attributes). Checked when set (a bad entry throws a TypeError here); the element keeps a
   * frozen copy, so assign a new list to change it. A new list applies from the next message (the
   * one in flight keeps the functions it started with), and the conversation carries over. While
   * code runs on Gemini's servers, code-only functions are left out and `'both'` ones are offered
   * to the model only. Default: none.
   */
  functions: readonly LocalFunction[];
  /** Boots this widget's sandbox (once) and resolves with it. */
  ensureSandbox(): Promise<PythonSandbox>;
  /**
   * Sends a message as if typed. Attachments are the chat's (`{ path, mimeType, data }`, e.g. from
   * `attachmentsFromFiles`), written to the sandbox in local mode; a malformed one rejects with a
   * TypeError before anything is sent.
   */
  send(text: string, attachments?: readonly Attachment[]): Promise<void>;
  /** Stops the message in flight; code running for it is interrupted. */
  stop(): void;
  /** Starts a new conversation (Python variables and files are kept). The saved conversation is deleted. */
  clear(): void;
  /** Loads a recorded demo: its model turns answer, its code runs live here. */
  loadDemo(url: string): Promise<void>;
  /** Leaves the demo: messages go to Gemini again (with an API key). */
  exitDemo(): void;
  /**
   * The session so far as a recording (record mode): replaying it answers with the same model
   * turns while the code runs live again.
   */
  exportRecording(options?: { title?: string; description?: string }): Recording;
  /** Downloads {@link CodeExecChatElement.exportRecording} as a JSON file. */
  downloadRecording(): void;
}
