/**
 * The host against a worker that misbehaves on purpose: Python patches the worker's
 * `postMessage` and sends what no honest worker sends. The host bounds all of it before spending
 * time or memory, stays responsive, replaces the worker, says so in the run, and carries on.
 * (The browser suite repeats the protocol attacks in a sandboxed frame.)
 */
import { describe, expect, it } from 'vitest';
import type { LoadProgress, OutputChunk, PythonSandbox, RunResult } from '../../dist/index.node.js';
import { useSandbox } from '../support/fixtures.js';
import {
  ANSWER_AFTER_RUN,
  FORGED_PROGRESS,
  FORGE_PROGRESS,
  GO_SILENT,
  MIRROR_FLOOD,
  MIRROR_FLOOD_RUNS,
  floodOutput,
  postAfterRun,
  sharedFiles,
  tamperWithNextResult,
} from '../support/forgery.js';
import { type StallWatch, pauseAgainstIdle, pauseReport } from '../support/pause-bound.js';

/** Long enough for an idle worker on a loaded 2-core machine; short enough for a test. */
const CALL_TIMEOUT_MS = 3000;

let sandbox: PythonSandbox;
const progress: LoadProgress[] = [];
useSandbox({ limits: { callTimeoutMs: CALL_TIMEOUT_MS }, onProgress: (p) => progress.push(p) }, (made) => {
  sandbox = made;
});

/**
 * The longest the host's event loop went without a turn while `fn` ran (sampled every 10 ms), in
 * wall-clock time: test/support/pauses.ts counts this process's CPU time, which here includes the
 * worker thread's own work on the flood (a 599 ms gap that left the host's thread free).
 */
const longestStall: StallWatch = async (fn) => {
  let last = performance.now();
  let stallMs = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    stallMs = Math.max(stallMs, now - last - 10);
    last = now;
  }, 10);
  try {
    return { value: await fn(), stallMs };
  } finally {
    clearInterval(timer);
  }
};

/** `fn`'s longest stall against the idle host's just before (pause-bound.ts): beside the floods, a 200 ms bound read 213 ms. */
const pausesDuring = <T>(boundMs: number, fn: () => Promise<T>) => pauseAgainstIdle(longestStall, boundMs, fn);

/** The run failed because the worker was stopped, the interpreter is new, and the next run works. */
async function expectReplacedAndWorking(r: RunResult, reason: RegExp): Promise<void> {
  expect(r).toMatchObject({ outcome: 'OUTCOME_FAILED', stateLost: true, error: { name: 'SandboxCrash' } });
  expect(r.error?.message).toMatch(reason);
  expect(r.output).toMatch(/restarted; variables from earlier runs are gone/);
  expect(await sandbox.run('6 * 7')).toMatchObject({ outcome: 'OUTCOME_OK', result: '42', stateLost: false });
}

describe('a run result over the limits', () => {
  it('60 files sharing one 8 MB string fail the run and restart Python, and the host never stalls for 200 ms', async () => {
    const timed = await pausesDuring(200, () => sandbox.run(tamperWithNextResult(sharedFiles(60, 6 * 1024 * 1024))));
    await expectReplacedAndWorking(timed.value, /60 files totalling 360\.0 MB.*more than the sandbox's limits allow/);
    expect(timed.stallMs, pauseReport(timed)).toBeLessThan(timed.boundMs);
  });

  it('one file over limits.maxFileBytes fails the run and restarts Python', async () => {
    const r = await sandbox.run(tamperWithNextResult(sharedFiles(1, 11 * 1024 * 1024)));
    await expectReplacedAndWorking(r, /a file of 11\.0 MB/);
  });

  it('300 images fail the run and restart Python', async () => {
    const images = "images: Array.from({ length: 300 }, () => ({ mimeType: 'image/png', data: 'iVBORw0KGgo=' }))";
    await expectReplacedAndWorking(await sandbox.run(tamperWithNextResult(images)), /300 images \(at most 20 per run\)/);
  });

  it('file data that is not base64 fails the run and restarts Python', async () => {
    const files = "files: [{ path: 'a.txt', mimeType: 'text/plain', size: 3, data: '<b>' }]";
    await expectReplacedAndWorking(await sandbox.run(tamperWithNextResult(files)), /its data is not base64/);
  });

  it('a file whose size does not match its data fails the run and restarts Python', async () => {
    const files = "files: [{ path: 'a.txt', mimeType: 'text/plain', size: 1, data: 'aGVsbG8=' }]";
    await expectReplacedAndWorking(await sandbox.run(tamperWithNextResult(files)), /size does not match/);
  });
});

describe('streamed output over the limits', () => {
  it('300 output events of 1 MB stop the worker, and onOutput gets no more than the cap', async () => {
    const chunks: OutputChunk[] = [];
    const timed = await pausesDuring(200, () => sandbox.run(floodOutput(300, 1 << 20), { onOutput: (c) => chunks.push(c) }));
    const r = timed.value;
    const delivered = chunks.reduce((n, c) => n + c.text.length, 0);
    expect(delivered).toBeLessThanOrEqual(sandbox.limits.maxOutputBytes * 2 + 64 * 1024);
    await expectReplacedAndWorking(r, /streamed more than .* characters of output in one run/);
    expect(timed.stallMs, pauseReport(timed)).toBeLessThan(timed.boundMs);
  });
});

describe('messages no honest worker sends, sent after its run without end', () => {
  it.each([
    ['output for the run that ended, over its cap', "{ type: 'output', runId, stream: 'stdout', text: 'x'.repeat(1024) }"],
    ['empty output for the run that ended, more than it said it streamed', "{ type: 'output', runId, stream: 'stdout', text: '' }"],
    ['output for a run that is not going', "{ type: 'output', runId: runId + 5, stream: 'stdout', text: 'x' }"],
    ['progress lines between runs', "{ type: 'progress', phase: 'packages', message: 'x' }"],
    ['an event of no known type', "{ type: 'hello' }"],
  ])('%s: the worker is stopped, and the next run starts at once in a new interpreter', async (_name, event) => {
    await expectStoppedAfter(postAfterRun(event));
  });

  it('answers to calls the host never made, on the calls channel: the worker is stopped, and the next run starts at once in a new interpreter', async () => {
    await expectStoppedAfter(ANSWER_AFTER_RUN);
  });

  /** Runs `arming`, waits a second of its flood, and expects the next run in a new interpreter, the host never paused 500 ms. */
  async function expectStoppedAfter(arming: string): Promise<void> {
    expect((await sandbox.run(arming)).outcome).toBe('OUTCOME_OK');
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const timed = await pausesDuring(500, () => sandbox.run('6 * 7'));
    expect(timed.value).toMatchObject({ outcome: 'OUTCOME_OK', result: '42', stateLost: true });
    expect(timed.stallMs, pauseReport(timed)).toBeLessThan(timed.boundMs);
  }
});

describe('a silent worker', () => {
  it('fails writeFile at limits.callTimeoutMs, and the next run works and says stateLost', async () => {
    expect((await sandbox.run(GO_SILENT)).outcome).toBe('OUTCOME_OK');
    const started = performance.now();
    await expect(sandbox.writeFile('notes.txt', 'hi')).rejects.toMatchObject({
      name: 'SandboxError',
      message: expect.stringMatching(/did not answer writeFile\(\) within 3000 ms \(limits\.callTimeoutMs\)/),
    });
    expect(performance.now() - started).toBeLessThan(CALL_TIMEOUT_MS + 2000);
    expect(await sandbox.run('6 * 7')).toMatchObject({ outcome: 'OUTCOME_OK', result: '42', stateLost: true });
  });

  it('is stopped when it does not take a run within limits.callTimeoutMs, long before the run deadline', async () => {
    expect((await sandbox.run(GO_SILENT)).outcome).toBe('OUTCOME_OK');
    const r = await sandbox.run('1', { timeoutMs: 60_000 });
    expect(r.durationMs).toBeLessThan(CALL_TIMEOUT_MS + 5000);
    await expectReplacedAndWorking(r, /did not take the run within 3000 ms/);
  });
});

describe('forged progress', () => {
  it('never reaches onProgress, between boots or during a run', async () => {
    expect((await sandbox.run(FORGE_PROGRESS)).outcome).toBe('OUTCOME_OK');
    await sandbox.run('1');
    expect(progress.map((p) => p.message)).not.toContain(FORGED_PROGRESS);
  });
});

describe('files restored into a new interpreter', () => {
  it('cannot shadow the standard library (a csv.py written before a restart is not what import csv runs)', async () => {
    await sandbox.run('open("csv.py", "w").write("print(\'INFECTED\')\\nreader = None")');
    expect((await sandbox.run('import os\nos._exit(0)')).stateLost).toBe(true);
    expect((await sandbox.listFiles()).map((f) => f.path)).toContain('csv.py');
    const r = await sandbox.run('import csv\nprint(csv.reader is not None, csv.__file__.startswith("/lib/"))');
    expect(r).toMatchObject({ outcome: 'OUTCOME_OK', stdout: 'True True\n' });
  });

  // _hashlib is absent from Pyodide, so hashlib's `import _hashlib` looked in the working directory.
  it('cannot re-infect the new interpreter through a module the standard library imports only if present', async () => {
    const infect =
      'import builtins\n_print = builtins.print\nbuiltins.print = lambda *a, **k: _print("[re-infected after restart]", *a, **k)\nraise ImportError("no OpenSSL here")\n';
    await sandbox.run(`open("_hashlib.py", "w").write(${JSON.stringify(infect)})`);
    expect((await sandbox.run('import os\nos._exit(0)')).stateLost).toBe(true);
    expect((await sandbox.listFiles()).map((f) => f.path)).toContain('_hashlib.py');
    const r = await sandbox.run('import hashlib\nprint("hello", hashlib.sha256(b"").hexdigest()[:8])');
    expect(r).toMatchObject({ outcome: 'OUTCOME_OK', stdout: 'hello e3b0c442\n' });
  });

  it('keeps a module a run wrote from being imported after the restart until a cell writes it again', async () => {
    await sandbox.run('open("mymod_restored.py", "w").write("VALUE = 1\\n")');
    expect((await sandbox.run('import os\nos._exit(0)')).stateLost).toBe(true);
    const refused = await sandbox.run('import mymod_restored');
    expect(refused).toMatchObject({ outcome: 'OUTCOME_FAILED', error: { name: 'ModuleNotFoundError' } });
    expect(refused.error?.message).toContain('written back after the interpreter was replaced');
    await sandbox.run('open("mymod_restored.py", "w").write("VALUE = 2\\n")');
    expect(await sandbox.run('import mymod_restored\nmymod_restored.VALUE')).toMatchObject({ outcome: 'OUTCOME_OK', result: '2' });
  });

  it('still imports a module the host wrote with writeFile after a restart', async () => {
    await sandbox.writeFile('hostmod_restored.py', 'VALUE = 7\n');
    expect((await sandbox.run('import os\nos._exit(0)')).stateLost).toBe(true);
    expect(await sandbox.run('import hostmod_restored\nhostmod_restored.VALUE')).toMatchObject({ outcome: 'OUTCOME_OK', result: '7' });
  });

  // skills/ is where a model keeps its helpers: the one folder whose restored modules import.
  it('imports a helper a run kept in skills/ after a restart, as skills.<name>, and no other restored module', async () => {
    const helper = 'import csv\ndef summary(rows):\n    return f"{len(rows)} rows via {csv.__name__}"\n';
    await sandbox.run(`import os\nos.makedirs("skills", exist_ok=True)\nopen("skills/summary.py", "w").write(${JSON.stringify(helper)})`);
    await sandbox.run('open("loose_helper.py", "w").write("VALUE = 1\\n")');
    expect((await sandbox.run('import os\nos._exit(0)')).stateLost).toBe(true);
    const r = await sandbox.run('import skills.summary\nfrom skills.summary import summary\nprint(summary([1, 2]), skills.summary.__file__)');
    expect(r).toMatchObject({ outcome: 'OUTCOME_OK', stdout: '2 rows via csv /home/pyodide/skills/summary.py\n' });
    // A top-level name stays refused, skills/ present or not.
    const loose = await sandbox.run('import loose_helper');
    expect(loose).toMatchObject({ outcome: 'OUTCOME_FAILED', error: { name: 'ModuleNotFoundError' } });
    expect(loose.error?.message).toContain('skills.<name>');
    await sandbox.run('import os, shutil\nshutil.rmtree("skills")\nos.remove("loose_helper.py")');
  });

  it('refuses a restored top-level skills.py: the exemption is the folder, not the name', async () => {
    await sandbox.run('open("skills.py", "w").write("print(\'INFECTED\')")');
    expect((await sandbox.run('import os\nos._exit(0)')).stateLost).toBe(true);
    expect(await sandbox.run('import skills')).toMatchObject({ outcome: 'OUTCOME_FAILED', error: { name: 'ModuleNotFoundError' } });
    await sandbox.run('import os\nos.remove("skills.py")');
  });

  it('refuses a restored skills/__init__.py, which would run on every import of a helper', async () => {
    const plant =
      'import os\nos.makedirs("skills", exist_ok=True)\nopen("skills/__init__.py", "w").write("print(\'PLANTED\')")\nopen("skills/tally.py", "w").write("def tally(xs):\\n    return sum(xs)\\n")';
    await sandbox.run(plant);
    expect((await sandbox.run('import os\nos._exit(0)')).stateLost).toBe(true);
    const r = await sandbox.run('import skills.tally');
    expect(r).toMatchObject({ outcome: 'OUTCOME_FAILED', error: { name: 'ModuleNotFoundError' } });
    expect(r.stdout).not.toContain('PLANTED');
    expect(r.error?.message).toContain('/home/pyodide/skills/__init__.py was written back after the interpreter was replaced');
    await sandbox.run('import shutil\nshutil.rmtree("skills")');
  });

  // What the host keeps of the working directory, and what it writes back, stays bounded.
  it('restarts as quickly after many runs that each replaced 5,000 empty files with long names as after one', async () => {
    /** Replaces the interpreter and times the next run, which waits for the new one and its files. */
    const timedRestart = async () => {
      expect((await sandbox.run('import os\nos._exit(0)')).stateLost).toBe(true);
      const started = performance.now();
      expect(await sandbox.run('1 + 1')).toMatchObject({ outcome: 'OUTCOME_OK', result: '2' });
      return performance.now() - started;
    };
    expect((await sandbox.run(MIRROR_FLOOD)).outcome).toBe('OUTCOME_OK');
    const afterOneMs = await timedRestart();
    for (let run = 1; run < MIRROR_FLOOD_RUNS; run++) expect((await sandbox.run(MIRROR_FLOOD)).outcome).toBe('OUTCOME_OK');
    // Both restarts bring back the same 5,000 files, unless the host's copy kept every batch (then
    // this one restores MIRROR_FLOOD_RUNS times as many). Compared with each other, not with a
    // restart without files: restoring 5,000 files is real work, and a loaded machine stretches it.
    expect(await timedRestart()).toBeLessThan(Math.max(1000, 2 * afterOneMs));
    await sandbox.run('import shutil\nshutil.rmtree("batch", ignore_errors=True)');
  }, 240_000);

  it("does not bring back a file the host wrote and a run deleted, even when the run's walk stopped at its cap", async () => {
    await sandbox.writeFile('secret.csv', 'a,b\n1,2\n');
    const r = await sandbox.run('import os\nos.makedirs("many", exist_ok=True)\nfor i in range(5000): open(f"many/{i}", "w").close()\nos.remove("secret.csv")');
    expect(r.outcome).toBe('OUTCOME_OK');
    expect((await sandbox.run('import os\nos._exit(0)')).stateLost).toBe(true);
    expect((await sandbox.run('import os\nos.path.exists("secret.csv")')).result).toBe('False');
    await sandbox.run('import shutil\nshutil.rmtree("many", ignore_errors=True)');
  }, 60_000);

  it('keeps what a run wrote into a host file after a restart, even when it put the size and stamp back', async () => {
    await sandbox.writeFile('config.txt', 'mode=safe\n');
    const rewrite =
      'import os\nst = os.stat("config.txt")\nopen("config.txt", "w").write("mode=EVIL\\n")\nos.utime("config.txt", ns=(st.st_atime_ns, st.st_mtime_ns))';
    const r = await sandbox.run(rewrite);
    expect(r.files.map((f) => f.path)).toContain('config.txt');
    expect((await sandbox.run('import os\nos._exit(0)')).stateLost).toBe(true);
    expect((await sandbox.run('open("config.txt").read()')).result).toBe("'mode=EVIL\\n'");
  });

  it('still lets a cell import its own module from the working directory', async () => {
    await sandbox.writeFile('helpers_for_test.py', 'def answer():\n    return 42\n');
    expect(await sandbox.run('import helpers_for_test\nhelpers_for_test.answer()')).toMatchObject({ outcome: 'OUTCOME_OK', result: '42' });
  });
});
