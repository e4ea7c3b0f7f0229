/**
 * A saved state is hostile data to the host that restores it: a few megabytes packed can hold
 * hundreds of megabytes of files (zeros gzip a thousandfold). The files come back inside the
 * boundary (here the Deno process); the host keeps of them only what its copy of the working
 * directory may hold (`limits.maxTotalFileBytes`), unpacking them a piece at a time and never
 * holding a file it does not keep. Before, a 1.4 MB save holding 200 MB raised the host's RSS by
 * 605 MB and paused its event loop for seconds.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { PythonSandbox } from '../../dist/index.node.js';
import { BOOT_TIMEOUT_MS } from '../support/fixtures.js';
import { longestPause } from '../support/pauses.js';

const MB = 2 ** 20;
const made: PythonSandbox[] = [];
afterAll(() => Promise.all(made.map((s) => s.dispose())));

let source: PythonSandbox;
beforeAll(async () => {
  source = await PythonSandbox.create({ isolation: 'deno', warmSpare: false });
  made.push(source);
}, BOOT_TIMEOUT_MS);

/** A state whose working directory holds `bigBytes` of zeros in `big.bin`, and `small.txt` written after it. */
async function stateWith(bigBytes: number): Promise<Uint8Array> {
  const wrote = await source.run(`open('big.bin', 'wb').write(bytes(${bigBytes}))\nopen('small.txt', 'w').write('kept')`);
  expect(wrote.outcome).toBe('OUTCOME_OK');
  return source.saveState();
}

/** Restores `bytes` in a new Deno sandbox: the host's longest pause and its RSS's highest rise while it does. */
async function restoreMeasured(bytes: Uint8Array): Promise<{ pauseMs: number; riseMB: number; target: PythonSandbox }> {
  const target = await PythonSandbox.create({ isolation: 'deno', warmSpare: false });
  made.push(target);
  const before = process.memoryUsage.rss();
  let peak = before;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 5);
  try {
    const { pauseMs, outcome } = await longestPause(() => target.restoreState(bytes));
    expect(outcome).toBeUndefined();
    peak = Math.max(peak, process.memoryUsage.rss());
    return { pauseMs, riseMB: (peak - before) / MB, target };
  } finally {
    clearInterval(sampler);
  }
}

it(
  'a save under 5 MB that holds a 200 MB file restores with the file inside the boundary, the host rising under 256 MB and never pausing 2 s',
  async () => {
    const control = await restoreMeasured(await stateWith(5 * MB));
    const bytes = await stateWith(200 * MB);
    expect(bytes.length).toBeLessThan(5 * MB);
    const attack = await restoreMeasured(bytes);
    console.log(
      `host while restoring: 5 MB file +${control.riseMB.toFixed(0)} MB, ${control.pauseMs.toFixed(0)} ms; ` +
        `200 MB file (${(bytes.length / MB).toFixed(1)} MB packed) +${attack.riseMB.toFixed(0)} MB, ${attack.pauseMs.toFixed(0)} ms`,
    );
    expect(attack.riseMB).toBeLessThan(256);
    expect(attack.pauseMs).toBeLessThan(2000);
    const back = await attack.target.run("import os\nos.path.getsize('big.bin'), open('small.txt').read()");
    expect(back.result).toBe("(209715200, 'kept')");
  },
  6 * BOOT_TIMEOUT_MS,
);
