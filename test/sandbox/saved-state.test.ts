/** Saving a live interpreter as bytes and restoring it: in another worker, another process, another boundary. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PythonSandbox, SandboxStateError } from '../../dist/index.node.js';
import { LOAD_TINY_LIBRARY, TINY_LIBRARY } from '../support/tiny-library.js';

const DEFINE = [
  'import json, collections',
  'data = {"xs": [1, 2, 3], "name": "kept"}',
  'class Counter:\n    def __init__(self): self.n = 0\n    def bump(self):\n        self.n += 1\n        return self.n',
  'def double(v): return 2 * v',
  'c = Counter(); c.bump()',
  'with open("log.txt", "a") as f: f.write("one line\\n")',
].join('\n');
const CHECK = '(data, c.bump(), double(21), collections.Counter("aab")["a"], json.dumps(1), open("log.txt").read())';
const EXPECTED = "({'xs': [1, 2, 3], 'name': 'kept'}, 2, 42, 2, '1', 'one line\\n')";

const made: PythonSandbox[] = [];
const sandbox = async (isolation: 'worker' | 'deno') => {
  const s = await PythonSandbox.create({ isolation, warmSpare: false });
  made.push(s);
  return s;
};
afterAll(() => Promise.all(made.map((s) => s.dispose())));

async function savedSession(isolation: 'worker' | 'deno'): Promise<Uint8Array> {
  const source = await sandbox(isolation);
  expect((await source.run(DEFINE)).outcome).toBe('OUTCOME_OK');
  return source.saveState();
}

describe.each(['worker', 'deno'] as const)('saved state (%s)', (isolation) => {
  it('restores data, a class, a function, an import and a file in a fresh sandbox, without running a cell again', async () => {
    const bytes = await savedSession(isolation);
    const target = await sandbox(isolation);
    expect((await target.run('data')).error?.name).toBe('NameError');
    await target.restoreState(bytes);
    expect((await target.run(CHECK)).result).toBe(EXPECTED);
    expect(await target.listFiles()).toEqual([expect.objectContaining({ path: 'log.txt', size: 9 })]);
    // The restored interpreter runs on as any other, and can be saved again.
    expect((await target.run('x = 5\nprint(x)')).stdout).toBe('5\n');
    expect((await target.saveState()).length).toBeGreaterThan(1000);
  });

  it('refuses tampered, foreign-build and oversized bytes, and the sandbox keeps its state', async () => {
    const bytes = await savedSession(isolation);
    const target = await sandbox(isolation);
    await target.run('kept = 7');
    const tampered = bytes.slice();
    tampered[tampered.length - 100] ^= 0xff;
    await expect(target.restoreState(tampered)).rejects.toThrow(/checksum does not match/);
    await expect(target.restoreState(foreignBuild(bytes))).rejects.toThrow(/made by another build/);
    await expect(target.restoreState(bytes, bytes.length - 1)).rejects.toThrow(/over the \d+ allowed/);
    await expect(target.restoreState(new Uint8Array(10))).rejects.toBeInstanceOf(SandboxStateError);
    expect((await target.run('kept')).result).toBe('7');
  });
});

describe.each(['worker', 'deno'] as const)('a sandbox created from saved state (%s)', (isolation) => {
  it('starts as the saved interpreter, with its files, in one boot', async () => {
    const bytes = await savedSession(isolation);
    const progress: string[] = [];
    const target = await PythonSandbox.create({ isolation, warmSpare: false, savedState: bytes, onProgress: (p) => progress.push(p.message) });
    made.push(target);
    expect(target.bootPath).toBe('saved');
    expect(progress.at(-1)).toBe('Python is ready (its saved state restored)');
    expect((await target.run(CHECK)).result).toBe(EXPECTED);
    expect(await target.listFiles()).toEqual([expect.objectContaining({ path: 'log.txt', size: 9 })]);
  });

  it('rejects tampered and foreign-build bytes with SandboxStateError, and anything but bytes with a TypeError', async () => {
    const bytes = await savedSession(isolation);
    const tampered = bytes.slice();
    tampered[tampered.length - 100] ^= 0xff;
    await expect(PythonSandbox.create({ isolation, savedState: tampered })).rejects.toThrow(/cannot be restored: its checksum does not match/);
    const foreign = PythonSandbox.create({ isolation, savedState: foreignBuild(bytes) });
    await expect(foreign).rejects.toBeInstanceOf(SandboxStateError);
    await expect(foreign).rejects.toThrow(/made by another build/);
    await expect(PythonSandbox.create({ isolation, savedState: 'bytes' as never })).rejects.toThrow(TypeError);
  });
});

it('a stop that replaces the worker of a sandbox created from saved state brings that state back (its first restart point)', async () => {
  const bytes = await savedSession('worker');
  const target = await PythonSandbox.create({
    isolation: 'worker',
    warmSpare: false,
    restartPoints: true,
    savedState: bytes,
    limits: { interruptGraceMs: 200 },
  });
  made.push(target);
  const unstoppable = 'while True:\n    try:\n        while True: pass\n    except BaseException:\n        pass';
  expect(await target.run(unstoppable, { timeoutMs: 300 })).toMatchObject({ outcome: 'OUTCOME_DEADLINE_EXCEEDED', stateLost: false });
  expect((await target.run(CHECK)).result).toBe(EXPECTED);
});

it('refuses a payload that unpacks past the size its header declares, before it is all unpacked', async () => {
  const bytes = await savedSession('worker');
  const target = await sandbox('worker');
  const header = readHeader(bytes);
  // The sizes still add up (the file says one byte less too), but the gzip holds one byte more.
  header.unpackedBytes -= 1;
  header.files[0].bytes -= 1;
  await expect(target.restoreState(withHeader(bytes, header))).rejects.toThrow(/does not unpack \(more than/);
});

it('restores in a new Node process from a file', async () => {
  const bytes = await savedSession('worker');
  const dir = mkdtempSync(join(tmpdir(), 'saved-state-'));
  writeFileSync(join(dir, 'state.bin'), bytes);
  const script = join(dir, 'restore.mjs');
  const dist = new URL('../../dist/index.node.js', import.meta.url).href;
  writeFileSync(
    script,
    `import { readFileSync } from 'node:fs';
import { PythonSandbox } from ${JSON.stringify(dist)};
const s = await PythonSandbox.create({ isolation: 'worker', warmSpare: false, savedState: readFileSync(${JSON.stringify(join(dir, 'state.bin'))}) });
process.stdout.write((await s.run(${JSON.stringify(CHECK)})).result);
await s.dispose();`,
  );
  expect(execFileSync(process.execPath, [script], { encoding: 'utf8', timeout: 60_000 })).toBe(EXPECTED);
});

it('restores a save made behind the Deno boundary in a Node worker', async () => {
  const bytes = await savedSession('deno');
  const target = await sandbox('worker');
  await target.restoreState(bytes);
  expect((await target.run(CHECK)).result).toBe(EXPECTED);
});

function readHeader(bytes: Uint8Array) {
  const length = new DataView(bytes.buffer, bytes.byteOffset).getUint32(4, true);
  return JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + length)));
}

function withHeader(bytes: Uint8Array, header: unknown): Uint8Array {
  const length = new DataView(bytes.buffer, bytes.byteOffset).getUint32(4, true);
  const json = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + bytes.length - 8 - length);
  out.set(bytes.subarray(0, 4));
  new DataView(out.buffer).setUint32(4, json.length, true);
  out.set(json, 8);
  out.set(bytes.subarray(8 + length), 8 + json.length);
  return out;
}

function foreignBuild(bytes: Uint8Array): Uint8Array {
  const header = readHeader(bytes);
  header.key.sourceHash = 'another';
  return withHeader(bytes, header);
}

describe('saved state: what does not carry over', () => {
  it('restores a heap grown past its initial size (100 MB of data)', async () => {
    const source = await sandbox('worker');
    await source.run('data = bytearray(100 * 2**20)\ndata[-1] = 7');
    const bytes = await source.saveState();
    const target = await sandbox('worker');
    await target.restoreState(bytes);
    expect((await target.run('len(data), data[-1]')).result).toBe('(104857600, 7)');
  });

  it('behind the Deno boundary, memory past the 128 MiB one message may carry saves and restores: the process packs it', async () => {
    const source = await sandbox('deno');
    await source.run('data = b"ab" * (80 * 2**20)\nlen(data)');
    const bytes = await source.saveState();
    expect(bytes.length).toBeLessThan(16 * 2 ** 20);
    const target = await sandbox('deno');
    await target.restoreState(bytes);
    expect((await target.run('len(data), data[-2:]')).result).toBe("(167772160, b'ab')");
  });

  it('refuses to save an interpreter with a dynamic library loaded, naming it, and keeps it', async () => {
    const source = await sandbox('worker');
    await source.writeFile('libtiny.so', TINY_LIBRARY);
    expect((await source.run(`${LOAD_TINY_LIBRARY}\nx = 3`)).outcome).toBe('OUTCOME_OK');
    await expect(source.saveState()).rejects.toThrow(/compiled code loaded \(libtiny\.so\)/);
    expect((await source.run('x')).result).toBe('3');
  });

  it('wakes no task of an earlier run, and a JavaScript object held at the save fails when used', async () => {
    const source = await sandbox('worker');
    await source.run(
      'import asyncio, js\nasync def later():\n    await asyncio.sleep(0.2)\n    open("woke.txt", "w").write("woke")\ntask = asyncio.ensure_future(later())\nmath = js.Math',
    );
    const bytes = await source.saveState();
    const target = await sandbox('worker');
    await target.restoreState(bytes);
    // Its run's end cancels it; a save may come before the cancel took effect: either way it never runs on.
    const after = await target.run('await asyncio.sleep(0.5)\nimport os\nos.path.exists("woke.txt")');
    expect(after.result).toBe('False');
    // Python keeps its proxy, but the object behind it stayed in the saving worker.
    expect((await target.run('math.floor(1.5)')).outcome).toBe('OUTCOME_FAILED');
    expect((await target.run('js.Math.floor(1.5)')).result).toBe('1');
  });
});
