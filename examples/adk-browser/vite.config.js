import { defineConfig } from 'vite';
import { adkWebBuild, pythonSandbox } from 'pyodide-code-execution/vite';

// adkWebBuild(): ADK 2.0.0's browser build imports Node modules on load and holds a syntax error;
// the plugin gives those stubs and mends the file, for `vite build` (the dev server is not covered).
export default defineConfig({
  plugins: [pythonSandbox(), adkWebBuild()],
});
