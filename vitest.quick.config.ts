import { defineConfig, mergeConfig } from 'vitest/config';
import { quickProjects } from './test/passes.mjs';
import full from './vitest.config.js';

/**
 * `npm run test:quick`, the inner loop: the Node suites but those that take minutes, and one
 * Chromium pass of the sandbox and the widget (test/passes.mjs). `npm test` runs everything; this
 * is what to run between edits.
 */
export default mergeConfig({ ...full, test: { ...full.test, projects: undefined } }, defineConfig({ test: { projects: quickProjects() } }));
