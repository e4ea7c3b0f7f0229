/** Events of `<cec-composer>`. All bubble and cross shadow roots (`composed`). */
import type { CheckedAttachment } from '../../agent/attachments.js';

export interface ComposerSubmitDetail {
  text: string;
  attachments: CheckedAttachment[];
}

/** The user sent a message (Enter or the Send button). */
export class ComposerSubmitEvent extends CustomEvent<ComposerSubmitDetail> {
  static readonly type = 'cec-submit';
  constructor(detail: ComposerSubmitDetail) {
    super(ComposerSubmitEvent.type, { detail, bubbles: true, composed: true });
  }
}

/** The user asked to stop the message in flight (Stop button or Escape). */
export class ComposerStopEvent extends Event {
  static readonly type = 'cec-stop';
  constructor() {
    super(ComposerStopEvent.type, { bubbles: true, composed: true });
  }
}

/** Attaching failed (file too large, unreadable). */
export class ComposerAttachErrorEvent extends CustomEvent<{ message: string }> {
  static readonly type = 'cec-attach-error';
  constructor(message: string) {
    super(ComposerAttachErrorEvent.type, { detail: { message }, bubbles: true, composed: true });
  }
}

declare global {
  interface HTMLElementEventMap {
    'cec-submit': ComposerSubmitEvent;
    'cec-stop': ComposerStopEvent;
    'cec-attach-error': ComposerAttachErrorEvent;
  }
}
