/** Registers `<cec-composer>` (once, even if two bundles include it). */
import { CecComposer } from './cec-composer.js';

export { CecComposer };
if (!customElements.get('cec-composer')) customElements.define('cec-composer', CecComposer);

declare global {
  interface HTMLElementTagNameMap {
    'cec-composer': CecComposer;
  }
}
