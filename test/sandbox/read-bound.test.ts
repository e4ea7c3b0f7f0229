/**
 * `readFile` without `maxBytes` is bounded by what one message from the worker may carry, so a
 * larger file is refused inside the interpreter (which keeps its state) instead of crossing to
 * the Deno relay (or the frame's gate) and stopping the worker there.
 */
import { describe, expect } from 'vitest';
import { MAX_MESSAGE_BYTES } from '../../src/sandbox/isolation/relay-gate.js';
import { it } from '../support/fixtures.js';

const OVER = MAX_MESSAGE_BYTES + 1024 * 1024;

describe.each(['worker', 'deno'] as const)('readFile of a file larger than one message, isolation %s', (isolation) => {
  it('is refused with its size, and the interpreter keeps its state', async ({ createSandbox }) => {
    const sandbox = await createSandbox({ isolation });
    await sandbox.run(`kept = 41\nwith open("big.bin", "wb") as f:\n    f.truncate(${OVER})`);
    await expect(sandbox.readFile('big.bin')).rejects.toMatchObject({ name: 'SandboxFileTooLargeError', size: OVER, maxBytes: MAX_MESSAGE_BYTES });
    await expect(sandbox.readFile('big.bin', { maxBytes: OVER })).rejects.toMatchObject({ name: 'SandboxFileTooLargeError', maxBytes: MAX_MESSAGE_BYTES });
    expect(await sandbox.run('kept + 1')).toMatchObject({ result: '42', stateLost: false });
  }, 120_000);
});
