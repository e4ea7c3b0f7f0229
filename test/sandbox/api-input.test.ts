/** Bad input to the API gets a clear error, not a hang. */
import { describe, expect } from 'vitest';
import { PythonSandbox, SandboxDisposedError } from '../../dist/index.node.js';
import { it, useSandbox } from '../support/fixtures.js';

let sandbox: PythonSandbox;
useSandbox(undefined, (made) => {
  sandbox = made;
});

describe('bad input', () => {
  it.each([42, undefined, null, { code: 'x' }])('rejects non-string code %j with a TypeError', async (code) => {
    await expect(sandbox.run(code as unknown as string)).rejects.toThrow(/code must be a string/);
  });

  it.each([-1, 0, Number.NaN, Number.POSITIVE_INFINITY, 1e12, '100'])('rejects the timeout %j with a RangeError naming the setting', async (timeoutMs) => {
    await expect(sandbox.run('1', { timeoutMs: timeoutMs as number })).rejects.toThrow(/timeoutMs must be/);
  });

  it('rejects unknown and out-of-range limits at create()', async () => {
    await expect(PythonSandbox.create({ limits: { timeoutMs: -5 } })).rejects.toThrow(/timeoutMs/);
    await expect(PythonSandbox.create({ limits: { speed: 1 } as never })).rejects.toThrow(/Unknown limit "speed"/);
  });

  it('fails create() clearly when the Pyodide runtime is not where indexURL says', async () => {
    await expect(PythonSandbox.create({ indexURL: 'file:///nonexistent/pyodide/', warmSpare: false })).rejects.toMatchObject({ name: 'SandboxBootError' });
  });

  it('still runs code after rejecting bad input', async () => {
    expect((await sandbox.run('"ok"')).result).toBe("'ok'");
  });
});

describe('dispose', () => {
  it('rejects later calls with SandboxDisposedError', async ({ createSandbox }) => {
    const own = await createSandbox({ warmSpare: false });
    await own.dispose();
    await expect(own.run('1')).rejects.toBeInstanceOf(SandboxDisposedError);
    await expect(own.writeFile('a.txt', 'x')).rejects.toThrow(/disposed/);
  });
});
