/**
 * A stop's grace counts the time the host ran (src/sandbox/runs/host-time.ts): on a machine
 * short of CPU the host's timers come late, and the worker, as short of CPU, has not yet taken its
 * KeyboardInterrupt; a grace counted on the wall terminated it, and Python's state with it. Timers
 * are fake here, and the clock is moved by hand, as a starved host would see it.
 */
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { afterHostTime } from '../../src/sandbox/runs/host-time.js';

/** The grace's ticks come every 50 ms of the timers' time; each arrives `lateMs` later on the clock. */
function starvedHost(lateMs: number) {
  let clock = 0;
  vi.spyOn(performance, 'now').mockImplementation(() => clock);
  return {
    /** Lets one tick come, `lateMs` late; returns the clock. */
    async tick(): Promise<number> {
      clock += 50 + lateMs;
      await vi.advanceTimersByTimeAsync(50);
      return clock;
    },
  };
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
  vi.unstubAllGlobals();
});

describe('a grace of 1 s', () => {
  test('ends after 1 s where the host runs on time', async () => {
    const over = vi.fn();
    afterHostTime(1000, over);
    await vi.advanceTimersByTimeAsync(999);
    expect(over).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(over).toHaveBeenCalledOnce();
  });

  test('lasts ten ticks on a starved host whose ticks each come 400 ms late (4.5 s on the wall), not 1 s', async () => {
    const host = starvedHost(400);
    const over = vi.fn();
    afterHostTime(1000, over);
    for (let tick = 1; tick < 10; tick++) await host.tick();
    expect(over).not.toHaveBeenCalled();
    expect(await host.tick()).toBe(4500);
    expect(over).toHaveBeenCalledOnce();
  });

  test('ends at ten times its length on the wall, however few ticks came', async () => {
    const host = starvedHost(2000);
    const over = vi.fn();
    afterHostTime(1000, over);
    for (let tick = 1; tick < 5; tick++) await host.tick();
    expect(over).not.toHaveBeenCalled();
    expect(await host.tick()).toBeGreaterThanOrEqual(10_000);
    expect(over).toHaveBeenCalledOnce();
  });

  test('counts the wall in a hidden page, whose timers the browser holds back by design', async () => {
    vi.stubGlobal('document', { visibilityState: 'hidden' });
    const host = starvedHost(400);
    const over = vi.fn();
    afterHostTime(1000, over);
    await host.tick();
    await host.tick();
    expect(over).not.toHaveBeenCalled();
    await host.tick();
    expect(over).toHaveBeenCalledOnce();
  });

  test('is cancelled by what it returns', async () => {
    const over = vi.fn();
    const cancel = afterHostTime(1000, over);
    await vi.advanceTimersByTimeAsync(500);
    cancel();
    await vi.advanceTimersByTimeAsync(20_000);
    expect(over).not.toHaveBeenCalled();
  });
});

test('a grace of 0 ends at the next turn', async () => {
  const over = vi.fn();
  afterHostTime(0, over);
  await vi.advanceTimersByTimeAsync(0);
  expect(over).toHaveBeenCalledOnce();
});
