/**
 * The frame's half of test/sandbox/run-leftovers.test.ts, in Chromium (every attack), Firefox and WebKit (two): a cell's
 * asyncio task that rewrites the sandbox's own Python to outlive its run (or that a JavaScript
 * timer makes between runs) calls nothing as a later run and computes at most 5 slices after its
 * run. Each engine's default sandbox (the frame) on a cross-origin-isolated page: JSPI in Chromium
 * and Firefox, a blocked thread for plain calls in WebKit.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { useHostPage } from '../support/browser/engine-host.js';
import { requireLibBuild } from '../support/browser/repo.js';
import { chromium } from '../support/engines/chromium.js';
import { firefox } from '../support/engines/firefox.js';
import { webkit } from '../support/engines/webkit.js';
import { LEFTOVER_ATTACKS, outliveTheRun } from '../support/run-leftovers.js';

const TIMEOUT_MS = 120_000;

/**
 * Every attack in Chromium; elsewhere the two whose path is the engine's as well as Python's (a
 * task the loop's own create_task makes, a JavaScript timer between runs). The others rewrite
 * the sandbox's Python, which is the same Pyodide in every engine, and its Node half runs them all.
 */
const attacksIn = (engine: string) =>
  engine === 'Chromium' ? LEFTOVER_ATTACKS : LEFTOVER_ATTACKS.filter(({ name }) => /create_task|JavaScript timer/.test(name));

describe.each([chromium(), firefox(), webkit({ sharedArrayBuffer: true })])('$name', (engine) => {
  beforeAll(() => {
    if (!engine.missing) requireLibBuild();
  });
  afterAll(() => engine.close());

  describe.skipIf(engine.missing)(engine.missing ? `(skipped: ${engine.missing})` : "a task that would outlive its run, in the page's frame", () => {
    const ctx = useHostPage(engine, true);

    test.for(attacksIn(engine.name).map((attack, index) => ({ ...attack, id: `leftover-${index}` })))(
      "$name: no call is taken as a later run's, at most 5 slices after its run",
      { timeout: TIMEOUT_MS },
      async (attack) => {
        const sandbox = ctx.sandbox(attack.id);
        await sandbox.create({ warmSpare: false });
        try {
          const { callsAsLater, slicesAfter } = await outliveTheRun(
            {
              run: (code) => sandbox.run(code, { pageFunctions: ['get_sales_data'] }),
              leftoverCalls: () =>
                ctx.page().evaluate(() => (window as unknown as { __pageCalls: string[] }).__pageCalls.filter((r) => r === 'leftover').length),
            },
            attack,
          );
          expect(callsAsLater).toBe(0);
          expect(slicesAfter).toBeLessThanOrEqual(5);
        } finally {
          await ctx.page().call('dispose', attack.id);
        }
      },
    );
  });
});
