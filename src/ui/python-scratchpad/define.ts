/** Registers `<python-scratchpad>`. Its tag's type is declared with the published types (`widget-api.ts`). */
import { PythonScratchpad } from './python-scratchpad.js';

export { PythonScratchpad };
if (!customElements.get('python-scratchpad')) customElements.define('python-scratchpad', PythonScratchpad);
