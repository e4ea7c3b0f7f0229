/**
 * One host page and its booted sandbox for a describe block's tests, tests that stop or replace
 * the interpreter included: each of those checks that the sandbox's next run works, so the next
 * test may start on it (a page and its boots per test cost about 3 s of CPU). Each test starts
 * once the sandbox is idle (a spare promoted by the test before has a new one behind it); after a
 * failed test the next one gets a fresh page, so one failure does not fail the tests after it.
 * `create: false` gives each test a fresh page and leaves creating the sandbox to the test.
 */
import { afterAll, beforeEach } from 'vitest';
import type { HostPage, PlainSandboxOptions } from './host-page.js';

export interface SharedSandbox {
  host: HostPage;
  /** The sandbox's `interruptible`, once created. */
  interruptible: boolean;
}

/** Keeps `holder.host` (opened by `open`) for the block's tests; returns `holder`. */
export function useSharedSandbox<T extends SharedSandbox>(
  holder: T,
  open: () => Promise<HostPage>,
  { sandbox = {}, create = true, timeoutMs }: { sandbox?: PlainSandboxOptions; create?: boolean; timeoutMs: number },
): T {
  /** The page is opened again before the next test: at first, after a failure, and for every test without `create`. */
  let stale = true;
  afterAll(async () => {
    await holder.host?.close();
  });
  beforeEach(async ({ onTestFailed, task }) => {
    if (stale) {
      await holder.host?.close();
      holder.host = await open();
      if (create) ({ interruptible: holder.interruptible } = await holder.host.create(sandbox));
      stale = !create;
    }
    if (create) await holder.host.whenIdle();
    const host = holder.host;
    const logStart = host.log.length;
    onTestFailed(() => {
      stale = true;
      console.error(`Browser console during "${task.name}":\n${host.log.slice(logStart).join('\n')}`);
    });
  }, timeoutMs);
  return holder;
}
