/**
 * Limits and faults: each ends with an honest outcome, says whether state survived, and the very
 * next run works.
 */
import { describe, expect } from 'vitest';
import type { PythonSandbox, RunResult } from '../../dist/index.node.js';
import { it, useSandbox } from '../support/fixtures.js';

let sandbox: PythonSandbox;
useSandbox(undefined, (made) => {
  sandbox = made;
});

/** Sets a marker global, runs `code`, and reports whether the marker survived. */
async function runAfterMarker(code: string, timeoutMs = 600): Promise<{ r: RunResult; markerKept: boolean }> {
  await sandbox.run('marker = "kept"');
  const r = await sandbox.run(code, { timeoutMs });
  const check = await sandbox.run('marker');
  expect(check.outcome === 'OUTCOME_OK' || check.error?.name === 'NameError').toBe(true);
  return { r, markerKept: check.result === "'kept'" };
}

describe('deadline', () => {
  it('stops an infinite loop with OUTCOME_DEADLINE_EXCEEDED and keeps globals (interrupt)', async () => {
    const { r, markerKept } = await runAfterMarker('print("partial")\nwhile True: pass');
    expect(r.outcome).toBe('OUTCOME_DEADLINE_EXCEEDED');
    expect(r.output).toContain('partial');
    expect(r.error?.name).toBe('TimeoutError');
    expect(r.stateLost).toBe(false);
    expect(markerKept).toBe(true);
  });

  it('stops time.sleep(100) and keeps globals', async () => {
    const { r, markerKept } = await runAfterMarker('import time\ntime.sleep(100)');
    expect(r.outcome).toBe('OUTCOME_DEADLINE_EXCEEDED');
    expect(r.durationMs).toBeLessThan(5000);
    expect(markerKept).toBe(true);
  });

  it('interrupts time.sleep between two of its 50 ms slices, so ten sleeps past the deadline keep Python even with a 250 ms grace', async ({
    createSandbox,
  }) => {
    // Pyodide reads the interrupt buffer only every 50th event check; without a check per slice,
    // a sleeping run was interrupted up to ~600 ms late (6 of 20 lost their state at 250 ms).
    const strict = await createSandbox({ limits: { interruptGraceMs: 250 }, warmSpare: false });
    await strict.run('import time');
    for (let i = 0; i < 10; i++) {
      expect(await strict.run('time.sleep(100)', { timeoutMs: 200 })).toMatchObject({ outcome: 'OUTCOME_DEADLINE_EXCEEDED', stateLost: false });
    }
  });

  it('counts the deadline from when a busy worker takes the run, so a run that reaches it 1.5 s late still stops with its globals', async ({
    createSandbox,
  }) => {
    const sandbox = await createSandbox({ limits: { interruptGraceMs: 300 }, warmSpare: false });
    // The worker's thread is busy for 1.5 s right after this run (JavaScript, as a loaded machine would hold it up).
    await sandbox.run('import js\nkept = 1\njs.setTimeout(js.Function("const t = Date.now(); while (Date.now() - t < 1500) {}"), 0)');
    const r = await sandbox.run('while True: pass', { timeoutMs: 500 });
    expect(r).toMatchObject({ outcome: 'OUTCOME_DEADLINE_EXCEEDED', stateLost: false });
    expect((await sandbox.run('kept')).result).toBe('1');
  });

  it('stops await asyncio.sleep(100) by cancelling the task, keeping globals', async () => {
    const { r, markerKept } = await runAfterMarker('import asyncio\nprint("waiting")\nawait asyncio.sleep(100)');
    expect(r.outcome).toBe('OUTCOME_DEADLINE_EXCEEDED');
    expect(r.output).toContain('waiting');
    expect(r.stateLost).toBe(false);
    expect(markerKept).toBe(true);
  });

  it('terminates code that swallows KeyboardInterrupt, reporting stateLost', async () => {
    const code = 'while True:\n    try:\n        while True: pass\n    except:\n        pass';
    const { r, markerKept } = await runAfterMarker(code);
    expect(r.outcome).toBe('OUTCOME_DEADLINE_EXCEEDED');
    expect(r.stateLost).toBe(true);
    expect(r.error?.message).toMatch(/restarted; variables from earlier runs are gone/);
    expect(markerKept).toBe(false);
  });

  it('terminates a long C-level loop that never checks for interrupts', async () => {
    const { r } = await runAfterMarker('print("before")\nsum(range(10**13))');
    expect(r.outcome).toBe('OUTCOME_DEADLINE_EXCEEDED');
    expect(r.stateLost).toBe(true);
    expect(r.output).toContain('before');
  });

  it('terminates a long C-level sort, which never checks for interrupts', async () => {
    await sandbox.run('import random\ndata = [random.random() for _ in range(3_000_000)] * 3');
    const r = await sandbox.run('data.sort()', { timeoutMs: 300 });
    expect(r.outcome).toBe('OUTCOME_DEADLINE_EXCEEDED');
    expect(r.stateLost).toBe(true);
    expect((await sandbox.run('1 + 1')).result).toBe('2');
  }, 120_000);

  it('keeps the files written with writeFile across a restart', async () => {
    await sandbox.writeFile('data.csv', 'a,b\n1,2\n');
    const r = await sandbox.run('while True:\n    try:\n        while True: pass\n    except BaseException:\n        pass', { timeoutMs: 300 });
    expect(r.stateLost).toBe(true);
    expect((await sandbox.run('open("data.csv").read()')).result).toBe("'a,b\\n1,2\\n'");
  });
});

describe('stopping on request', () => {
  it('interrupt() stops the running code with OUTCOME_FAILED and keeps globals', async () => {
    await sandbox.run('marker = "kept"');
    const running = sandbox.run('while True: pass', { timeoutMs: 30_000 });
    setTimeout(() => sandbox.interrupt(), 300);
    const r = await running;
    expect(r.outcome).toBe('OUTCOME_FAILED');
    expect(r.error?.name).toBe('KeyboardInterrupt');
    expect(r.stateLost).toBe(false);
    expect((await sandbox.run('marker')).result).toBe("'kept'");
  });

  it('an aborted signal stops the run', async () => {
    const controller = new AbortController();
    const running = sandbox.run('while True: pass', { signal: controller.signal });
    setTimeout(() => controller.abort(), 300);
    expect((await running).error?.name).toBe('KeyboardInterrupt');
  });

  it('interrupt() while a run waits for a restarting interpreter cancels that run', async ({ createSandbox }) => {
    const own = await createSandbox({ warmSpare: false, limits: { interruptGraceMs: 200 } });
    const killed = await own.run('while True:\n    try:\n        while True: pass\n    except BaseException:\n        pass', { timeoutMs: 200 });
    expect(killed.stateLost).toBe(true);
    // The replacement boots now (no spare); this run waits for it.
    const waiting = own.run('while True: pass', { timeoutMs: 60_000 });
    const aborted = own.run('while True: pass', { timeoutMs: 60_000, signal: AbortSignal.timeout(150) });
    let interruptAt = Number.NaN;
    setTimeout(() => {
      interruptAt = performance.now();
      own.interrupt();
    }, 100);
    const r = await waiting;
    const stoppedAt = performance.now();
    expect(r.error?.name).toBe('KeyboardInterrupt');
    expect(r.error?.message).toMatch(/before it started/);
    expect((await aborted).error?.message).toMatch(/before it started/);
    // At once, not once Python is back: the next run waits out the rest of the boot.
    expect((await own.run('1 + 1')).result).toBe('2');
    expect(stoppedAt - interruptAt).toBeLessThan(performance.now() - stoppedAt);
  });

  it('a signal aborted before the run starts stops it at once', async () => {
    const r = await sandbox.run('while True: pass', { signal: AbortSignal.abort() });
    expect(r.outcome).toBe('OUTCOME_FAILED');
    expect(r.durationMs).toBeLessThan(3000);
  });
});

describe('fatal interpreter states', () => {
  it('replaces the interpreter after deep C recursion and says so', async () => {
    const { r, markerKept } = await runAfterMarker('import json\nx = []\nfor _ in range(100_000): x = [x]\njson.dumps(x)', 30_000);
    expect(r.outcome).toBe('OUTCOME_FAILED');
    expect(r.stateLost).toBe(true);
    expect(r.error?.message).toMatch(/restarted/);
    expect(markerKept).toBe(false);
  });

  it('replaces the interpreter after os._exit()', async () => {
    const { r } = await runAfterMarker('import os\nos._exit(0)', 30_000);
    expect(r.outcome).toBe('OUTCOME_FAILED');
    expect(r.error?.name).toBe('SystemExit');
    expect(r.stateLost).toBe(true);
  });

  it('recovers when the worker is killed mid-run', async () => {
    const { r } = await runAfterMarker('import js\nprint("dying")\njs.process.exit(1)', 30_000);
    expect(r.outcome).toBe('OUTCOME_FAILED');
    expect(r.stateLost).toBe(true);
    expect(r.error?.name).toBe('SandboxCrash');
  });

  it('survives an unhandled promise rejection in the worker', async () => {
    const r = await sandbox.run('import js\njs.Promise.reject(js.Error.new("nobody catches this"))\n"still fine"');
    expect(r.result).toBe("'still fine'");
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect((await sandbox.run('1 + 1')).result).toBe('2');
  });
});

describe('output floods', () => {
  it('caps a 50 MB print to the output limit, head and tail kept', async () => {
    const r = await sandbox.run('print("x" * 50_000_000)\nprint("end")', { timeoutMs: 60_000 });
    expect(r.outcome).toBe('OUTCOME_OK');
    expect(r.output.length).toBeLessThan(sandbox.limits.maxOutputBytes + 400);
    expect(r.output.endsWith('end\n')).toBe(true);
    expect(r.output).toMatch(/bytes of output omitted/);
  }, 120_000);
});

describe('memory', () => {
  it('fails a run that exhausts memory with MemoryError, then frees the memory by replacing the interpreter', async () => {
    const { r, markerKept } = await runAfterMarker('chunks = []\nwhile True:\n    chunks.append(bytearray(256 * 2**20))', 60_000);
    expect(r.outcome).toBe('OUTCOME_FAILED');
    expect(r.error?.name).toBe('MemoryError');
    expect(r.stateLost).toBe(true);
    expect(r.output).toMatch(/over limits\.maxMemoryBytes/);
    expect(markerKept).toBe(false);
  }, 120_000);

  it('replaces an interpreter left holding more than maxMemoryBytes after a successful run', async ({ createSandbox }) => {
    const small = await createSandbox({ warmSpare: false, limits: { maxMemoryBytes: 128 * 2 ** 20 } });
    const r = await small.run('big = bytearray(300 * 2**20)\nlen(big)');
    expect(r).toMatchObject({ outcome: 'OUTCOME_OK', result: String(300 * 2 ** 20), stateLost: true });
    expect(r.stderr).toMatch(/restarted to free it/);
    expect((await small.run('"big" in globals()')).result).toBe('False');
  });
});

describe('a deadline that passes before a top-level await cell has started', () => {
  let patient: PythonSandbox;
  // A long grace period: compiling the cell below is C code, which an interrupt cannot stop.
  useSandbox({ limits: { interruptGraceMs: 20_000 } }, (made) => {
    patient = made;
  });

  it('ends the run as a timeout and keeps globals', async () => {
    await patient.run('marker = "kept"');
    // Compiling 5,000 lines outlasts the 30 ms deadline, so the cancel reaches the worker before the cell's task has taken a step.
    const code = `import asyncio\n${'x = 1\n'.repeat(5000)}await asyncio.sleep(100)`;
    const r = await patient.run(code, { timeoutMs: 30 });
    expect(r).toMatchObject({
      outcome: 'OUTCOME_DEADLINE_EXCEEDED',
      stateLost: false,
      error: { name: 'TimeoutError', message: 'Execution exceeded the time limit of 30 ms. Variables are kept.' },
    });
    expect((await patient.run('marker')).result).toBe("'kept'");
  });
});
