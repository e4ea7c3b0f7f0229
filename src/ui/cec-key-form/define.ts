/** Registers `<cec-key-form>`. */
import { CecKeyForm } from './cec-key-form.js';

export { CecKeyForm };
if (!customElements.get('cec-key-form')) customElements.define('cec-key-form', CecKeyForm);

declare global {
  interface HTMLElementTagNameMap {
    'cec-key-form': CecKeyForm;
  }
}
