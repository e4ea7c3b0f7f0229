/** Registers `<cec-load-progress>`. */
import { CecLoadProgress } from './cec-load-progress.js';

export { CecLoadProgress };
if (!customElements.get('cec-load-progress')) customElements.define('cec-load-progress', CecLoadProgress);

declare global {
  interface HTMLElementTagNameMap {
    'cec-load-progress': CecLoadProgress;
  }
}
