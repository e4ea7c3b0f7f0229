import { defineConfig } from 'vitest/config';
import { pyodideRuntimeDefines } from './vite.config.js';

/**
 * Measure the host's pauses under floods (≤ 200 ms): each runs alone, and first, so no other
 * suite's browsers and interpreters (nor one left behind) count as pauses.
 */
const FLOODS = ['test/browser/floods.browser.test.ts'];
/** The page's pauses under a hostile package index (≤ 200 ms): alone too, for the same reason. */
const INDEX_PAUSES = ['test/browser/hostile-index.browser.test.ts'];
const HOSTILE_WORKER = ['test/sandbox/hostile-worker.test.ts'];
/** WebKit's stops that terminate, timed against each other, and its process's CPU read: alone too. */
const WEBKIT_STOPS = ['test/browser/webkit-stops.browser.test.ts'];
/**
 * Installs and builds example apps (npm, webpack, Next.js): minutes of most of both cores, so last
 * here; `npm test` runs it beside the other suites at a low CPU priority instead (scripts/test.mjs).
 */
const EXAMPLES = ['test/package/examples.test.ts'];
/**
 * Node suites the Node 26 pass leaves to the first: their subject is the same bytes and checks on
 * every Node (the snapshot store and the shipped snapshot's choice, which every other suite's boot
 * restores from on both; the package index, wheel checks and download bounds, whose fetches
 * packages.test.ts and package-download-bytes.test.ts make on both; the working directory's walk,
 * which is Python's). About 120 s of a test file at a time there.
 */
const FIRST_PASS_ONLY = [
  'test/sandbox/snapshot.test.ts',
  'test/sandbox/shipped-snapshot.test.ts',
  'test/sandbox/package-index.test.ts',
  'test/sandbox/wheel-verification.test.ts',
  'test/sandbox/package-download-stops.test.ts',
  'test/sandbox/workdir-walk.test.ts',
];
/** Tests that drive a browser are named `*.browser.test.ts`; every other test runs in Node alone. */
const BROWSER = ['**/*.browser.test.ts'];

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
    projects: nodeSuitesOnly
      ? [
          {
            extends: true,
            test: {
              name: 'node',
              include: ['test/**/*.test.ts'],
              exclude: [...BROWSER, ...HOSTILE_WORKER, ...EXAMPLES, ...FIRST_PASS_ONLY],
              sequence: { groupOrder: 0 },
            },
          },
          { extends: true, test: { name: 'hostile-worker', include: HOSTILE_WORKER, sequence: { groupOrder: 1 } } },
        ]
      : [
          {
            extends: true,
            test: {
              name: 'suites',
              include: ['test/**/*.test.ts'],
              exclude: [...FLOODS, ...INDEX_PAUSES, ...HOSTILE_WORKER, ...WEBKIT_STOPS, ...EXAMPLES],
              sequence: { groupOrder: 4 },
            },
          },
          { extends: true, test: { name: 'floods', include: FLOODS, sequence: { groupOrder: 0 } } },
          { extends: true, test: { name: 'index-pauses', include: INDEX_PAUSES, sequence: { groupOrder: 1 } } },
          { extends: true, test: { name: 'hostile-worker', include: HOSTILE_WORKER, sequence: { groupOrder: 2 } } },
          { extends: true, test: { name: 'webkit-stops', include: WEBKIT_STOPS, sequence: { groupOrder: 3 } } },
          { extends: true, test: { name: 'examples', include: EXAMPLES, sequence: { groupOrder: 5 } } },
        ],
  },
});
