/**
 * bench/cpu-throttle.mjs on a stand-in for a browser: a shell whose children are a "renderer"
 * (`--type=renderer` in its command line) and a "utility" process, each a sleeping shell.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { rendererPids, startCpuThrottle } from '../../bench/cpu-throttle.mjs';

const THROTTLE_MODULE = fileURLToPath(new URL('../../bench/cpu-throttle.mjs', import.meta.url));

/** The process state letter from /proc/PID/stat ('T': stopped), or undefined once it is gone. */
function state(pid: number): string | undefined {
  try {
    return /^\d+ \(.*\) (\S)/s.exec(readFileSync(`/proc/${pid}/stat`, 'latin1'))?.[1];
  } catch {
    return undefined;
  }
}

/** The share of `samples` state reads, one a millisecond or so, that found `pid` stopped. */
async function stoppedShare(pid: number, samples = 200): Promise<number> {
  let stopped = 0;
  for (let i = 0; i < samples; i++) {
    if (state(pid) === 'T') stopped++;
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  return stopped / samples;
}

async function until(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

let browser: ChildProcess;
let renderer: number;
let utility: number;

beforeEach(async () => {
  // `$t=renderer`: the root's own command line must not say renderer (a browser's does not).
  browser = spawn('sh', ['-c', 't=--type; sh -c "sleep 60; :" r $t=renderer & sh -c "sleep 60; :" u $t=utility & wait']);
  const children = () => readFileSync(`/proc/${browser.pid}/task/${browser.pid}/children`, 'latin1').trim().split(/\s+/).filter(Boolean).map(Number);
  await until(() => children().length === 2 && rendererPids(browser.pid!).length === 1);
  [renderer] = rendererPids(browser.pid!);
  utility = children().find((pid) => pid !== renderer)!;
});

afterEach(() => {
  for (const pid of [renderer, utility]) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  browser.kill('SIGKILL');
});

describe('cpu-throttle', () => {
  it('finds only the descendants whose command line says renderer', () => {
    expect(rendererPids(browser.pid!)).toEqual([renderer]);
  });

  it('keeps a renderer stopped about three quarters of the time at ×4, and the other processes running', async () => {
    const throttle = await startCpuThrottle({ rootPid: browser.pid!, factor: 4 });
    let shares: number[];
    try {
      shares = [await stoppedShare(renderer), await stoppedShare(utility), await stoppedShare(browser.pid!)];
    } finally {
      const stats = await throttle.stop();
      expect(stats?.stoppedShare).toBeCloseTo(0.75, 1);
    }
    const [rendererShare, utilityShare, browserShare] = shares;
    // The throttle's own account (above) holds the three quarters; 200 samples of the state only
    // show the renderer stopped much of the time: on a loaded machine the throttle's signals come
    // late, and such a window has read under a half (0.475).
    expect(rendererShare).toBeGreaterThan(0.35);
    expect(rendererShare).toBeLessThan(0.98);
    expect([utilityShare, browserShare]).toEqual([0, 0]);
  });

  it('leaves every renderer running once stopped', async () => {
    const throttle = await startCpuThrottle({ rootPid: browser.pid!, factor: 4 });
    await until(() => state(renderer) === 'T');
    await throttle.stop();
    expect(await stoppedShare(renderer, 100)).toBe(0);
  });

  /** A Node process that starts the throttle on the stand-in browser and then idles. */
  const startInAnotherProcess = () =>
    spawn(process.execPath, [
      '--input-type=module',
      '-e',
      `import { startCpuThrottle } from ${JSON.stringify(THROTTLE_MODULE)}; await startCpuThrottle({ rootPid: ${browser.pid}, factor: 4 }); setInterval(() => {}, 1000);`,
    ]);

  it('continues the renderers at once when the process that started it gets SIGTERM', async () => {
    const starter = startInAnotherProcess();
    const exited = new Promise((resolve) => starter.once('exit', (_code, signal) => resolve(signal)));
    try {
      await until(() => state(renderer) === 'T');
      starter.kill('SIGTERM');
      expect(await exited).toBe('SIGTERM');
      expect(await stoppedShare(renderer, 100)).toBe(0);
    } finally {
      starter.kill('SIGKILL');
    }
  });

  it('continues the renderers when the process that started it is killed', async () => {
    const starter = startInAnotherProcess();
    try {
      await until(() => state(renderer) === 'T');
      starter.kill('SIGKILL');
      // The cycler notices within a few hundred milliseconds (its parent check, every 10 cycles).
      await new Promise((resolve) => setTimeout(resolve, 1000));
      expect(await stoppedShare(renderer, 100)).toBe(0);
    } finally {
      starter.kill('SIGKILL');
    }
  });
});
