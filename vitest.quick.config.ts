import { defineConfig, mergeConfig } from 'vitest/config';
import full from './vitest.config.js';

/**
 * `npm run test:quick`, the inner loop: the Node suites but those that take minutes (package
 * installs, hostile floods, second interpreters), and one Chromium pass of the sandbox and the
 * widget. `npm test` runs everything; this is what to run between edits.
 */
const SLOW_NODE = [
  'test/package/examples.test.ts',
  'test/package/new-user.test.ts',
  'test/integrations/mcp-packed.test.ts',
  'test/integrations/mcp-gemini-cli.test.ts',
  'test/sandbox/hostile-worker.test.ts',
  'test/sandbox/snapshot.test.ts',
  'test/sandbox/shipped-snapshot.test.ts',
  'test/sandbox/deno-isolation.test.ts',
  'test/integrations/mcp-escape.test.ts',
];
const CHROMIUM = ['test/browser/sandbox.browser.test.ts', 'test/ui/widget.browser.test.ts'];

export default mergeConfig(
  { ...full, test: { ...full.test, projects: undefined } },
  defineConfig({
    test: {
      projects: [
        { extends: true, test: { name: 'node', include: ['test/**/*.test.ts'], exclude: ['**/*.browser.test.ts', ...SLOW_NODE] } },
        { extends: true, test: { name: 'chromium', include: CHROMIUM } },
      ],
    },
  }),
);
