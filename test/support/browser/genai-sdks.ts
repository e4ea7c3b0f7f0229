/**
 * The @google/genai builds a test page can load, by its `?sdk=` parameter (pages/genai-import-map.js
 * writes the import map): 2.x (`@google/genai`) and 3.x (the `genai-sdk-3` alias), the two the
 * library supports. Their web builds have a CommonJS dependency, so each is bundled once into
 * test-results/genai-browser/ for the map.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { build } from 'vite';
import { REPO_ROOT } from './repo.js';

/** `sdk`: the page's `?sdk=`; `label`: for test names (`$label`; `$sdk.x` would read a property `x`). */
export const GENAI_SDKS = [
  { sdk: '2', label: '2.x', entry: `${REPO_ROOT}node_modules/@google/genai/dist/web/index.mjs` },
  { sdk: '3', label: '3.x', entry: `${REPO_ROOT}node_modules/genai-sdk-3/dist/web/index.mjs` },
];

/**
 * Bundles each SDK's web build (those of `sdks`, all by default) to where the import map points
 * (`/test-results/genai-browser/sdk<n>/genai.js`). Built beside it and moved in place when it
 * differs: another suite running at the same time may be loading it.
 */
export async function bundleGenaiSdks(sdks: readonly string[] = GENAI_SDKS.map(({ sdk }) => sdk)): Promise<void> {
  for (const { sdk, entry } of GENAI_SDKS.filter(({ sdk }) => sdks.includes(sdk))) {
    const outDir = `${REPO_ROOT}test-results/genai-browser/sdk${sdk}`;
    const building = `${outDir}.${process.pid}`;
    try {
      await build({
        configFile: false,
        logLevel: 'warn',
        publicDir: false,
        build: { outDir: building, emptyOutDir: true, lib: { entry, formats: ['es'], fileName: () => 'genai.js' } },
      });
      const built = readFileSync(`${building}/genai.js`);
      if (!existsSync(`${outDir}/genai.js`) || !readFileSync(`${outDir}/genai.js`).equals(built)) {
        mkdirSync(outDir, { recursive: true });
        renameSync(`${building}/genai.js`, `${outDir}/genai.js`);
      }
    } finally {
      rmSync(building, { recursive: true, force: true });
    }
  }
}
