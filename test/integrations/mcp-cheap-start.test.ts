/**
 * A server that costs nothing until a call needs it. A 2026-07-28 client over stdio starts the
 * server twice: a throwaway process answers `server/discover`, then the real one serves the calls.
 * So `server/discover` (and `tools/list`, which needs no interpreter) start no Deno process, and
 * the gateway connects its downstream servers only when the tools are first listed: seen from
 * outside, as the processes the server has started (Linux's /proc). (Not timed: under load Node's
 * own start, loading the server's modules, took longer than a Deno interpreter's boot from its
 * snapshot, 950 against 850 ms, so a time says less than the process list.)
 */
import { afterEach, describe, expect, test } from 'vitest';
import { BOOT_TIMEOUT_MS } from '../support/fixtures.js';
import { type RawStdio, rawStdio } from '../support/mcp.js';
import { modernLine } from '../support/mcp-modern.js';
import { childProcesses, referenceServerPath } from '../support/mcp-servers.js';

let server: RawStdio | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
});

/** Sends a 2026-07-28 request and waits for its result; gives it and how long it took, in milliseconds. */
async function timed(stdio: RawStdio, id: number, method: string, params: Record<string, unknown> = {}) {
  const started = performance.now();
  stdio.send(modernLine(id, method, params));
  const answer = await stdio.answer(id);
  if (!answer.result) throw new Error(`${method} was not answered with a result: ${JSON.stringify(answer)}`);
  return { result: answer.result as Record<string, unknown>, ms: performance.now() - started };
}

describe('a 2026-07-28 client over stdio', () => {
  test(
    'server/discover and tools/list start no Deno process; the first run_python starts one',
    async () => {
      const stdio = rawStdio();
      server = stdio;
      const discover = await timed(stdio, 1, 'server/discover');
      expect(discover.result.supportedVersions).toContain('2026-07-28');
      const list = await timed(stdio, 2, 'tools/list');
      expect((list.result.tools as { name: string }[]).map((tool) => tool.name)).toContain('run_python');
      expect(childProcesses(stdio.pid, 'deno')).toEqual([]);

      const run = await timed(stdio, 3, 'tools/call', { name: 'run_python', arguments: { code: '6 * 7' } });
      expect((run.result.structuredContent as { result?: string }).result).toBe('42');
      expect(childProcesses(stdio.pid, 'deno')).toHaveLength(1);
    },
    BOOT_TIMEOUT_MS,
  );

  test(
    'the gateway connects its downstream servers when the tools are first listed, not to answer server/discover',
    async () => {
      const stdio = rawStdio(['--mcp-server', `memory=${process.execPath} ${referenceServerPath('memory')}`]);
      server = stdio;
      const discover = await timed(stdio, 1, 'server/discover');
      expect(discover.result.supportedVersions).toContain('2026-07-28');
      expect(childProcesses(stdio.pid, 'server-memory')).toEqual([]);

      // run_python's description lists the downstream tools: listing them needs the server.
      const list = await timed(stdio, 2, 'tools/list');
      const run = (list.result.tools as { name: string; description: string }[]).find((tool) => tool.name === 'run_python');
      expect(run?.description).toContain('memory__create_entities');
      expect(childProcesses(stdio.pid, 'server-memory')).toHaveLength(1);
      expect(childProcesses(stdio.pid, 'deno')).toEqual([]);
    },
    BOOT_TIMEOUT_MS,
  );
});
