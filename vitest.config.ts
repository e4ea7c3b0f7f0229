import { defineConfig } from 'vitest/config';

/** Measures the page's pauses under floods: run alone, so other suites' browsers do not count as pauses. */
const FLOODS = ['test/browser/floods.browser.test.ts'];
/** Installs and builds example apps (npm, webpack, Next.js): minutes of both cores, so last and alone. */
const EXAMPLES = ['test/package/examples.test.ts'];

// Tests boot real Pyodide interpreters (2–7 s each); two cores, so at most two files at once.
export default defineConfig({
  // Tests run the source in Node (src/is-node.ts).
  define: { __SANDBOX_BUILD_TARGET__: JSON.stringify('node') },
  test: {
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    maxWorkers: 2,
    // The JSON report lets .ci/run print a plain "N passed, N failed" line.
    reporters: ['default', ['json', { outputFile: 'test-results/vitest.json' }]],
    projects: [
      { extends: true, test: { name: 'suites', include: ['test/**/*.test.ts'], exclude: [...FLOODS, ...EXAMPLES], sequence: { groupOrder: 0 } } },
      { extends: true, test: { name: 'floods', include: FLOODS, sequence: { groupOrder: 1 } } },
      { extends: true, test: { name: 'examples', include: EXAMPLES, sequence: { groupOrder: 2 } } },
    ],
  },
});
