/**
 * When a stopped run's worker is terminated (src/sandbox/runs/run-stopper.ts), on fake timers with a
 * stand-in session. Without SharedArrayBuffer only a cancel reaches Python from outside, for a run
 * parked in a top-level `await`; its answer may be slow on a loaded machine, and a healthy
 * interpreter must not be replaced for that (faults.browser.test.ts shows it in Chromium). A run
 * past its deadline stops itself there (deadlines.browser.test.ts).
 */
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { mayAwait, RunStopper } from '../../src/sandbox/runs/run-stopper.js';
import type { WorkerSession } from '../../src/sandbox/session/worker-session.js';

const GRACE_MS = 1000;

/** A session whose cancel is answered `answer` after `answerMs` (never, if undefined). */
function fakeSession(interruptible: boolean, answerMs?: number, answer = true) {
  const terminated: number[] = [];
  const started = Date.now();
  const session = {
    interruptible,
    stopsKeepState: interruptible,
    interrupt: vi.fn(),
    stopFunctionCalls: vi.fn(),
    terminate: vi.fn(async () => {
      terminated.push(Date.now() - started);
    }),
    remote: {
      cancel: vi.fn(() => new Promise<boolean>((resolve) => (answerMs === undefined ? undefined : setTimeout(() => resolve(answer), answerMs)))),
    },
  };
  return { session: session as unknown as WorkerSession, terminated };
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('without an interrupt buffer', () => {
  test('code that cannot be awaiting is terminated 100 ms after an interrupt', async () => {
    const { session, terminated } = fakeSession(false);
    new RunStopper(session, 1, GRACE_MS, mayAwait('while True: pass')).stop('interrupt');
    await vi.advanceTimersByTimeAsync(5000);
    expect(terminated).toEqual([100]);
  });

  test('the deadline counts from when the worker took the run: one that reached a busy worker 1.5 s late still gets its whole time and grace', async () => {
    const { session, terminated } = fakeSession(false);
    const stopper = new RunStopper(session, 1, GRACE_MS, mayAwait('while True: pass'));
    stopper.armDeadline(2000);
    await vi.advanceTimersByTimeAsync(1500);
    expect(session.interrupt).not.toHaveBeenCalled();
    stopper.workerStarted();
    await vi.advanceTimersByTimeAsync(1900);
    expect(session.interrupt).not.toHaveBeenCalled();
    // Counted from when it was sent, the deadline has passed: a worker that stopped itself is a timeout.
    expect(stopper.pastDeadline).toBe(true);
    await vi.advanceTimersByTimeAsync(100);
    expect(stopper.reason).toBe('timeout');
    await vi.advanceTimersByTimeAsync(GRACE_MS - 1);
    expect(terminated).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(terminated).toEqual([3500 + GRACE_MS]);
  });

  test('code past its deadline gets the whole grace to stop itself (worker/stops/deadline-signal.ts) before it is terminated', async () => {
    const { session, terminated } = fakeSession(false);
    new RunStopper(session, 1, GRACE_MS, mayAwait('while True: pass')).stop('timeout');
    await vi.advanceTimersByTimeAsync(5000);
    expect(terminated).toEqual([GRACE_MS]);
  });

  test('an await whose cancel is answered after 300 ms is not terminated, and gets the whole grace from the answer on', async () => {
    const { session, terminated } = fakeSession(false, 300);
    const stopper = new RunStopper(session, 1, GRACE_MS, mayAwait('import asyncio\nawait asyncio.sleep(100)'));
    stopper.stop('timeout');
    await vi.advanceTimersByTimeAsync(1200);
    expect(terminated).toEqual([]);
    await vi.advanceTimersByTimeAsync(5000);
    expect(terminated).toEqual([300 + GRACE_MS]); // the cancelled task never ended
  });

  test('an await that ends after its cancel is never terminated', async () => {
    const { session, terminated } = fakeSession(false, 300);
    const stopper = new RunStopper(session, 1, GRACE_MS, true);
    stopper.stop('timeout');
    await vi.advanceTimersByTimeAsync(350);
    stopper.end();
    await vi.advanceTimersByTimeAsync(5000);
    expect(terminated).toEqual([]);
  });

  test('code that may be awaiting but never answers (busy Python) is terminated after the whole grace', async () => {
    const { session, terminated } = fakeSession(false);
    new RunStopper(session, 1, GRACE_MS, true).stop('timeout');
    await vi.advanceTimersByTimeAsync(5000);
    expect(terminated).toEqual([GRACE_MS]);
  });

  test('a cancel that found no await yet (answered false) leaves the grace as it was', async () => {
    const { session, terminated } = fakeSession(false, 50, false);
    new RunStopper(session, 1, GRACE_MS, true).stop('timeout');
    await vi.advanceTimersByTimeAsync(5000);
    expect(terminated).toEqual([GRACE_MS]);
  });
});

test('with an interrupt buffer: the grace, restarted when the cancel is answered', async () => {
  const { session, terminated } = fakeSession(true, 300);
  new RunStopper(session, 1, GRACE_MS, true).stop('interrupt');
  await vi.advanceTimersByTimeAsync(5000);
  expect(terminated).toEqual([300 + GRACE_MS]);
  expect(vi.mocked(session.interrupt).mock.calls.length).toBeGreaterThan(1); // re-sent until the run ends
});

test("mayAwait is the runner's test for top-level await", () => {
  expect(mayAwait('await x')).toBe(true);
  expect(mayAwait('async with a: pass')).toBe(true);
  expect(mayAwait('while True: pass')).toBe(false);
  // Naming the module is not awaiting: such a cell runs (and stops) as plain code, and its plain
  // calls of the page's functions can wait in place.
  expect(mayAwait('import asyncio\nasyncio.run(main())')).toBe(false);
  expect(mayAwait('x = 1\nawait asyncio.sleep(0)')).toBe(true);
});
