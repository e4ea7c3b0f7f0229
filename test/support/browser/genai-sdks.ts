/**
 * The @google/genai builds a test page can load, by its `?sdk=` parameter (pages/genai-import-map.js
 * writes the import map): 2.x (`@google/genai`) and 3.x (the `genai-sdk-3` alias), the two the
 * library supports. Their web builds have a CommonJS dependency, so each is bundled once into
 * test-results/genai-browser/ for the map.
 */
import { build } from 'vite';
import { REPO_ROOT } from './repo.js';

/** `sdk`: the page's `?sdk=`; `label`: for test names (`$label`; `$sdk.x` would read a property `x`). */
export const GENAI_SDKS = [
  { sdk: '2', label: '2.x', entry: `${REPO_ROOT}node_modules/@google/genai/dist/web/index.mjs` },
  { sdk: '3', label: '3.x', entry: `${REPO_ROOT}node_modules/genai-sdk-3/dist/web/index.mjs` },
];

/** Bundles each SDK's web build to where the import map points (`/test-results/genai-browser/sdk<n>/genai.js`). */
export async function bundleGenaiSdks(): Promise<void> {
  for (const { sdk, entry } of GENAI_SDKS) {
    await build({
      configFile: false,
      logLevel: 'warn',
      build: { outDir: `${REPO_ROOT}test-results/genai-browser/sdk${sdk}`, emptyOutDir: true, lib: { entry, formats: ['es'], fileName: () => 'genai.js' } },
    });
  }
}
