import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';
import { firstPassProjects, nodePassProjects } from './test/passes.mjs';
import { pyodideRuntimeDefines } from './vite.config.js';

/**
 * The later passes of `npm test` (scripts/test-on-node.mjs) set these: which installed package
 * answers `import '@google/genai'` (the SDK 3.x alias), and that only the Node suites run.
 */
const sdkPackage = process.env.TEST_GENAI_PACKAGE;
const nodeSuitesOnly = process.env.TEST_NODE_SUITES_ONLY === '1';

/**
 * Browser suites first (20-240 s each, where most Node suites take seconds), each kind in vitest's
 * own order: a fresh clone has no timings cached, and by file size a 60 s browser suite started
 * last, the other worker idle for most of it.
 */
class BrowserSuitesFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const inBrowser = (file: TestSpecification) => file.moduleId.endsWith('.browser.test.ts');
    return [...sorted.filter(inBrowser), ...sorted.filter((file) => !inBrowser(file))];
  }
}

// Tests boot real Pyodide interpreters (2–7 s each); two cores, so at most two files at once.
export default defineConfig({
  // Tests run the source in Node (src/shared/is-node.ts), with the runtime hashes and sizes a build records.
  define: { __SANDBOX_BUILD_TARGET__: JSON.stringify('node'), ...pyodideRuntimeDefines() },
  ...(sdkPackage && { resolve: { alias: [{ find: /^@google\/genai$/, replacement: sdkPackage }] } }),
  test: {
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    maxWorkers: 2,
    sequence: { sequencer: BrowserSuitesFirst },
    // The JSON report lets .ci/run print a plain "N passed, N failed" line, and a failed hook's error.
    reporters: ['default', ['./test/support/json-report.ts', { outputFile: process.env.TEST_REPORT ?? 'test-results/vitest.json' }]],
    // Which test runs in which pass: test/passes.mjs.
    projects: nodeSuitesOnly ? nodePassProjects() : firstPassProjects(),
  },
});
