/** Events of `<cec-key-form>`. */
export interface KeySubmitDetail {
  key: string;
  /** Keep the key in localStorage on this device. */
  remember: boolean;
}

export class KeySubmitEvent extends CustomEvent<KeySubmitDetail> {
  static readonly type = 'cec-key-submit';
  constructor(detail: KeySubmitDetail) {
    super(KeySubmitEvent.type, { detail, bubbles: true, composed: true });
  }
}

export class KeyForgetEvent extends Event {
  static readonly type = 'cec-key-forget';
  constructor() {
    super(KeyForgetEvent.type, { bubbles: true, composed: true });
  }
}

declare global {
  interface HTMLElementEventMap {
    'cec-key-submit': KeySubmitEvent;
    'cec-key-forget': KeyForgetEvent;
  }
}
