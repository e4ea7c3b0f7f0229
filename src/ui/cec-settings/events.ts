/** Events of `<cec-settings>` (the key form and the demo picker inside it send their own). */
import type { GeminiApi } from '../../agent/index.js';

/** The reader changed the model name. */
export class ModelChangeEvent extends CustomEvent<{ model: string }> {
  static readonly type = 'cec-model-change';
  constructor(model: string) {
    super(ModelChangeEvent.type, { detail: { model }, bubbles: true, composed: true });
  }
}

/** The reader chose the API messages go through. */
export class ApiChangeEvent extends CustomEvent<{ api: GeminiApi }> {
  static readonly type = 'cec-api-change';
  constructor(api: GeminiApi) {
    super(ApiChangeEvent.type, { detail: { api }, bubbles: true, composed: true });
  }
}

/** The reader asked to save the conversation as a demo recording. */
export class SaveRecordingEvent extends Event {
  static readonly type = 'cec-save-recording';
  constructor() {
    super(SaveRecordingEvent.type, { bubbles: true, composed: true });
  }
}

/** The reader turned installing packages from the package index on or off. */
export class PackageIndexChangeEvent extends CustomEvent<{ on: boolean }> {
  static readonly type = 'cec-package-index-change';
  constructor(on: boolean) {
    super(PackageIndexChangeEvent.type, { detail: { on }, bubbles: true, composed: true });
  }
}

declare global {
  interface HTMLElementEventMap {
    'cec-package-index-change': PackageIndexChangeEvent;
    'cec-model-change': ModelChangeEvent;
    'cec-api-change': ApiChangeEvent;
    'cec-save-recording': SaveRecordingEvent;
  }
}
