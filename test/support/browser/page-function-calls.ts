/**
 * Plain calls (no `await`) of the page's functions (pages/harness.js PAGE_FUNCTIONS), one check
 * shared by the Chromium suite and the other engines: where the engine has JSPI they wait in
 * place, inside a helper, and a deadline or an interrupt while one waits keeps the interpreter;
 * without JSPI they raise AwaitRequired, saying to await, and the awaited form still works.
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

export async function plainPageFunctionCalls(host: PageFunctionHost, jspi: boolean): Promise<void> {
  await host.run('kept = 1');
  const calls = await host.run(HELPER_CELL, { pageFunctions: ['get_sales_data'] });
  if (jspi) {
    expect(calls).toMatchObject({ outcome: 'OUTCOME_OK', result: '[6, 6, 6]' });
    const late = await host.run('default_api.wait_for_ever()', { timeoutMs: 1000, pageFunctions: ['wait_for_ever'] });
    expect(late).toMatchObject({ outcome: 'OUTCOME_DEADLINE_EXCEEDED', stateLost: false });
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
  expect(await host.run('kept + 1')).toMatchObject({ outcome: 'OUTCOME_OK', result: '2' });
}
