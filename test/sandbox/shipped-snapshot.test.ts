/**
 * The snapshot built into the package (scripts/make-snapshot.mjs, dist/pyodide/sandbox-snapshot.bin.gz):
 * a first boot with an empty snapshot store restores it instead of booting, the interpreter it
 * gives behaves like a fresh one, and it is used only where it fits. Needs the built `dist/`.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, describe, expect } from 'vitest';
import { PNG_1X1_BASE64 } from '../support/png.js';
import { loadShippedSnapshot, snapshotFileBytes } from '../../src/sandbox/runtime/shipped-snapshot.js';
import { it } from '../support/fixtures.js';

const SHIPPED = fileURLToPath(new URL('../../dist/pyodide/sandbox-snapshot.bin.gz', import.meta.url));
const PYODIDE = fileURLToPath(new URL('../../dist/pyodide/', import.meta.url));
const emptyStore = () => ({ directory: mkdtempSync(join(tmpdir(), 'shipped-')) });

const zoneBefore = process.env.TZ;
afterEach(() => {
  if (zoneBefore === undefined) delete process.env.TZ;
  else process.env.TZ = zoneBefore;
});

describe('the shipped snapshot', () => {
  it('is built with the package', () => {
    expect(existsSync(SHIPPED)).toBe(true);
  });

  it('restores a first boot, and the store keeps it for the next', async ({ createSandbox }) => {
    const snapshotCache = emptyStore();
    const messages: string[] = [];
    const sandbox = await createSandbox({ snapshotCache, warmSpare: false, onProgress: (p) => messages.push(p.message) });
    expect(sandbox.bootPath).toBe('snapshot');
    // A first visit: nothing came from a cache, and the progress does not say it did.
    expect(messages.join(' | ')).not.toMatch(/cache/i);
    expect(messages.at(-1)).toBe('Python is ready (restored from a snapshot)');
    expect(await sandbox.run('import sys\nsys.platform, 6 * 7')).toMatchObject({ outcome: 'OUTCOME_OK', result: "('emscripten', 42)" });
    await sandbox.whenIdle();
    expect(readdirSync(snapshotCache.directory).filter((f) => f.endsWith('.bin'))).toHaveLength(1);
  });

  it('is in the store once dispose() resolves, so a script that exits then leaves it for the next process', async () => {
    const snapshotCache = emptyStore();
    const script = `import { PythonSandbox } from ${JSON.stringify(new URL('../../dist/index.node.js', import.meta.url).href)};
const sandbox = await PythonSandbox.create({ snapshotCache: ${JSON.stringify(snapshotCache)}, warmSpare: false });
console.log((await sandbox.run('6 * 7')).result);
await sandbox.dispose();
process.exit(0);`;
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 60_000 });
    expect(run.stdout.trim()).toBe('42');
    expect(readdirSync(snapshotCache.directory).filter((f) => f.endsWith('.bin'))).toHaveLength(1);
  }, 90_000);

  it('gives an interpreter that keeps state, returns files and images, stops on a deadline, and reports errors', async ({ createSandbox }) => {
    const sandbox = await createSandbox({ snapshotCache: emptyStore(), warmSpare: false });
    expect(sandbox.bootPath).toBe('snapshot');
    await sandbox.writeFile('in.txt', 'from the host');
    const files = await sandbox.run('x = 41\nopen("out.txt", "w").write(open("in.txt").read().upper())');
    expect(files.files.map((f) => [f.path, Buffer.from(f.data, 'base64').toString()])).toEqual([['out.txt', 'FROM THE HOST']]);
    const image = await sandbox.run(`import base64\nclass Dot:\n    def _repr_png_(self): return base64.b64decode("${PNG_1X1_BASE64}")\ndisplay(Dot())`);
    expect(image.images).toEqual([{ mimeType: 'image/png', data: PNG_1X1_BASE64 }]);
    expect(await sandbox.run('while True: pass', { timeoutMs: 1000 })).toMatchObject({ outcome: 'OUTCOME_DEADLINE_EXCEEDED', stateLost: false });
    expect(await sandbox.run('x + 1')).toMatchObject({ outcome: 'OUTCOME_OK', result: '42' });
    expect((await sandbox.run('1 / 0')).error?.traceback).toContain('<cell');
  });

  it('starts each interpreter from its own random state', async ({ createSandbox }) => {
    const draws = await Promise.all(
      [0, 1].map(async () => (await (await createSandbox({ snapshotCache: emptyStore(), warmSpare: false })).run('import random\nrandom.random()')).result),
    );
    expect(draws[0]).not.toBe(draws[1]);
  });

  it("takes the time zone of the machine it runs on, not the build machine's", async ({ createSandbox }) => {
    process.env.TZ = 'America/New_York';
    const sandbox = await createSandbox({ snapshotCache: emptyStore(), warmSpare: false });
    expect(sandbox.bootPath).toBe('snapshot');
    const r = await sandbox.run('import time\ntime.tzname, time.timezone, time.daylight, time.strftime("%Z", time.localtime(0))');
    expect(r.result).toBe("(('UTC-0500', 'UTC-0400'), 18000, 1, 'UTC-0500')");
  });

  it('is not used when shippedSnapshot is false', async ({ createSandbox }) => {
    expect((await createSandbox({ snapshotCache: emptyStore(), warmSpare: false, shippedSnapshot: false })).bootPath).toBe('fresh');
  });

  it('is not used with a runtime of the caller (indexURL), which it may not fit', async ({ createSandbox }) => {
    expect((await createSandbox({ snapshotCache: emptyStore(), warmSpare: false, indexURL: PYODIDE })).bootPath).toBe('fresh');
  });

  it("is handed to Node's worker as its file, which the worker reads: its megabytes never cross to it, nor a Deno process's pipe", async () => {
    const url = pathToFileURL(SHIPPED);
    expect(await loadShippedSnapshot(url)).toEqual({ gzippedFile: url.href });
  });

  it('that is missing (an app build left it out) means a normal boot, not an error', async () => {
    expect(await loadShippedSnapshot(new URL('file:///nonexistent/sandbox-snapshot.bin.gz'))).toBeUndefined();
  });

  it('is not used when snapshots are off', async ({ createSandbox }) => {
    expect((await createSandbox({ snapshotCache: 'off', warmSpare: false })).bootPath).toBe('fresh');
  });
});

describe("a snapshot file as bytes (the threads' shared copy, a store that keeps bytes)", () => {
  const file = (bytes: Uint8Array) => {
    const path = join(mkdtempSync(join(tmpdir(), 'snapshot-file-')), 'snapshot.bin.gz');
    writeFileSync(path, bytes);
    return { gzippedFile: pathToFileURL(path).href };
  };
  const plain = new Uint8Array(100_000).map((_, i) => i % 251);

  it('unpacks a gzip file, and takes a plain one as it is', async () => {
    expect(await snapshotFileBytes(file(gzipSync(plain)))).toEqual(plain);
    expect(await snapshotFileBytes(file(plain))).toEqual(plain);
  });

  it('refuses an empty file and a damaged gzip, saying which', async () => {
    await expect(snapshotFileBytes(file(new Uint8Array(0)))).rejects.toThrow('the snapshot file is empty');
    const packed = gzipSync(plain);
    const damaged = packed.subarray(0, packed.length >> 1);
    await expect(snapshotFileBytes(file(damaged))).rejects.toThrow(/the snapshot file does not unpack/);
  });
});
