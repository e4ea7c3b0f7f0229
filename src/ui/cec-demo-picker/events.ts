/** Events of `<cec-demo-picker>`. */
import type { DemoListing } from '../replay/recording.js';

export class DemoSelectEvent extends CustomEvent<{ demo: DemoListing }> {
  static readonly type = 'cec-demo-select';
  constructor(demo: DemoListing) {
    super(DemoSelectEvent.type, { detail: { demo }, bubbles: true, composed: true });
  }
}

declare global {
  interface HTMLElementEventMap {
    'cec-demo-select': DemoSelectEvent;
  }
}
