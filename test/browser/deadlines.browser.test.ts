/**
 * A run past its deadline keeps Python's state on a page without cross-origin isolation, in every
 * engine: the worker raises KeyboardInterrupt itself at the deadline (its interrupt check reads a
 * clock where there is no SharedArrayBuffer), so the host's terminate is only the fallback for
 * code that never checks (faults.browser.test.ts covers those in Chromium).
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { chromium } from '../support/engines/chromium.js';
import type { Engine } from '../support/engines/engine.js';
import { firefox } from '../support/engines/firefox.js';
import { webkit } from '../support/engines/webkit.js';
import { useHostPage } from '../support/browser/engine-host.js';
import { requireLibBuild } from '../support/browser/repo.js';

const TIMEOUT_MS = 120_000;
const DEADLINE_MS = 1000;

const ENGINES: Engine[] = [chromium(), firefox(), webkit({ sharedArrayBuffer: false })];

/** Pure-Python code that never ends by itself, in the shapes real code takes. */
const ENDLESS: [string, string][] = [
  ['a top-level loop', 'while True: pass'],
  ['a loop inside a function', 'def spin():\n    while True: pass\nspin()'],
  ['a comprehension', 'import itertools\n[n for n in itertools.count() if n < 0]'],
  ['a generator (consumed by C code)', 'def naturals():\n    n = 0\n    while True:\n        yield n\n        n += 1\nsum(naturals())'],
  ['time.sleep(100)', 'import time\ntime.sleep(100)'],
];

describe.each(ENGINES)('$name', (engine) => {
  afterAll(() => engine.close());

  describe.skipIf(engine.missing)(engine.missing ? `(skipped: ${engine.missing})` : 'a page without cross-origin isolation', () => {
    const ctx = useHostPage(engine, false);
    beforeAll(async () => {
      if (engine.missing) return;
      requireLibBuild();
      // A 5 s grace: WebKitGTK's first deadline after a boot ends about 1 s late (2022 ms for a
      // 1000 ms deadline, alone), and under load once past the default 1 s grace, which is the
      // honest terminate fallback (stateLost: true), not what this tests.
      expect(await ctx.host.create({ limits: { interruptGraceMs: 5000 } })).toMatchObject({ interruptible: false });
    }, TIMEOUT_MS);

    test.each(ENDLESS)(
      `%s past a ${DEADLINE_MS} ms deadline ends at it, and globals survive`,
      async (_shape, code) => {
        expect(await ctx.host.run('x = 1')).toMatchObject({ outcome: 'OUTCOME_OK' });
        const r = await ctx.host.run(code, { timeoutMs: DEADLINE_MS });
        expect(r).toMatchObject({ outcome: 'OUTCOME_DEADLINE_EXCEEDED', stateLost: false, error: { name: 'TimeoutError' } });
        // Stopped in place, not terminated and restored from a restart point (WebKit keeps them here).
        expect(r.error?.message).toMatch(/Variables are kept\./);
        expect(await ctx.host.run('x')).toMatchObject({ outcome: 'OUTCOME_OK', result: '1', stateLost: false });
      },
      TIMEOUT_MS,
    );
  });
});
