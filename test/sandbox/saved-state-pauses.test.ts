/**
 * Saving a session holding 100 MB through the Deno boundary keeps the host answering: the Deno
 * process packs it, and the bytes cross the process boundary in parts of a megabyte (never one
 * string of hundreds of megabytes parsed at once), so no pause of the host's thread reaches 200 ms
 * (a pause as test/support/pauses.ts counts it) beyond three times its idle pause in the same run.
 * Before, the same save paused the host 2.3 s. The restore that follows keeps it answering too (checked in slices, and the host's own copy of the
 * bytes moved to the process, not copied as they cross: that paused it 117-213 ms), and must bring
 * the data back.
 */
import { afterAll, expect, it } from 'vitest';
import { PythonSandbox } from '../../dist/index.node.js';
import { BOOT_TIMEOUT_MS } from '../support/fixtures.js';
import { longestPause } from '../support/pauses.js';

const made: PythonSandbox[] = [];
afterAll(() => Promise.all(made.map((s) => s.dispose())));

it(
  'a 100 MB session saves through the Deno boundary and restores, with no pause of the host of 200 ms',
  async () => {
    const source = await PythonSandbox.create({ isolation: 'deno', warmSpare: false });
    made.push(source);
    // Random bytes: gzip keeps all 100 MB, the most a save carries for this much data.
    const made100 = await source.run('import os\ndata = os.urandom(100 * 2**20)\ndata[-1]');
    expect(made100.outcome).toBe('OUTCOME_OK');
    // The control: the host's longest pause while it waits as long, idle, in the same run (a
    // loaded machine's other work shows in it as in the save's).
    const idle = await longestPause(() => new Promise((resolve) => setTimeout(resolve, 2000)));
    const bound = 200 + 3 * idle.pauseMs;
    const saved = await longestPause(() => source.saveState());
    const bytes = saved.outcome as Uint8Array;
    expect(bytes).toBeInstanceOf(Uint8Array);
    expect(bytes.length).toBeGreaterThan(100 * 2 ** 20);
    expect(saved.pauseMs).toBeLessThan(bound);

    const target = await PythonSandbox.create({ isolation: 'deno', warmSpare: false });
    made.push(target);
    const restored = await longestPause(() => target.restoreState(bytes));
    expect(restored.outcome).toBeUndefined();
    console.log(
      `longest pause of the host: saving ${saved.pauseMs.toFixed(0)} ms, restoring ${restored.pauseMs.toFixed(0)} ms (${bytes.length} bytes); idle ${idle.pauseMs.toFixed(0)} ms`,
    );
    expect(restored.pauseMs).toBeLessThan(bound);
    expect((await target.run('len(data), data[-1]')).result).toBe(`(104857600, ${made100.result})`);
  },
  4 * BOOT_TIMEOUT_MS,
);
