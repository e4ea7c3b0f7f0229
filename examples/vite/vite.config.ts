import { defineConfig } from 'vite';
import { pythonSandbox } from 'pyodide-code-execution/vite';

// Optional: a cross-origin isolated page can interrupt Python and keep its variables;
// without these headers everything still runs, and a stop restarts Python instead.
const crossOriginIsolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  plugins: [pythonSandbox()],
  server: { headers: crossOriginIsolation },
  preview: { headers: crossOriginIsolation },
});
