/**
 * ADK for JavaScript's browser build (`@google/adk`'s `dist/web`) bundled for a test page with the
 * project's Vite and the package's `adkWebBuild()` plugin, as an app's `vite build` would. The
 * bundle also exports ADK's code execution response step, so one file answers both `@google/adk`
 * and the path `withCodeExecution` imports it from (the page's import map names both).
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { build } from 'vite';
import { adkWebBuild } from '../../../src/integrations/vite.js';
import { REPO_ROOT } from './repo.js';

/** Where the page finds the bundle. */
export const ADK_BUNDLE = '/test-results/adk-browser/adk.js';

/** Bundles ADK's web build to {@link ADK_BUNDLE}; built beside it and moved in place when it differs. */
export async function bundleAdk(): Promise<void> {
  const outDir = `${REPO_ROOT}test-results/adk-browser`;
  const building = `${outDir}.${process.pid}`;
  const entry = `${building}-entry.js`;
  writeFileSync(
    entry,
    "export * from '@google/adk';\nexport { CodeExecutionResponseProcessor } from '@google/adk/dist/web/agents/processors/code_execution_request_processor.js';\n",
  );
  try {
    await build({
      configFile: false,
      logLevel: 'warn',
      publicDir: false,
      root: REPO_ROOT,
      plugins: [adkWebBuild()],
      build: {
        outDir: building,
        emptyOutDir: true,
        minify: false,
        lib: { entry, formats: ['es'], fileName: () => 'adk.js' },
        rollupOptions: { output: { codeSplitting: false } },
      },
    });
    const built = readFileSync(`${building}/adk.js`);
    if (!existsSync(`${outDir}/adk.js`) || !readFileSync(`${outDir}/adk.js`).equals(built)) {
      mkdirSync(outDir, { recursive: true });
      renameSync(`${building}/adk.js`, `${outDir}/adk.js`);
    }
  } finally {
    rmSync(building, { recursive: true, force: true });
    rmSync(entry, { force: true });
  }
}
