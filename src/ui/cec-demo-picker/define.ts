/** Registers `<cec-demo-picker>`. */
import { CecDemoPicker } from './cec-demo-picker.js';

export { CecDemoPicker };
if (!customElements.get('cec-demo-picker')) customElements.define('cec-demo-picker', CecDemoPicker);

declare global {
  interface HTMLElementTagNameMap {
    'cec-demo-picker': CecDemoPicker;
  }
}
