/**
 * The MCP server saves an idle session's interpreter instead of dropping it, and restores it on
 * the next call; with a state folder (`--state-dir`) the state also outlives the server: a
 * restarted stdio server resumes the state of its `--state-name` (and only that name's), and an
 * HTTP instance takes up a handle another instance saved in the shared folder. Over stdio behind
 * the Deno boundary (a 2025 client), over HTTP in worker threads (a 2026-07-28 client, by handle),
 * and the other two pairings.
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { BOOT_TIMEOUT_MS, savedFiles, stateFolders } from '../support/fixtures.js';
import { randomUUID } from 'node:crypto';
import { connectHttp, connectStdio, pingStatus, resumeHttp, startHttpServer, textOf } from '../support/mcp.js';
import { connectModernHttp } from '../support/mcp-modern.js';

const stateFolder = stateFolders();

const DEFINE = 'x = 41\nwith open("kept.txt", "w") as f: f.write("written before the idle save")';

describe('over stdio, behind the Deno boundary', () => {
  test(
    'an idle interpreter is saved and restored, and a restarted server resumes its own name only, one process per name',
    async () => {
      const folder = stateFolder();
      const flags = (name: string) => ['--idle-minutes', String(1 / 60), '--state-dir', folder, '--state-name', name];
      const first = await connectStdio(flags('alice'));
      try {
        expect((await first.call('run_python', { code: DEFINE })).isError).toBeFalsy();
        // Past the idle second: the interpreter is saved and its Deno process stopped.
        await expect.poll(() => savedFiles(folder), { timeout: 30_000, interval: 100 }).toHaveLength(1);
        const after = await first.call('run_python', { code: 'x + 1' });
        expect(textOf(after)).toBe('42');
        expect(after.structuredContent).toMatchObject({ result: '42', stateLost: false });
        expect(textOf(await first.call('read_file', { path: 'kept.txt' }))).toBe('written before the idle save');
      } finally {
        await first.close();
      }
      // Named by a digest, nothing else.
      expect(savedFiles(folder)).toEqual([expect.stringMatching(/^[0-9a-f]{64}\.state$/)]);

      const again = await connectStdio(flags('alice'));
      const other = await connectStdio(flags('bob'));
      try {
        expect(textOf(await again.call('run_python', { code: 'x + 1' }))).toBe('42');
        expect(textOf(await other.call('run_python', { code: "'x' in globals()" }))).toBe('False');
        // One process at a time holds a name: a second one exits at start, saying so.
        await expect(connectStdio(flags('alice'))).rejects.toThrow();
      } finally {
        await Promise.all([again.close(), other.close()]);
      }
    },
    6 * BOOT_TIMEOUT_MS,
  );
});

describe('over HTTP, by handle', () => {
  test(
    'an idle interpreter is saved and restored, another instance on the folder takes up the handle after a kill, and the bound evicts the largest',
    async () => {
      const folder = stateFolder();
      // Interpreters given back after 2 of the 6 idle seconds.
      const flags = (instance: string, maxStateBytes: number) => [
        '--isolation',
        'worker',
        '--idle-minutes',
        String(6 / 60),
        '--state-dir',
        folder,
        '--instance',
        instance,
        '--max-state-bytes',
        String(maxStateBytes),
      ];
      const a = await startHttpServer(flags('a', 2 ** 30));
      let handle: string;
      try {
        const client = await connectModernHttp(a.url);
        const first = await client.call('run_python', { code: DEFINE });
        handle = first.structuredContent?.handle as string;
        expect(handle).toMatch(/^a\./);
        // Past 2 idle seconds: the interpreter is saved and its worker stopped.
        await expect.poll(() => savedFiles(folder), { timeout: 30_000, interval: 100 }).toHaveLength(1);
        const after = await client.call('run_python', { code: 'x + 1', handle });
        expect(textOf(after)).toBe('42');
        expect(after.structuredContent).toMatchObject({ stateLost: false, handle });
        expect(textOf(await client.call('read_file', { path: 'kept.txt', handle }))).toBe('written before the idle save');
        // A change after the idle save, which the kill below loses.
        expect(textOf(await client.call('run_python', { code: 'x = 99\nx', handle }))).toBe('99');
        await client.close();
      } finally {
        // Killed: nothing is saved on the way out; the idle save is what comes back.
        process.kill(a.pid, 'SIGKILL');
        await a.stop();
      }
      const saved = savedFiles(folder);
      expect(saved).toHaveLength(1);
      expect(saved[0]).not.toContain(handle.split('.')[1]);

      // Another instance on the folder takes up the handle, from the idle save: x is 41 again, and
      // the result says so (never a silent rollback); stopped, it saves it again.
      const b = await startHttpServer(flags('b', 2 ** 30));
      try {
        const client = await connectModernHttp(b.url);
        const resumed = await client.call('run_python', { code: 'x + 1', handle });
        expect(textOf(resumed)).toMatch(
          /^This session's Python interpreter was restored from its save of \d{4}-\d\d-\d\dT[\d:.]+Z: the server that ran it stopped before saving it again/,
        );
        expect(textOf(resumed)).toMatch(/42$/);
        expect(resumed.structuredContent).toMatchObject({
          result: '42',
          stateLost: true,
          handle,
          restoredFrom: { source: 'save', savedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/), note: expect.stringMatching(/restored from its save of /) },
        });
        // Said once; the next call is an ordinary one.
        expect((await client.call('run_python', { code: 'x', handle })).structuredContent).toMatchObject({ result: '41', stateLost: false });
        await client.close();
      } finally {
        await b.stop();
      }

      // Room for the first state alone (states are stored against the boot snapshot: this one is about 1.3 MB, a new
      // interpreter's 0.1 MB): a new interpreter's save evicts the largest, says so on stderr, and the evicted handle's
      // call says its state is gone.
      const c = await startHttpServer(flags('c', statSync(join(folder, saved[0] as string)).size));
      try {
        const client = await connectModernHttp(c.url);
        const newer = await client.call('run_python', { code: 'y = 1' });
        const newerHandle = newer.structuredContent?.handle as string;
        await expect.poll(() => c.stderr(), { timeout: 30_000, interval: 250 }).toMatch(new RegExp(`evicted the saved state ${saved[0]} \\(\\d+ bytes`));
        const gone = await client.call('run_python', { code: 'x + 1', handle });
        expect(gone.isError).toBe(true);
        expect(textOf(gone)).toMatch(/Call the tool without a handle to start a new interpreter/);
        expect(textOf(await client.call('run_python', { code: 'y + 1', handle: newerHandle }))).toBe('2');
        await client.close();
      } finally {
        await c.stop();
      }
    },
    6 * BOOT_TIMEOUT_MS,
  );
});

// The other two pairings of transport and boundary: the idle save, its restore, and a restart on the folder.
describe('the same over stdio in worker threads and over HTTP behind the Deno boundary', () => {
  test(
    'stdio, worker threads: x + 1 is 42 after the idle save, and after a restart on the same name',
    async () => {
      const folder = stateFolder();
      const flags = ['--isolation', 'worker', '--idle-minutes', String(1 / 60), '--state-dir', folder, '--state-name', 'carol'];
      const first = await connectStdio(flags);
      try {
        expect((await first.call('run_python', { code: DEFINE })).isError).toBeFalsy();
        await expect.poll(() => savedFiles(folder), { timeout: 30_000, interval: 100 }).toHaveLength(1);
        expect((await first.call('run_python', { code: 'x + 1' })).structuredContent).toMatchObject({ result: '42', stateLost: false });
        expect(textOf(await first.call('read_file', { path: 'kept.txt' }))).toBe('written before the idle save');
      } finally {
        await first.close();
      }
      const again = await connectStdio(flags);
      try {
        expect((await again.call('run_python', { code: 'x + 1' })).structuredContent).toMatchObject({ result: '42', stateLost: false });
      } finally {
        await again.close();
      }
    },
    4 * BOOT_TIMEOUT_MS,
  );

  test(
    'HTTP, Deno: x + 1 is 42 by handle after the idle save, and after a kill and a restart on the same folder, which says which save came back',
    async () => {
      const folder = stateFolder();
      const flags = ['--isolation', 'deno', '--idle-minutes', String(6 / 60), '--state-dir', folder, '--instance', 'a'];
      let handle = '';
      const first = await startHttpServer(flags);
      try {
        const client = await connectModernHttp(first.url);
        handle = (await client.call('run_python', { code: DEFINE })).structuredContent?.handle as string;
        await expect.poll(() => savedFiles(folder), { timeout: 30_000, interval: 100 }).toHaveLength(1);
        expect((await client.call('run_python', { code: 'x + 1', handle })).structuredContent).toMatchObject({ result: '42', stateLost: false, handle });
        expect(textOf(await client.call('read_file', { path: 'kept.txt', handle }))).toBe('written before the idle save');
        await client.close();
      } finally {
        process.kill(first.pid, 'SIGKILL');
        await first.stop();
      }
      const second = await startHttpServer(flags);
      try {
        const client = await connectModernHttp(second.url);
        // The run after the idle save may have changed it (the server cannot tell a read from a change): the result says which save came back.
        const resumed = (await client.call('run_python', { code: 'x + 1', handle })).structuredContent;
        expect(resumed).toMatchObject({ result: '42', stateLost: true, handle, note: expect.stringMatching(/restored from its save of /) });
        await client.close();
      } finally {
        await second.stop();
      }
    },
    4 * BOOT_TIMEOUT_MS,
  );
});

describe('over HTTP, a 2025 session', () => {
  test(
    'resumes on a restarted server by its old Mcp-Session-Id, and an id the folder does not hold is still 404',
    async () => {
      const folder = stateFolder();
      const flags = ['--isolation', 'worker', '--state-dir', folder, '--instance', 'a'];
      const first = await startHttpServer(flags);
      let sessionId: string;
      try {
        const client = await connectHttp(first.url);
        sessionId = client.sessionId;
        expect((await client.call('run_python', { code: DEFINE })).isError).toBeFalsy();
        // Leaves without ending its session, as clients do; the server is then stopped, saving it.
        await client.leave();
      } finally {
        await first.stop();
      }
      const second = await startHttpServer(flags);
      try {
        const resumed = await resumeHttp(second.url, sessionId);
        const after = await resumed.call('run_python', { code: 'x + 1' });
        expect(textOf(after)).toBe('42');
        expect(after.structuredContent).toMatchObject({ stateLost: false });
        expect(textOf(await resumed.call('read_file', { path: 'kept.txt' }))).toBe('written before the idle save');
        await resumed.close();
        expect(await pingStatus(second.url, `a.${randomUUID()}`)).toBe(404);
      } finally {
        await second.stop();
      }
    },
    4 * BOOT_TIMEOUT_MS,
  );

  test(
    'one its client ended (DELETE) is not kept: its old id is 404 and the folder holds nothing of it, as after reset',
    async () => {
      const folder = stateFolder();
      // Interpreters given back (saved) after 2 of the 6 idle seconds.
      const flags = ['--isolation', 'worker', '--idle-minutes', String(6 / 60), '--state-dir', folder, '--instance', 'a'];
      const server = await startHttpServer(flags);
      let sessionId: string;
      try {
        const client = await connectHttp(server.url);
        sessionId = client.sessionId;
        expect((await client.call('run_python', { code: 'secret = "typed before DELETE"' })).isError).toBeFalsy();
        await expect.poll(() => savedFiles(folder), { timeout: 30_000, interval: 100 }).toHaveLength(1);
        // Restored: the session holds a live interpreter and a save when its client ends it.
        expect(textOf(await client.call('run_python', { code: 'secret' }))).toBe("'typed before DELETE'");
        // DELETE (terminateSession), as a well-behaved client ends its session.
        await client.close();
        expect(savedFiles(folder)).toEqual([]);
        expect(await pingStatus(server.url, sessionId)).toBe(404);
      } finally {
        await server.stop();
      }
      // Nor does the server's shutdown save it, nor a restarted server know it.
      expect(savedFiles(folder)).toEqual([]);
      const again = await startHttpServer(flags);
      try {
        expect(await pingStatus(again.url, sessionId)).toBe(404);
      } finally {
        await again.stop();
      }
    },
    4 * BOOT_TIMEOUT_MS,
  );
});
