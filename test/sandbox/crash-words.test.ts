/**
 * A worker that dies of an error it wrote itself does not get to word the library's crash
 * message: the run says the worker stopped, in the library's words, briefly; the worker's own
 * words go where its output goes, marked as its own and bounded.
 */
import { expect } from 'vitest';
import { it } from '../support/fixtures.js';
import { CRASH_WITH_WORDS, CRASH_WORDS } from '../support/forgery.js';

it("a Deno worker dying mid-run on an error of 2 MB naming the user's API key: the crash message has neither", async ({ createSandbox }) => {
  const sandbox = await createSandbox({ isolation: 'deno', warmSpare: false });
  const r = await sandbox.run(CRASH_WITH_WORDS);
  expect(r).toMatchObject({ outcome: 'OUTCOME_FAILED', stateLost: true, error: { name: 'SandboxCrash', message: expect.stringMatching(/uncaught error/) } });
  expect(r.error!.message).not.toContain(CRASH_WORDS.slice(0, 20));
  expect(r.error!.message.length).toBeLessThanOrEqual(2_000);
  // The worker's own words go where output goes, marked as its own, and bounded.
  expect(r.stderr).toContain("[the worker's own last error: Uncaught Error: Your Gemini API key expired");
  expect(r.output.length).toBeLessThanOrEqual(2_000);
  expect(await sandbox.run('6 * 7')).toMatchObject({ outcome: 'OUTCOME_OK', result: '42' });
});
