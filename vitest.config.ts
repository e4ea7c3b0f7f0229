import { defineConfig } from 'vitest/config';
import { firstPassProjects, nodePassProjects } from './test/passes.mjs';
import { pyodideRuntimeDefines } from './vite.config.js';

/**
 * The later passes of `npm test` (scripts/test-on-node.mjs) set these: which installed package
 * answers `import '@google/genai'` (the SDK 3.x alias), and that only the Node suites run.
 */
const sdkPackage = process.env.TEST_GENAI_PACKAGE;
const nodeSuitesOnly = process.env.TEST_NODE_SUITES_ONLY === '1';

// Tests boot real Pyodide interpreters (2–7 s each); two cores, so at most two files at once.
export default defineConfig({
  // Tests run the source in Node (src/is-node.ts), with the runtime hashes and sizes a build records.
  define: { __SANDBOX_BUILD_TARGET__: JSON.stringify('node'), ...pyodideRuntimeDefines() },
  ...(sdkPackage && { resolve: { alias: [{ find: /^@google\/genai$/, replacement: sdkPackage }] } }),
  test: {
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    maxWorkers: 2,
    // The JSON report lets .ci/run print a plain "N passed, N failed" line.
    reporters: ['default', ['json', { outputFile: process.env.TEST_REPORT ?? 'test-results/vitest.json' }]],
    // Which test runs in which pass: test/passes.mjs.
    projects: nodeSuitesOnly ? nodePassProjects() : firstPassProjects(),
  },
});
