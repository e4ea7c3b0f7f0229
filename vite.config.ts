/**
 * Two builds into dist/:
 * - `vite build --mode lib`: the library (dist/index.js, dist/worker.js) plus the Pyodide runtime
 *   copied to dist/pyodide/, so `import { PythonSandbox } from './dist/index.js'` works in Node and
 *   browsers with no configuration.
 * - `vite build` (site): the static demo page (index.html) and its assets.
 */
import { copyFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Plugin, defineConfig } from 'vite';

const root = dirname(fileURLToPath(import.meta.url));
/** The core runtime files of the pyodide npm package (it ships no wheels). */
export const PYODIDE_FILES = ['pyodide.mjs', 'pyodide.asm.mjs', 'pyodide.asm.wasm', 'python_stdlib.zip', 'pyodide-lock.json'];

function copyPyodideRuntime(outDir: string): Plugin {
  return {
    name: 'copy-pyodide-runtime',
    apply: 'build',
    writeBundle() {
      const target = join(outDir, 'pyodide');
      mkdirSync(target, { recursive: true });
      for (const file of PYODIDE_FILES) copyFileSync(join(root, 'node_modules/pyodide', file), join(target, file));
    },
  };
}

export default defineConfig(({ mode }) => {
  const outDir = join(root, 'dist');
  if (mode === 'lib') {
    return {
      build: {
        outDir,
        emptyOutDir: true,
        target: 'es2022',
        minify: false,
        sourcemap: true,
        lib: {
          entry: { index: join(root, 'src/index.ts'), worker: join(root, 'worker/worker.ts') },
          formats: ['es'],
        },
        rollupOptions: {
          external: [/^node:/],
          output: { entryFileNames: '[name].js', chunkFileNames: 'chunks/[name]-[hash].js' },
        },
      },
      plugins: [copyPyodideRuntime(outDir)],
    };
  }
  return {
    optimizeDeps: { exclude: ['pyodide'] },
    worker: { format: 'es' },
    build: { outDir, emptyOutDir: false, target: 'es2022' },
  };
});
