/**
 * `isolation: 'deno'` in Node: Python in a Deno process whose permissions are the boundary. It is
 * the same sandbox as the worker thread (state, files, images, stops that keep the interpreter),
 * reaches nothing of the machine unless `deno` opens it, and says clearly when Deno is missing.
 * The hostile side (files, environment, network, processes, the MCP channel) is mcp-escape.test.ts.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { PythonSandbox } from '../../dist/index.node.js';
import { DISPLAY_PNG_CODE } from '../support/agent-fixtures.js';
import { fakeDeno } from '../support/fake-deno.js';
import { it, useSandbox } from '../support/fixtures.js';
import { sharedFiles, tamperWithNextResult } from '../support/forgery.js';
import { type WheelServer, serveTinyWheel } from '../support/tiny-wheel.js';

describe('a sandbox in a Deno process', () => {
  let sandbox: PythonSandbox;
  useSandbox({ isolation: 'deno' }, (made) => {
    sandbox = made;
  });

  it('runs Python, keeps state across runs, and says where it runs', async () => {
    expect(sandbox.isolation).toBe('deno');
    expect(sandbox.interruptible).toBe(true);
    await sandbox.run('total = 40');
    const result = await sandbox.run('total += 2\nprint("total", total)\ntotal');
    expect(result).toMatchObject({ outcome: 'OUTCOME_OK', stdout: 'total 42\n', result: '42', stateLost: false });
  });

  it('stops a run at its deadline and keeps the interpreter', async () => {
    await sandbox.run('kept = "still here"');
    const stopped = await sandbox.run('while True: pass', { timeoutMs: 300 });
    expect(stopped).toMatchObject({ outcome: 'OUTCOME_DEADLINE_EXCEEDED', stateLost: false });
    expect((await sandbox.run('kept')).result).toBe("'still here'");
  });

  it('moves bytes both ways: files in and out, images', async () => {
    const bytes = new Uint8Array(256).map((_, i) => i);
    await sandbox.writeFile('in.bin', bytes);
    const result = await sandbox.run('data = open("in.bin", "rb").read()\nopen("out.bin", "wb").write(data[::-1])\nsum(data)');
    expect(result.result).toBe(String((255 * 256) / 2));
    expect(Array.from(await sandbox.readFile('out.bin'))).toEqual(Array.from(bytes).reverse());
    const shown = await sandbox.run(DISPLAY_PNG_CODE);
    expect(shown.images[0]?.mimeType).toBe('image/png');
  });

  it('reaches no file or network of the machine, and has neither Deno nor process', async () => {
    const tries = await sandbox.run(
      [
        'import js',
        'print(js.eval("typeof Deno + \' \' + typeof process"))',
        'for url in ("file:///etc/hostname", "http://127.0.0.1:8080/"):',
        '    try: await js.fetch(url); print("reached")',
        '    except Exception as e: print(type(e).__name__, str(e).split(":")[0])',
      ].join('\n'),
    );
    expect(tries.stdout).toBe(`undefined undefined\n${'JsException NotCapable\n'.repeat(2)}`);
  });
});

describe('the host process', () => {
  it('is not kept alive by an idle sandbox in a Deno process (nor its warm spare)', () => {
    const script = `import { PythonSandbox } from ${JSON.stringify(new URL('../../dist/index.node.js', import.meta.url).href)};
const sandbox = await PythonSandbox.create({ isolation: 'deno' });
console.log((await sandbox.run('6 * 7')).result);`;
    // Not disposed on purpose: Node must end once nothing is pending, as with a worker thread.
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 45_000 });
    expect(run.signal).toBeNull();
    expect(run.stdout.trim()).toBe('42');
  }, 60_000);

  it('is kept alive while a disposal waits for the process to end', () => {
    const script = `import { PythonSandbox } from ${JSON.stringify(new URL('../../dist/index.node.js', import.meta.url).href)};
const first = await PythonSandbox.create({ isolation: 'deno', warmSpare: false });
await first.dispose();
console.log('disposed');
const second = await PythonSandbox.create({ isolation: 'deno', warmSpare: false });
console.log((await second.run('6 * 7')).result);`;
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 45_000 });
    expect(run.stdout.trim().split('\n')).toEqual(['disposed', '42']);
    expect(run.status).toBe(0);
  }, 60_000);
});

describe('a worker that misbehaves in the process', () => {
  it('is stopped by the relay when one message carries more than any answer, before it crosses to the host', async ({ createSandbox }) => {
    const sandbox = await createSandbox({ isolation: 'deno' });
    await sandbox.run('kept = 1');
    // 60 files sharing one 8 MB string: 480 million characters once serialized for the pipe.
    const r = await sandbox.run(tamperWithNextResult(sharedFiles(60, 6 * 1024 * 1024)));
    expect(r).toMatchObject({ outcome: 'OUTCOME_FAILED', stateLost: true, error: { name: 'SandboxCrash' } });
    expect(r.error?.message).toMatch(/a message of more than \d+ characters .* stopped as misbehaving/);
    expect(await sandbox.run('6 * 7')).toMatchObject({ outcome: 'OUTCOME_OK', result: '42' });
  });
});

describe('packages', () => {
  let wheels: WheelServer;
  beforeAll(async () => {
    wheels = await serveTinyWheel();
  });
  afterAll(() => wheels?.close());

  it('load on import through the host, which fetches and checks them: the process itself has no network', async ({ createSandbox }) => {
    const sandbox = await createSandbox({ isolation: 'deno', packageBaseUrl: wheels.baseUrl, lockFileContents: wheels.lockFileContents });
    const result = await sandbox.run('import tinypkg\ntinypkg.greet("wheel"), tinypkg.ANSWER');
    expect(result.output).toBe('');
    expect(result).toMatchObject({ outcome: 'OUTCOME_OK', result: "('hello wheel', 42)" });
    expect(wheels.requests).toContain('/tinypkg-1.0.0-py3-none-any.whl');
  });
});

describe('opening the boundary', () => {
  const folder = mkdtempSync(join(tmpdir(), 'deno-allow-read-'));
  writeFileSync(join(folder, 'shared.txt'), 'opened on purpose');
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  it('deno.allowRead lets Python read that folder, and nothing beside it', async ({ createSandbox }) => {
    const sandbox = await createSandbox({ isolation: 'deno', deno: { allowRead: [folder] } });
    const read = await sandbox.run(`import js\nawait (await js.fetch(${JSON.stringify(`file://${join(folder, 'shared.txt')}`)})).text()`);
    expect(read.result).toBe("'opened on purpose'");
    const beside = await sandbox.run('import js\nawait js.fetch("file:///etc/hostname")');
    expect(beside.error?.message).toContain('NotCapable');
  });
});

describe('bad options', () => {
  it('are refused before anything starts, naming what is wrong', async () => {
    await expect(PythonSandbox.create({ isolation: 'deno', deno: { allowRead: ['relative/folder'] } })).rejects.toThrow(
      /deno.allowRead must be a list of absolute paths/,
    );
    await expect(PythonSandbox.create({ isolation: 'deno', deno: { allowNet: ['http://x'] } })).rejects.toThrow(/deno.allowNet/);
    await expect(PythonSandbox.create({ deno: {} })).rejects.toThrow(/only with isolation: 'deno'/);
    await expect(PythonSandbox.create({ isolation: 'nope' as 'deno' })).rejects.toThrow(/'frame', 'worker' or 'deno'/);
  });

  it('a missing Deno is a boot error with the install line', async () => {
    await expect(PythonSandbox.create({ isolation: 'deno', deno: { path: '/nonexistent/deno' } })).rejects.toThrow(/npm install deno/);
  });

  it("a Deno that exits at once fails the boot with Deno's own failure, not the process's exit", async () => {
    const failure = await PythonSandbox.create({ isolation: 'deno', deno: { path: '/bin/false' }, limits: { bootTimeoutMs: 30_000 } }).catch((error) => error);
    expect(failure).toMatchObject({ name: 'SandboxBootError', code: 'boot-failed' });
    expect(failure.message).toBe(
      "isolation: 'deno' runs Python in a Deno process, and Deno (/bin/false) does not run: deno --version failed (1). Reinstall it (npm install deno beside this package) or set deno.path to one that runs.",
    );
    // The cause names the failure for a caller that says it in its own words (the MCP server).
    expect(failure.cause).toMatchObject({ code: 'deno-does-not-run', fact: 'Deno (/bin/false) does not run: deno --version failed (1).' });
  });

  it('a Deno that hangs when started fails the boot as soon as its version check fails, not at the boot timeout', async () => {
    const deno = fakeDeno('echo "cannot execute binary file: Exec format error" >&2; exit 126', 'exec sleep 600');
    try {
      const started = Date.now();
      const failure = await PythonSandbox.create({ isolation: 'deno', deno: { path: deno.path }, limits: { bootTimeoutMs: 60_000 } }).catch((error) => error);
      expect(failure).toMatchObject({ name: 'SandboxBootError', code: 'boot-failed' });
      expect(failure.message).toContain(`Deno (${deno.path}) does not run: deno --version failed (126): cannot execute binary file: Exec format error.`);
      // Before, the boot waited out limits.bootTimeoutMs and then blamed the runtime's files.
      expect(Date.now() - started).toBeLessThan(20_000);
    } finally {
      deno.remove();
    }
  }, 90_000);

  it("is told by Deno's own failure even when the process exits before the check answers (a loaded machine)", async () => {
    const deno = fakeDeno('sleep 2; echo "no such CPU" >&2; exit 3', 'exit 1');
    try {
      await expect(PythonSandbox.create({ isolation: 'deno', deno: { path: deno.path }, limits: { bootTimeoutMs: 30_000 } })).rejects.toThrow(
        /does not run: deno --version failed \(3\): no such CPU\./,
      );
    } finally {
      deno.remove();
    }
  }, 60_000);
});
