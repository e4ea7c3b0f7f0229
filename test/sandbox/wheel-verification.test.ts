/**
 * Node: every wheel is checked against the lock file's SHA-256 before Pyodide installs it (issue
 * 26). Pyodide 314.0.7 checks nothing in Node, so a package server that swaps a wheel used to run
 * its code. The server here answers with a modified tinypkg while the lock keeps the genuine hash.
 */
import { mkdtempSync, readdirSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { it } from '../support/fixtures.js';
import { openWheelStore } from '../../src/sandbox/packages/wheel-store.js';
import { TINY_WHEEL, type WheelServer, serveTinyWheel } from '../support/tiny-wheel.js';

/** This user's folder of kept wheels, in the temporary directory (src/sandbox/packages/wheel-store.ts). */
const KEPT_WHEELS = `python-sandbox-wheels-${process.getuid!()}`;

/** Runs `fn` with TMPDIR (where the staging and kept-wheel folders go) set to a new folder, removed after. */
async function inTemporaryDirectory(fn: (temporary: string) => Promise<void>): Promise<void> {
  const previous = process.env.TMPDIR;
  const temporary = mkdtempSync(join(tmpdir(), 'wheel-folders-'));
  process.env.TMPDIR = temporary;
  try {
    await fn(temporary);
  } finally {
    process.env.TMPDIR = previous;
    if (previous === undefined) delete process.env.TMPDIR;
    rmSync(temporary, { recursive: true, force: true });
  }
}

let tampered: WheelServer;
let genuine: WheelServer;
beforeAll(async () => {
  [tampered, genuine] = await Promise.all([serveTinyWheel({ tampered: true }), serveTinyWheel()]);
});
afterAll(() => Promise.all([tampered?.close(), genuine?.close()]));

describe('wheel verification in Node', () => {
  it('refuses a wheel whose SHA-256 does not match the lock file, naming the package, and the next run works', async ({ createSandbox }) => {
    const sandbox = await createSandbox({ packageBaseUrl: tampered.baseUrl, lockFileContents: tampered.lockFileContents, warmSpare: false });
    const r = await sandbox.run('import tinypkg\nprint("imported", tinypkg.ANSWER)');
    expect(tampered.requests).toContain('/tinypkg-1.0.0-py3-none-any.whl');
    expect(r.outcome).toBe('OUTCOME_FAILED');
    expect(r.error?.name).toBe('PackageLoadError');
    expect(r.error?.message).toMatch(/tinypkg/);
    expect(r.error?.message).toMatch(/SHA-256 .* did not match the lock file/);
    expect(r.output).not.toContain('imported');
    const next = await sandbox.run('x = 1 + 1\nx');
    expect(next.outcome).toBe('OUTCOME_OK');
    expect(next.result).toBe('2');
    expect(next.stateLost).toBeFalsy();
  });

  it('never installs the modified wheel, not even on a second import', async ({ createSandbox }) => {
    const sandbox = await createSandbox({ packageBaseUrl: tampered.baseUrl, lockFileContents: tampered.lockFileContents, warmSpare: false });
    await sandbox.run('import tinypkg');
    const again = await sandbox.run('import tinypkg\ntinypkg.ANSWER');
    expect(again.error?.name).toBe('PackageLoadError');
    expect(again.result).toBeUndefined();
  });

  it('installs the genuine wheel', async ({ createSandbox }) => {
    const sandbox = await createSandbox({ packageBaseUrl: genuine.baseUrl, lockFileContents: genuine.lockFileContents, warmSpare: false });
    const r = await sandbox.run('import tinypkg\ntinypkg.ANSWER');
    expect(r.outcome).toBe('OUTCOME_OK');
    expect(r.result).toBe('42');
  });

  it('keeps a verified wheel for the next process: a second sandbox downloads nothing', async ({ createSandbox }) => {
    const server = await serveTinyWheel();
    try {
      const options = { packageBaseUrl: server.baseUrl, lockFileContents: server.lockFileContents, warmSpare: false };
      await (await createSandbox(options)).run('import tinypkg');
      const downloads = server.requests.length;
      const later = await (await createSandbox(options)).run('import tinypkg\ntinypkg.ANSWER');
      expect(later.result).toBe('42');
      expect(downloads).toBe(1);
      expect(server.requests.length).toBe(downloads);
    } finally {
      await server.close();
    }
  });

  it('does not trust a kept wheel: one that does not match the lock file is downloaded again', async ({ createSandbox }) => {
    const server = await serveTinyWheel();
    try {
      const url = `${server.baseUrl}${TINY_WHEEL}`;
      const modified = await (await fetch(`${tampered.baseUrl}${TINY_WHEEL}`)).arrayBuffer();
      await (await openWheelStore())!.put(url, modified);
      const sandbox = await createSandbox({ packageBaseUrl: server.baseUrl, lockFileContents: server.lockFileContents, warmSpare: false });
      const r = await sandbox.run('import tinypkg\ntinypkg.ANSWER');
      expect(r.result).toBe('42');
      expect(server.requests).toEqual([`/${TINY_WHEEL}`]);
    } finally {
      await server.close();
    }
  });

  it("leaves no wheel in Pyodide's own folder, which only this user may open; the verified one is kept apart, in a folder of this user's", async ({
    createSandbox,
  }) => {
    await inTemporaryDirectory(async (temporary) => {
      const sandbox = await createSandbox({ packageBaseUrl: genuine.baseUrl, lockFileContents: genuine.lockFileContents, warmSpare: false });
      expect((await sandbox.run('import tinypkg\ntinypkg.ANSWER')).result).toBe('42');
      const [staging] = readdirSync(temporary).filter((name) => name.startsWith('python-sandbox-staging-'));
      expect(readdirSync(join(temporary, staging))).toEqual([]);
      expect(statSync(join(temporary, staging)).mode & 0o777).toBe(0o700);
      expect(readdirSync(join(temporary, KEPT_WHEELS)).filter((name) => name.endsWith('.whl'))).toHaveLength(1);
      expect(statSync(join(temporary, KEPT_WHEELS)).mode & 0o777).toBe(0o700);
    });
  });

  it('writes no wheel through a link someone put where its folder of kept wheels goes', async ({ createSandbox }) => {
    const elsewhere = mkdtempSync(join(tmpdir(), 'wheel-elsewhere-'));
    try {
      await inTemporaryDirectory(async (temporary) => {
        symlinkSync(elsewhere, join(temporary, KEPT_WHEELS));
        const sandbox = await createSandbox({ packageBaseUrl: genuine.baseUrl, lockFileContents: genuine.lockFileContents, warmSpare: false });
        expect((await sandbox.run('import tinypkg\ntinypkg.ANSWER')).result).toBe('42');
        expect(readdirSync(elsewhere)).toEqual([]);
      });
    } finally {
      rmSync(elsewhere, { recursive: true, force: true });
    }
  });
});
