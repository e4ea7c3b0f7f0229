/**
 * Plain calls (no `await`) of the page's functions (pages/harness.js PAGE_FUNCTIONS), one check
 * shared by the Chromium suite and the other engines: where the engine has JSPI, or the page a
 * SharedArrayBuffer (the worker's thread then blocks for the answer), they wait in place, inside
 * a helper and a loop, and a deadline or an interrupt while one waits keeps the interpreter;
 * elsewhere they raise AwaitRequired, saying to await, and the awaited form still works.
 */
import { expect } from 'vitest';
import type { HarnessResult, PlainRunOptions } from './host-page.js';

interface PageFunctionHost {
  run(code: string, options?: PlainRunOptions): Promise<HarnessResult>;
  start(code: string, options?: PlainRunOptions): Promise<number>;
  finish(ticket: number): Promise<HarnessResult>;
  interrupt(): Promise<void>;
}

const HELPER_CELL = 'def months(region):\n    return sum(default_api.get_sales_data(region=region)["months"])\n[months(f"r{i}") for i in range(3)]';
/** A helper's call in a loop that never ends: the stop comes while a call waits. */
const WAITING_LOOP = 'def ask():\n    return default_api.wait_for_ever()\nfor _ in range(3):\n    kept += 1\n    ask()';

/** `waits`: whether a plain call can wait in place here. */
export async function plainPageFunctionCalls(host: PageFunctionHost, waits: boolean): Promise<void> {
  await host.run('kept = 1');
  const calls = await host.run(HELPER_CELL, { pageFunctions: ['get_sales_data'] });
  if (waits) {
    expect(calls).toMatchObject({ outcome: 'OUTCOME_OK', result: '[6, 6, 6]' });
    const late = await host.run(WAITING_LOOP, { timeoutMs: 1000, pageFunctions: ['wait_for_ever'] });
    expect(late).toMatchObject({ outcome: 'OUTCOME_DEADLINE_EXCEEDED', stateLost: false });
    // The loop's first turn ran before the deadline struck its call, and was kept.
    expect(await host.run('kept')).toMatchObject({ outcome: 'OUTCOME_OK', result: '2' });
    const ticket = await host.start('default_api.wait_for_ever()', { pageFunctions: ['wait_for_ever'] });
    await new Promise((resolve) => setTimeout(resolve, 500));
    await host.interrupt();
    expect(await host.finish(ticket)).toMatchObject({ outcome: 'OUTCOME_FAILED', stateLost: false, error: { name: 'KeyboardInterrupt' } });
  } else {
    expect(calls.error?.name).toBe('AwaitRequired');
    expect(calls.error?.message).toMatch(/must be awaited here.*Write `await default_api\.get_sales_data\(\.\.\.\)`/);
    const awaited = await host.run('[sum((await default_api.get_sales_data(region=r))["months"]) for r in "ab"]', { pageFunctions: ['get_sales_data'] });
    expect(awaited).toMatchObject({ outcome: 'OUTCOME_OK', result: '[6, 6]' });
  }
  expect(await host.run('kept + 1')).toMatchObject({ outcome: 'OUTCOME_OK', result: waits ? '3' : '2' });
}
