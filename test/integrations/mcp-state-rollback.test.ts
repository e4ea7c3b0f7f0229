/**
 * Issue 72's silent-rollback run, reduced (bench/state-rollback.mjs runs it whole: ten handles of
 * 20 MB): handles of a 2026-07-28 client each hold a blob and `x = 1`, are saved while idle, then
 * set `x = 2`; a read 5.3 s later (their idle saves in line) and one 20 s after that (their
 * handles closed and taken up from the folder) must each say 2. Then a handle whose newest state is
 * not saved yet is closed to make room at `--max-sessions` and called again at once, while that
 * close's save is being made: it must start from that save (before a8d96d7 it started from the one
 * before, with `stateLost: false`). A read that says otherwise must say `stateLost: true` and why.
 */
import { expect, test } from 'vitest';
import { BOOT_TIMEOUT_MS, savedFiles, stateFolders } from '../support/fixtures.js';
import { type ToolResult, runPythonServed, startHttpServer } from '../support/mcp.js';
import { connectModernHttp } from '../support/mcp-modern.js';

const stateFolder = stateFolders();
const HANDLES = 3;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** What a read of `x` said: the value, or a loss it told of. */
function readOf(result: ToolResult): string {
  const content = (result.structuredContent ?? {}) as { result?: unknown; stateLost?: unknown; note?: unknown };
  if (content.stateLost === true && typeof content.note === 'string' && content.note !== '') return 'told lost';
  return String(content.result ?? JSON.stringify(result.content));
}

test(
  'a handle reads its latest x during its idle save, after its handle closed, and after a close at the bound that it calls into',
  async () => {
    const folder = stateFolder();
    // Given back (saved) after 5 s without calls, closed after 15 s, as the red team ran it.
    const server = await startHttpServer(['--isolation', 'worker', '--max-sessions', String(HANDLES), '--idle-minutes', '0.25', '--state-dir', folder]);
    const client = await connectModernHttp(server.url);
    try {
      // A busy answer (boots wait their turn on a loaded machine) is called again as it says.
      const run = (code: string, handle?: string) => runPythonServed(client, { code, ...(handle && { handle }) }, { attempts: 11 });
      const firsts = await Promise.all(Array.from({ length: HANDLES }, () => run('import os\nblob = os.urandom(2_000_000)\nx = 1')));
      for (const first of firsts) expect(first.isError, JSON.stringify(first.content)).toBeFalsy();
      const handles = firsts.map((first) => String((first.structuredContent as { handle?: unknown }).handle));
      await expect.poll(() => savedFiles(folder), { timeout: 60_000, interval: 200 }).toHaveLength(HANDLES);

      const reads = await Promise.all(
        handles.map(async (handle) => {
          expect((await run('x = 2', handle)).structuredContent).toMatchObject({ outcome: 'OUTCOME_OK' });
          await sleep(5_300);
          const during = readOf(await run('x', handle));
          await sleep(20_000);
          return [during, readOf(await run('x', handle))];
        }),
      );
      expect(reads.flat()).toEqual(Array(2 * HANDLES).fill('2'));

      // The first handle's newest state (x = 3, a larger blob: a slower save) lives only in its
      // interpreter, and it is the longest idle; a new handle closes it to make room, and it is
      // called at once, while that close's save is being made.
      const [victim = '', ...others] = handles;
      await run('blob = os.urandom(20_000_000)\nx = 3', victim);
      for (const handle of others) await run('pass', handle);
      const minting = run('y = 1');
      await sleep(50);
      const [back, minted] = await Promise.all([run('x', victim), minting]);
      expect(minted.isError).toBeFalsy();
      expect(readOf(back)).toBe('3');
    } finally {
      await client.close();
      await server.stop();
    }
  },
  4 * BOOT_TIMEOUT_MS,
);
