/**
 * `it` with a `createSandbox` fixture: every sandbox a test creates is disposed after it, passed
 * or failed, without a try/finally in the test.
 */
import { it as base } from 'vitest';
import { PythonSandbox, type SandboxOptions } from '../../dist/index.node.js';

export const it = base.extend<{ createSandbox: (options?: SandboxOptions) => Promise<PythonSandbox> }>({
  // The empty pattern is required: vitest reads which fixtures a fixture uses from its destructuring.
  createSandbox: async ({}, use) => {
    const made: PythonSandbox[] = [];
    await use(async (options) => {
      const sandbox = await PythonSandbox.create(options);
      made.push(sandbox);
      return sandbox;
    });
    await Promise.all(made.map((sandbox) => sandbox.dispose()));
  },
});
