/**
 * The MCP server over HTTP serves every client from one process, so a saved state is hostile data
 * to all of them: a cell's 300 MB file of zeros packs to about a megabyte, and restoring it must
 * not cost the server its size. The files come back inside the Deno boundary; the server keeps of
 * them only what its copy of the working directory may hold. Before, two such sessions grew the
 * server from 96 to 2,509 MB.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { BOOT_TIMEOUT_MS } from '../support/fixtures.js';
import { connectHttp, startHttpServer, textOf } from '../support/mcp.js';

const folder = mkdtempSync(join(tmpdir(), 'mcp-restore-memory-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

/** A process's resident memory now, and the most it has held since `resetPeak` (Linux's /proc), in MB. */
function memoryOf(pid: number): { rssMB: number; peakMB: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kB = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN);
  return { rssMB: kB('VmRSS') / 1024, peakMB: kB('VmHWM') / 1024 };
}

/** Starts a new peak (`VmHWM`) from the resident memory now; where the kernel refuses, the old peak stays (the check only gets stricter). */
function resetPeak(pid: number): void {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
  } catch {
    // Not ours to reset: the peak since start is an upper bound of the restore's.
  }
}

test(
  'two sessions whose saves hold a 300 MB file each are restored with the server growing by under 512 MB, the files back inside the boundary',
  async () => {
    const server = await startHttpServer(['--idle-minutes', String(2 / 60), '--state-dir', folder]);
    const clients = await Promise.all([connectHttp(server.url), connectHttp(server.url)]);
    try {
      // At once: a session idle for the 2 s of --idle-minutes before its first call (one waiting
      // behind the other's boot on a busy machine) is closed with nothing to save, and its call gets a 404.
      const wrote = await Promise.all(clients.map((client) => client.call('run_python', { code: "open('big.bin', 'wb').write(bytes(300_000_000))\nx = 1" })));
      for (const result of wrote) expect(result.isError).toBeFalsy();
      // Both idle, saved to the folder, their Deno processes stopped.
      const saved = () => readdirSync(folder).filter((name) => name.endsWith('.state'));
      await expect.poll(saved, { timeout: 60_000, interval: 200 }).toHaveLength(2);
      resetPeak(server.pid);
      const before = memoryOf(server.pid);
      const answers = await Promise.all(clients.map((client) => client.call('run_python', { code: "import os\nx, os.path.getsize('big.bin')" })));
      const after = memoryOf(server.pid);
      const riseMB = after.peakMB - before.rssMB;
      console.log(
        `server while restoring two 300 MB sessions: RSS ${before.rssMB.toFixed(0)} MB, peak after ${after.peakMB.toFixed(0)} MB (+${riseMB.toFixed(0)} MB)`,
      );
      expect(answers.map(textOf)).toEqual(['(1, 300000000)', '(1, 300000000)']);
      expect(riseMB).toBeLessThan(512);
    } finally {
      await Promise.all(clients.map((client) => client.close()));
      await server.stop();
    }
  },
  6 * BOOT_TIMEOUT_MS,
);
