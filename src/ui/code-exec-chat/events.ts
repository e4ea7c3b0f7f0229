/** Events of `<code-exec-chat>`. All bubble and are composed, so a page can listen on any ancestor. */
import type { PythonSandbox } from '../../sandbox/python-sandbox.js';
import type { ReadableError } from '../error-message.js';

/**
 * The widget's Python sandbox is ready. Other code on the page (the demo page's scratchpad) can
 * run code in the same interpreter as the chat.
 */
export class SandboxReadyEvent extends CustomEvent<{ sandbox: PythonSandbox }> {
  static readonly type = 'cec-sandbox-ready';
  constructor(sandbox: PythonSandbox) {
    super(SandboxReadyEvent.type, { detail: { sandbox }, bubbles: true, composed: true });
  }
}

/** A message failed, or the sandbox could not start (also shown in the transcript). */
export class ChatErrorEvent extends CustomEvent<{ error: ReadableError }> {
  static readonly type = 'cec-error';
  constructor(error: ReadableError) {
    super(ChatErrorEvent.type, { detail: { error }, bubbles: true, composed: true });
  }
}

/** The model finished answering a message. */
export class MessageCompleteEvent extends Event {
  static readonly type = 'cec-message-complete';
  constructor() {
    super(MessageCompleteEvent.type, { bubbles: true, composed: true });
  }
}

declare global {
  interface HTMLElementEventMap {
    'cec-sandbox-ready': SandboxReadyEvent;
    'cec-error': ChatErrorEvent;
    'cec-message-complete': MessageCompleteEvent;
  }
}
