/** Files in and out of the working directory. */
import { describe, expect, it } from 'vitest';
import type { PythonSandbox } from '../../dist/index.node.js';
import { useSandbox } from '../support/fixtures.js';
import { SWALLOWS_INTERRUPTS } from '../support/workdir-entries.js';

let sandbox: PythonSandbox;
useSandbox({ limits: { maxFileBytes: 1000 } }, (made) => {
  sandbox = made;
});

const decode = (base64: string) => Buffer.from(base64, 'base64').toString('utf8');

describe('files', () => {
  it('makes a written file readable by name from the code', async () => {
    await sandbox.writeFile('sales.csv', 'month,total\njan,10\n');
    const r = await sandbox.run('open("sales.csv").read().splitlines()[1]');
    expect(r.result).toBe("'jan,10'");
  });

  it('accepts binary data and nested paths', async () => {
    await sandbox.writeFile('in/raw.bin', new Uint8Array([0, 255, 7]));
    expect((await sandbox.run('list(open("in/raw.bin", "rb").read())')).result).toBe('[0, 255, 7]');
  });

  it('returns files the run created, with contents and MIME type', async () => {
    const r = await sandbox.run('open("report.txt", "w").write("done")');
    expect(r.files).toEqual([{ path: 'report.txt', mimeType: 'text/plain', size: 4, data: Buffer.from('done').toString('base64') }]);
  });

  it('returns files the run changed, and not the unchanged ones', async () => {
    await sandbox.writeFile('a.txt', 'one');
    await sandbox.writeFile('b.txt', 'two');
    await new Promise((resolve) => setTimeout(resolve, 5));
    const r = await sandbox.run('open("a.txt", "a").write("!")');
    expect(r.files.map((f) => f.path)).toEqual(['a.txt']);
    expect(decode(r.files[0].data)).toBe('one!');
  });

  it('returns a file that every run rewrites at the same size, however quickly the runs follow each other', async () => {
    // The file system stamps files in whole milliseconds; runs here take about one.
    for (let i = 0; i < 30; i++) {
      const r = await sandbox.run(`open("tick.txt", "w").write("tick ${i % 10}")`);
      expect(r.files.map((f) => [f.path, decode(f.data)])).toEqual([['tick.txt', `tick ${i % 10}`]]);
    }
  });

  it('returns files a run only truncated, re-stamped or wrote through mmap', async () => {
    await sandbox.run('for name in "tuv": open(f"{name}.txt", "w").write("0123")');
    const r = await sandbox.run(
      'import os, mmap\nos.truncate("t.txt", 1)\nos.utime("u.txt", (1, 1))\nwith open("v.txt", "r+b") as f:\n    m = mmap.mmap(f.fileno(), 0); m[0:1] = b"V"; m.close()',
    );
    expect(r.files.map((f) => [f.path, decode(f.data)])).toEqual([
      ['t.txt', '0'],
      ['u.txt', '0123'],
      ['v.txt', 'V123'],
    ]);
  });

  it("does not report a file given with writeFile as the next run's", async () => {
    await sandbox.run('1');
    await sandbox.writeFile('given.txt', 'from the host');
    expect((await sandbox.run('1')).files).toEqual([]);
  });

  // An asyncio step due after its run ended no longer runs (SECURITY.md, round seven); a JavaScript
  // timer a cell set itself still fires between runs, and what it writes is the next run's news.
  it('reports a file that code left running wrote between runs in the next run', async () => {
    await sandbox.run(
      'import js\nfrom pyodide.ffi import create_once_callable\njs.setTimeout(create_once_callable(lambda: open("late.txt", "w").write("late")), 50)',
    );
    // Waits for the write itself, not a fixed time: a loaded machine may run the callback late.
    await expect.poll(async () => (await sandbox.listFiles()).map((f) => f.path), { timeout: 20_000, interval: 50 }).toContain('late.txt');
    expect((await sandbox.run('1')).files.map((f) => f.path)).toEqual(['late.txt']);
  });

  it('omits a file over maxFileBytes with a clear note', async () => {
    const r = await sandbox.run('open("big.bin", "wb").write(b"x" * 5000)');
    expect(r.files[0]).toMatchObject({ path: 'big.bin', size: 5000, data: '' });
    expect(r.files[0].omitted).toMatch(/limit/);
    expect(r.output).toMatch(/big\.bin .*not returned/);
  });

  it('reads a file back and lists the working directory', async () => {
    await sandbox.writeFile('notes/hello.txt', 'hi');
    expect(new TextDecoder().decode(await sandbox.readFile('notes/hello.txt'))).toBe('hi');
    expect(await sandbox.listFiles()).toContainEqual({ path: 'notes/hello.txt', size: 2 });
  });

  it('rejects reading a file that does not exist', async () => {
    await expect(sandbox.readFile('missing.txt')).rejects.toThrow(/No such file/);
    await expect(sandbox.readFile('missing.txt')).rejects.toMatchObject({ name: 'SandboxFileNotFoundError', path: 'missing.txt' });
  });

  it('refuses a file over maxBytes with its size, returning one within it', async () => {
    await sandbox.run('open("sized.bin", "wb").write(b"x" * 5000)');
    await expect(sandbox.readFile('sized.bin', { maxBytes: 4999 })).rejects.toMatchObject({
      name: 'SandboxFileTooLargeError',
      path: 'sized.bin',
      size: 5000,
      maxBytes: 4999,
    });
    expect((await sandbox.readFile('sized.bin', { maxBytes: 5000 })).length).toBe(5000);
    await expect(sandbox.readFile('sized.bin', { maxBytes: -1 })).rejects.toThrow(RangeError);
  });

  it('reads no symlink, device or path through a symlinked folder, as no file of the working directory', async () => {
    await sandbox.run(
      'import os\nos.makedirs("real", exist_ok=True)\nopen("real/in.txt", "w").write("in")\nos.symlink("real", "via")\nos.symlink("real/in.txt", "alias.txt")\nos.symlink("/dev/urandom", "noise")',
    );
    for (const path of ['via/in.txt', 'alias.txt', 'noise', 'real']) {
      await expect(sandbox.readFile(path), path).rejects.toMatchObject({ name: 'SandboxFileNotFoundError', path });
    }
    expect(new TextDecoder().decode(await sandbox.readFile('real/in.txt'))).toBe('in');
  });

  it.each(['../etc/passwd', '/etc/passwd', '', 'a/../../x'])('refuses the path %j outside the working directory', async (path) => {
    await expect(sandbox.writeFile(path, 'x')).rejects.toThrow(TypeError);
    await expect(sandbox.readFile(path)).rejects.toThrow(TypeError);
  });
});

describe('files after the interpreter is replaced', () => {
  let restarting: PythonSandbox;
  useSandbox({ limits: { maxFileBytes: 1000, maxTotalFileBytes: 2000, interruptGraceMs: 200 } }, (made) => {
    restarting = made;
  });

  /** Runs code that must be terminated, and returns its result. */
  async function kill() {
    const r = await restarting.run(SWALLOWS_INTERRUPTS, { timeoutMs: 300 });
    expect(r.stateLost).toBe(true);
    return r;
  }

  it('restores the files finished runs wrote, as the last one left them', async () => {
    await restarting.run('open("notes.txt", "w").write("v1")\nopen("log.txt", "w").write("a")');
    await restarting.run('open("notes.txt", "w").write("v2")');
    const r = await kill();
    expect(r.error?.message).toMatch(/Files in the working directory are as the last finished run left them\.$/);
    expect((await restarting.run('open("notes.txt").read(), open("log.txt").read()')).result).toBe("('v2', 'a')");
  });

  it('does not bring back a file a finished run deleted', async () => {
    await restarting.run('open("gone.txt", "w").write("x")');
    await restarting.run('import os\nos.remove("gone.txt")');
    await kill();
    expect((await restarting.run('import os\nos.path.exists("gone.txt")')).result).toBe('False');
  });

  it('names a file it could not keep (over maxFileBytes), and does not restore an old copy of it', async () => {
    await restarting.run('open("grows.bin", "wb").write(b"x" * 10)');
    await restarting.run('open("grows.bin", "wb").write(b"x" * 5000)');
    const r = await kill();
    expect(r.error?.message).toMatch(/except grows\.bin, which could not be kept\.$/);
    expect((await restarting.run('import os\nos.path.exists("grows.bin")')).result).toBe('False');
  });

  it("keeps runs' files only up to maxTotalFileBytes in all, but every file given with writeFile", async () => {
    await restarting.writeFile('given.bin', new Uint8Array(5000));
    await restarting.run('for i in range(3): open(f"part{i}.bin", "wb").write(b"x" * 900)');
    const r = await kill();
    expect(r.error?.message).toMatch(/part2\.bin, which could not be kept/);
    const sizes = await restarting.run(
      'import os\n[os.path.getsize(p) if os.path.exists(p) else None for p in ("given.bin", "part0.bin", "part1.bin", "part2.bin")]',
    );
    expect(sizes.result).toBe('[5000, 900, 900, None]');
  });
});
