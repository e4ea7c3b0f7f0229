/**
 * Fast start: boots are snapshotted and later restored. The worker validates every snapshot, so
 * a stale or corrupt one only costs a normal boot.
 */
import { copyFileSync, mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { SandboxOptions } from '../../dist/index.node.js';
import { withSandbox } from '../support/fixtures.js';

function snapshotDir() {
  const directory = mkdtempSync(join(tmpdir(), 'sandbox-snapshots-'));
  const file = () =>
    readdirSync(directory)
      .filter((f) => f.endsWith('.bin'))
      .map((f) => join(directory, f))[0];
  // The store's own path: not the snapshot shipped with the package (shipped-snapshot.test.ts).
  return { directory, options: { snapshotCache: { directory }, warmSpare: false, shippedSnapshot: false } satisfies SandboxOptions, file };
}

/**
 * One first boot into an empty store, and the snapshot it stored: a test that starts from a stored
 * snapshot gets a copy (a first boot and its snapshot take ~5 s).
 */
let firstBoot: { bootPath: string; stored: string };
beforeAll(async () => {
  const { options, file } = snapshotDir();
  const bootPath = await withSandbox(options, async (sandbox) => (await waitFor(file), sandbox.bootPath));
  firstBoot = { bootPath, stored: file()! };
}, 60_000);

/** A store that already holds the snapshot a first boot made. */
function storedSnapshotDir() {
  const dir = snapshotDir();
  copyFileSync(firstBoot.stored, join(dir.directory, basename(firstBoot.stored)));
  return dir;
}

async function waitFor<T>(probe: () => T | undefined, ms = 20_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > until) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('boot snapshots', () => {
  it('makes and stores a snapshot on the first boot', () => {
    expect(firstBoot.bootPath).toBe('fresh');
    expect(statSync(firstBoot.stored).size).toBeGreaterThan(1_000_000);
  });

  it('restores a later boot from the snapshot, with a working runner', async () => {
    const { options } = storedSnapshotDir();
    await withSandbox(options, async (sandbox) => {
      expect(sandbox.bootPath).toBe('snapshot');
      const r = await sandbox.run('import sys\nprint("hi", file=sys.stderr)\nopen("out.txt", "w").write("x")\n6 * 7');
      expect(r).toMatchObject({ outcome: 'OUTCOME_OK', output: 'hi\n', result: '42' });
      expect(r.files.map((f) => f.path)).toEqual(['out.txt']);
      expect((await sandbox.run('1/0')).error?.traceback).toContain('<cell');
    });
  });

  it('delivers its last progress message, naming the path taken, before create() resolves', async () => {
    const { options, file } = snapshotDir();
    const lastMessageAtCreate = async () => {
      const messages: string[] = [];
      return withSandbox({ ...options, onProgress: (p) => messages.push(p.message) }, async () => {
        const last = messages.at(-1);
        await waitFor(file);
        return last;
      });
    };
    expect(await lastMessageAtCreate()).toBe('Python is ready');
    expect(await lastMessageAtCreate()).toBe('Python is ready (restored from a snapshot)');
  });

  it('falls back to a normal boot from a corrupt snapshot, and replaces it', async () => {
    const { options, file } = storedSnapshotDir();
    const bytes = readFileSync(file());
    bytes.fill(0xab, 4096, 8192);
    bytes.fill(0xcd, bytes.length - 4096);
    writeFileSync(file(), bytes);
    // Header intact, Pyodide's part broken: either Pyodide refuses it or our check does.
    const corruptHeader = Buffer.from(bytes);
    corruptHeader.fill(0, 8, 40);
    writeFileSync(file(), corruptHeader);
    await withSandbox(options, async (sandbox) => {
      expect(sandbox.bootPath).toBe('fresh');
      expect((await sandbox.run('1 + 1')).result).toBe('2');
    });
    await waitFor(() => {
      const current = file() && readFileSync(file());
      return current && !current.equals(corruptHeader) ? current : undefined;
    });
    await withSandbox(options, async (sandbox) => expect(sandbox.bootPath).toBe('snapshot'));
  });

  it('ignores a snapshot made by another Pyodide version', async () => {
    const { options, file } = storedSnapshotDir();
    const bytes = readFileSync(file());
    const header = bytes.subarray(8, 8 + bytes.readUInt32LE(4));
    const stale = Buffer.from(header.toString('utf8').replace(/"pyodideVersion":"[^"]+"/, (m) => m.replace(/\d/g, '9')));
    expect(stale.length).toBe(header.length);
    stale.copy(bytes, 8);
    writeFileSync(file(), bytes);
    await withSandbox(options, async (sandbox) => {
      expect(sandbox.bootPath).toBe('fresh');
      expect((await sandbox.run('"works"')).result).toBe("'works'");
    });
  });

  it('gives each restored interpreter its own random state', async () => {
    const { options } = storedSnapshotDir();
    const draws = [];
    for (let i = 0; i < 2; i++) {
      draws.push(await withSandbox(options, async (sandbox) => (await sandbox.run('import random\nrandom.random()')).result));
    }
    expect(draws[0]).not.toBe(draws[1]);
  });
});

describe('warm spare', () => {
  it('replaces a killed interpreter with the standing spare, and keeps one standing', async () => {
    const stubborn = 'while True:\n    try:\n        while True: pass\n    except BaseException:\n        pass';
    await withSandbox({ snapshotCache: 'memory', limits: { interruptGraceMs: 200 } }, async (sandbox) => {
      for (let kill = 0; kill < 2; kill++) {
        // The spare has booted (on a first boot, the snapshot is also stored).
        await sandbox.whenIdle();
        await sandbox.run('marker = 1');
        expect((await sandbox.run(stubborn, { timeoutMs: 300 })).stateLost).toBe(true);
        const next = await sandbox.run('"marker" in globals()');
        expect(next).toMatchObject({ result: 'False', stateLost: false });
      }
      // The first spare booted fresh (making the snapshot); the second was restored from it.
      expect(sandbox.bootPath).toBe('snapshot');
    });
  });
});
