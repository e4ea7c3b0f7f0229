/** Registers `<cec-settings>` and the elements it renders. */
import '../cec-demo-picker/define.js';
import '../cec-key-form/define.js';
import { CecSettings } from './cec-settings.js';

export { CecSettings };
if (!customElements.get('cec-settings')) customElements.define('cec-settings', CecSettings);

declare global {
  interface HTMLElementTagNameMap {
    'cec-settings': CecSettings;
  }
}
