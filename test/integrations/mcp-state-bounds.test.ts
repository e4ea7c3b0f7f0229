/**
 * The state folder (`--state-dir`) against other clients and against what is planted in it,
 * through the server over HTTP with 2025 sessions: one client's large saves do not push out
 * another's small one (a save over half the bound is refused, its older save deleted, and its
 * interpreter kept as it is, never swapped for the older save); and a state file that is not a regular file (a link to
 * /dev/zero, a FIFO) is refused with a line on stderr, so its session's first call answers soon, in
 * a new interpreter, without the server's memory growing.
 */
import { randomUUID } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { readFileSync, symlinkSync } from 'node:fs';
import { basename } from 'node:path';
import { describe, expect, test } from 'vitest';
import { StateFolder } from '../../src/integrations/mcp/sessions/state-folder.js';
import { BOOT_TIMEOUT_MS, savedFiles, stateFolders } from '../support/fixtures.js';
import { connectHttp, resumeHttp, startHttpServer, textOf } from '../support/mcp.js';

const stateFolder = stateFolders();
/** The file a 2025 HTTP session's state is saved in (http.ts keys it so). */
const fileOfSession = (folder: string, sessionId: string) => new StateFolder(folder, 1, () => {}).fileOf(`http\n${sessionId}`);
/** A resident set size of process `pid` (Linux's /proc), in bytes: `VmRSS` now, or `VmHWM`, its peak so far. */
function residentBytes(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const kib = new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'latin1'))?.[1];
  if (kib === undefined) throw new Error(`no ${field} for process ${pid}`);
  return Number(kib) * 1024;
}

describe('a bounded state folder, shared by clients', () => {
  test(
    "another client's two saves of over half the bound leave a session's small save in place; its own refused save is never swapped for an older one",
    async () => {
      const folder = stateFolder();
      // The report's 100 MB bound and 55 MB saves, scaled down: 3 MB, and 1.7 MB of random bytes (which do not compress).
      const bound = 3_000_000;
      const big = 'import os\nblob = os.urandom(1_700_000)';
      // Interpreters given back (saved) after 2 of the 6 idle seconds.
      const server = await startHttpServer([
        ...['--isolation', 'worker', '--idle-minutes', String(6 / 60), '--state-dir', folder, '--instance', 'a'],
        ...['--max-state-bytes', String(bound)],
      ]);
      const refusals = () => server.stderr().match(/refused the save [0-9a-f]{64}\.state: it is \d+ bytes, more than half the state folder's bound/g) ?? [];
      try {
        const victim = await connectHttp(server.url);
        expect((await victim.call('run_python', { code: 'secret = "victim-secret"' })).isError).toBeFalsy();
        await expect.poll(() => savedFiles(folder), { timeout: 30_000, interval: 100 }).toHaveLength(1);
        const victimsFile = basename(fileOfSession(folder, victim.sessionId));
        expect(savedFiles(folder)).toEqual([victimsFile]);

        // The other client's first session is saved small, then grows past the share: that save is
        // refused and its older one goes with it; the interpreter is kept, so its next call finds
        // everything, the small variable and the blob (never the older save's state).
        const other = await connectHttp(server.url);
        await other.call('run_python', { code: 'small = 1' });
        await expect.poll(() => savedFiles(folder), { timeout: 30_000, interval: 100 }).toHaveLength(2);
        await other.call('run_python', { code: big });
        await expect.poll(() => refusals().length, { timeout: 30_000, interval: 100 }).toBeGreaterThanOrEqual(1);
        // The line is said as the save is refused, a moment before its older save is deleted.
        await expect.poll(() => savedFiles(folder), { timeout: 5_000, interval: 50 }).toEqual([victimsFile]);
        const kept = await other.call('run_python', { code: "'small' in globals(), len(blob)" });
        expect(kept.structuredContent).toMatchObject({ result: '(True, 1700000)', stateLost: false });

        // Its second session's save is refused alike.
        const second = await connectHttp(server.url);
        await second.call('run_python', { code: big });
        const secondsFile = basename(fileOfSession(folder, second.sessionId));
        await expect
          .poll(() => refusals().length > 0 && server.stderr().includes(`refused the save ${secondsFile}`), { timeout: 30_000, interval: 100 })
          .toBe(true);
        expect(server.stderr()).not.toMatch(/evicted the saved state/);

        // The victim's next call (its session closed by the server meanwhile, or not) finds its variable.
        const back = await resumeHttp(server.url, victim.sessionId);
        const found = await back.call('run_python', { code: 'secret' });
        expect(textOf(found)).toBe("'victim-secret'");
        expect(found.structuredContent).toMatchObject({ stateLost: false });
        await Promise.all([back.close(), other.leave(), second.leave(), victim.leave()]);
      } finally {
        await server.stop();
      }
    },
    4 * BOOT_TIMEOUT_MS,
  );
});

describe('a state file that is not a regular file', () => {
  test(
    "is refused with a line on stderr and not followed: a link to /dev/zero's session answers about as soon as a new session, the server's memory still",
    async () => {
      const folder = stateFolder();
      // Behind the Deno boundary (the default), so the server's own memory is what a read of the file would grow.
      const server = await startHttpServer(['--state-dir', folder, '--instance', 'a']);
      try {
        // The control: a new session's first call, in this run.
        const started = performance.now();
        const control = await connectHttp(server.url);
        expect((await control.call('run_python', { code: '1 + 1' })).isError).toBeFalsy();
        const controlMs = performance.now() - started;
        await control.close();

        // Planted by someone with write access to the folder, under sessions ids of this server's shape.
        const planted: [kind: string, id: string, plant: (file: string) => void][] = [
          ['a symbolic link', `a.${randomUUID()}`, (file) => symlinkSync('/dev/zero', file)],
          ['a FIFO', `a.${randomUUID()}`, (file) => execFileSync('mkfifo', [file])],
        ];
        for (const [kind, id, plant] of planted) {
          const file = fileOfSession(folder, id);
          plant(file);
          const before = residentBytes(server.pid, 'VmRSS');
          const asked = performance.now();
          const session = await resumeHttp(server.url, id);
          // Before the fix the link's call never answered (its read grew the server by gigabytes) and the FIFO's blocked.
          const answer = await session.call('run_python', { code: '1 + 1' }, { timeout: 10 * controlMs });
          expect(performance.now() - asked).toBeLessThan(5 * controlMs);
          expect(residentBytes(server.pid, 'VmHWM') - before).toBeLessThan(256 * 2 ** 20);
          expect(answer.structuredContent).toMatchObject({ result: '2', stateLost: true });
          expect(answer.structuredContent?.note).toContain(`its file is ${kind}, not a regular file`);
          expect(server.stderr()).toContain(`refused the saved state ${basename(file)}: its file is ${kind}, not a regular file; it was not read`);
          await session.close();
        }
      } finally {
        await server.stop();
      }
    },
    4 * BOOT_TIMEOUT_MS,
  );
});
