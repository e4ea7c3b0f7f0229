/**
 * worker/code-calls/blocking-wait.ts, with the receiver blocking-events.ts picks in Node: a thread
 * blocked for a call's answer takes the messages another thread posts to its port (the host's
 * answers), and a stop ends the wait within one short sleep.
 */
import { MessageChannel, type MessagePort, Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import type { PortLike } from '../../src/shared/protocol.js';
import { blockingEvents } from '../../worker/code-calls/blocking-events.js';
import { waitBlocked } from '../../worker/code-calls/blocking-wait.js';

/**
 * A thread that posts `messages` to `port` after `delayMs`, as the host answers while the worker's
 * thread is blocked, each stamped with when it was sent (`sentAt`, ms since the epoch).
 */
function postLater(port: MessagePort, messages: unknown[], delayMs: number): Worker {
  const source = `const { workerData } = require('node:worker_threads');
setTimeout(() => {
  for (const m of workerData.messages) workerData.port.postMessage({ ...m, sentAt: performance.timeOrigin + performance.now() });
  workerData.port.close();
}, workerData.delayMs);`;
  return new Worker(source, { eval: true, workerData: { port, messages, delayMs }, transferList: [port] });
}

describe('a wait with the thread blocked (Node)', () => {
  it('takes the messages posted meanwhile, in order, and ends as the answer arrives', async () => {
    const { port1, port2 } = new MessageChannel();
    const { receiver } = await blockingEvents(port1 as unknown as PortLike, undefined);
    expect(receiver).toBeDefined();
    const sender = postLater(port2, [{ type: 'output' }, { type: 'function-result', callId: 7, answer: 'r1' }], 100);
    const taken: { type: string; callId?: number; sentAt: number }[] = [];
    let lateMs = 0;
    waitBlocked(
      receiver!,
      () => taken.some((m) => m.callId === 7),
      (message) => {
        const m = message as (typeof taken)[number];
        lateMs = Math.max(lateMs, performance.timeOrigin + performance.now() - m.sentAt);
        taken.push(m);
      },
      () => false,
    );
    expect(taken.map((m) => m.type)).toEqual(['output', 'function-result']);
    // Taken within the longest sleep (5 ms) of being sent on a quiet machine; the bound is room for
    // a loaded one (45 ms seen with a second npm test beside it), and still fails a wait that sleeps for seconds.
    expect(lateMs).toBeLessThan(250);
    await sender.terminate();
    port1.close();
  });

  it('ends when a stop comes, asked between sleeps of at most 5 ms', async () => {
    const { port1 } = new MessageChannel();
    const { receiver } = await blockingEvents(port1 as unknown as PortLike, undefined);
    const stopAt = performance.now() + 300;
    let seenLate = 0;
    waitBlocked(
      receiver!,
      () => false,
      () => undefined,
      () => {
        const now = performance.now();
        if (now >= stopAt) seenLate = now - stopAt;
        return now >= stopAt;
      },
    );
    expect(seenLate).toBeLessThan(250);
    port1.close();
  });
});
