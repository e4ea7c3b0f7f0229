/**
 * Messages on their own port (boot progress, live output) may arrive after the reply they belong
 * to; the reply waits for them, within a bound.
 */
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { LateMessages } from '../../src/sandbox/session/late-messages.js';

describe('waiting for messages that trail their reply', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  test('resolves at once when they are all in, and as soon as the last one arrives', async () => {
    const late = new LateMessages();
    late.arrived();
    await late.until(1);
    let done = false;
    void late.until(3).then(() => (done = true));
    late.arrived();
    await vi.advanceTimersByTimeAsync(0);
    expect(done).toBe(false);
    late.arrived();
    await vi.advanceTimersByTimeAsync(0);
    expect(done).toBe(true);
  });

  test('a boot-sized bound still hears a message seconds late; the default bound gives up after 1 s', async () => {
    const late = new LateMessages();
    let waitedLong = false;
    void late.until(1, 120_000).then(() => (waitedLong = true));
    await vi.advanceTimersByTimeAsync(5000);
    expect(waitedLong).toBe(false);
    late.arrived();
    await vi.advanceTimersByTimeAsync(0);
    expect(waitedLong).toBe(true);

    let gaveUp = false;
    void late.until(2).then(() => (gaveUp = true));
    await vi.advanceTimersByTimeAsync(1000);
    expect(gaveUp).toBe(true);
  });
});
