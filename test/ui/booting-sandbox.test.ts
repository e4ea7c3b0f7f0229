import { describe, expect, it, vi } from 'vitest';
import type { AgentSandbox } from '../../src/agent/index.js';
import type { RunResult } from '../../src/shared/types.js';
import { BootingSandbox } from '../../src/ui/booting-sandbox.js';

/** A sandbox whose boot the test settles, and whose runs it records. */
function booting() {
  let boot!: (sandbox: AgentSandbox) => void;
  let fail!: (error: Error) => void;
  const ready = new Promise<AgentSandbox>((resolve, reject) => ((boot = resolve), (fail = reject)));
  const runs: string[] = [];
  const sandbox: AgentSandbox = {
    limits: { timeoutMs: 30_000 },
    run: vi.fn(async (code: string) => {
      runs.push(code);
      return { outcome: 'OUTCOME_OK', stdout: 'ran' } as unknown as RunResult;
    }),
    writeFile: vi.fn(async () => undefined),
  };
  return { wrapper: new BootingSandbox(() => ready, { timeoutMs: 30_000 }), boot: () => boot(sandbox), fail, runs, sandbox };
}

describe('a sandbox the loop may use before Python is up (BootingSandbox)', () => {
  it('runs the code once Python is up, with the options given', async () => {
    const b = booting();
    const onOutput = () => undefined;
    const running = b.wrapper.run('1 + 1', { onOutput });
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(b.runs).toEqual([]);
    b.boot();
    expect(await running).toMatchObject({ stdout: 'ran' });
    expect(b.sandbox.run).toHaveBeenCalledWith('1 + 1', { onOutput });
  });

  it('a Stop while Python loads ends the wait at once, and the code never runs', async () => {
    const b = booting();
    const abort = new AbortController();
    const running = b.wrapper.run('1 + 1', { signal: abort.signal });
    abort.abort(new Error('stopped'));
    await expect(running).rejects.toThrow('stopped');
    b.boot();
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(b.runs).toEqual([]);
  });

  it("a boot that fails fails the run with the boot's error", async () => {
    const b = booting();
    const running = b.wrapper.run('1 + 1');
    b.fail(new Error('Python could not start'));
    await expect(running).rejects.toThrow('Python could not start');
  });

  it('writes a file once Python is up', async () => {
    const b = booting();
    const writing = b.wrapper.writeFile('a.txt', new Uint8Array([1]));
    b.boot();
    await writing;
    expect(b.sandbox.writeFile).toHaveBeenCalledWith('a.txt', new Uint8Array([1]));
  });

  it('tells the model the time limit it was given', () => {
    expect(booting().wrapper.limits.timeoutMs).toBe(30_000);
  });
});
