/**
 * A Node worker thread started ahead of its sandbox (src/sandbox/isolation/thread-ahead.ts): the
 * next sandbox gets it, already started, once; it never keeps the process alive.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Worker } from 'node:worker_threads';
import { afterEach, describe, expect } from 'vitest';
import { startThreadAhead, takeThread } from '../../src/sandbox/isolation/thread-ahead.js';
import { it } from '../support/fixtures.js';

/**
 * A stand-in worker script: answers any message with when its thread started (a `Date.now()`, as
 * the test's clock) and what it was started with; exits at once when started with indexURL "exit".
 */
const script = (() => {
  const dir = mkdtempSync(join(tmpdir(), 'thread-ahead-'));
  const file = join(dir, 'worker.mjs');
  writeFileSync(
    file,
    `import { parentPort, workerData } from 'node:worker_threads';
const startedAt = Date.now();
if (workerData?.indexURL === 'exit') process.exit(0);
parentPort.on('message', () => parentPort.postMessage({ startedAt, workerData, probe: process.env.THREAD_AHEAD_PROBE }));`,
  );
  return pathToFileURL(file);
})();

const taken: Worker[] = [];
afterEach(async () => {
  await Promise.all(taken.splice(0).map((worker) => worker.terminate()));
});

async function take(url = script): Promise<{ worker: Worker; takenAt: number }> {
  const takenAt = Date.now();
  const worker = await takeThread(url);
  taken.push(worker);
  return { worker, takenAt };
}

function ask(worker: Worker): Promise<{ startedAt: number; workerData: unknown; probe?: string }> {
  return new Promise((resolve) => {
    worker.once('message', resolve);
    worker.postMessage('when');
  });
}

/** Long enough for a thread to start, on a busy machine too (the stand-in starts in tens of milliseconds). */
const pause = () => new Promise((resolve) => setTimeout(resolve, 2000));

describe('a worker thread started ahead', () => {
  it('is what the next take gets: started before it, with the runtime folder it imports from', async () => {
    startThreadAhead(script, 'file:///ahead/');
    await pause();
    const { worker, takenAt } = await take();
    const answer = await ask(worker);
    expect(answer.workerData).toEqual({ indexURL: 'file:///ahead/' });
    expect(answer.startedAt).toBeLessThan(takenAt);
  });

  it('serves one take: the take after it starts a thread of its own', async () => {
    startThreadAhead(script, 'file:///ahead/');
    const first = await take();
    const second = await take();
    expect(second.worker.threadId).not.toBe(first.worker.threadId);
    const answer = await ask(second.worker);
    expect(answer.workerData).toBeUndefined();
    expect(answer.startedAt).toBeGreaterThanOrEqual(second.takenAt);
  });

  it("is not handed out once the process's environment has changed (a thread copies it when it starts)", async () => {
    startThreadAhead(script, 'file:///ahead/');
    await pause();
    process.env.THREAD_AHEAD_PROBE = 'changed';
    try {
      const { worker, takenAt } = await take();
      const answer = await ask(worker);
      expect(answer.probe).toBe('changed');
      expect(answer.startedAt).toBeGreaterThanOrEqual(takenAt);
    } finally {
      delete process.env.THREAD_AHEAD_PROBE;
    }
  });

  it('is not handed out once it has exited; the take starts a live one', async () => {
    startThreadAhead(script, 'exit');
    await pause();
    const { worker, takenAt } = await take();
    const answer = await ask(worker);
    expect(answer.startedAt).toBeGreaterThanOrEqual(takenAt);
  });

  it('is started once a sandbox has booted, and the next sandbox boots in it', async ({ createSandbox }) => {
    // When the sandbox's thread started: its Node environment's start (timeOrigin is the process's).
    const threadStart = async (sandbox: { run(code: string): Promise<{ result?: string }> }) =>
      Number((await sandbox.run('import js\njs.performance.timeOrigin + js.performance.nodeTiming.environment')).result);
    const firstAt = Date.now();
    const first = await createSandbox({ isolation: 'worker', warmSpare: false });
    expect(await threadStart(first)).toBeGreaterThanOrEqual(firstAt - 1);
    await pause();
    const secondAt = Date.now();
    const second = await createSandbox({ isolation: 'worker', warmSpare: false });
    expect(await threadStart(second)).toBeLessThan(secondAt);
  });

  it('keeps no process alive: a process that booted a sandbox and disposed it exits on its own', () => {
    const dir = mkdtempSync(join(tmpdir(), 'thread-ahead-'));
    const file = join(dir, 'host.mjs');
    const dist = new URL('../../dist/index.node.js', import.meta.url).href;
    writeFileSync(
      file,
      `import { PythonSandbox } from ${JSON.stringify(dist)};
const s = await PythonSandbox.create({ isolation: 'worker', warmSpare: false });
process.stdout.write((await s.run('6 * 7')).result);
await s.dispose();
// Time for the thread started ahead to start and import Pyodide; then nothing is left to do.
setTimeout(() => process.stdout.write(' waited'), 1500);`,
    );
    expect(execFileSync(process.execPath, [file], { encoding: 'utf8', timeout: 60_000 })).toBe('42 waited');
  });
});
