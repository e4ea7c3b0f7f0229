/** Where the repository is, and the check that the library has been built into dist/. */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../..', import.meta.url));

export function requireLibBuild(): void {
  for (const file of ['index.js', 'worker.js', 'pyodide/pyodide.asm.wasm']) {
    if (!existsSync(`${REPO_ROOT}dist/${file}`)) throw new Error(`dist/${file} is missing: run \`npx vite build --mode lib\` first`);
  }
}
