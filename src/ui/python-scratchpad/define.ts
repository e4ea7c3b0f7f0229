/** Registers `<python-scratchpad>`. */
import { PythonScratchpad } from './python-scratchpad.js';

export { PythonScratchpad };
if (!customElements.get('python-scratchpad')) customElements.define('python-scratchpad', PythonScratchpad);

declare global {
  interface HTMLElementTagNameMap {
    'python-scratchpad': PythonScratchpad;
  }
}
