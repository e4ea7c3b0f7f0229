/**
 * Nothing of a run outlives it: the asyncio tasks a cell starts end with its run. A leftover task
 * neither computes between runs nor calls the page's functions as a later run, and a task that
 * swallows its cancellation is never woken again, whatever the cell rewrote of the sandbox's own
 * Python to spare it, and a task a JavaScript timer makes between runs never starts.
 */
import { describe, expect } from 'vitest';
import type { SandboxFunction } from '../../dist/index.node.js';
import { descendantsCpuSeconds } from '../support/engines/process-cpu.js';
import { it } from '../support/fixtures.js';
import { LEFTOVER_ATTACKS, outliveTheRun } from '../support/run-leftovers.js';

/** CPU seconds used so far by where Python runs: this process (an in-process worker) or its Deno process. */
const cpuSeconds = {
  worker: () => {
    const { user, system } = process.cpuUsage();
    return (user + system) / 1e6;
  },
  deno: () => descendantsCpuSeconds(process.pid, 'deno'),
};

/** The cores Python's side used over `ms` of idle waiting. */
async function coresOver(isolation: keyof typeof cpuSeconds, ms: number): Promise<number> {
  const before = cpuSeconds[isolation]();
  const start = performance.now();
  await new Promise((resolve) => setTimeout(resolve, ms));
  return ((cpuSeconds[isolation]() - before) * 1000) / (performance.now() - start);
}

const SPINNERS = `
import asyncio
async def spin():
    while True:
        sum(range(20_000))
        await asyncio.sleep(0)
async def stubborn():
    while True:
        try:
            sum(range(20_000))
            await asyncio.sleep(0)
        except asyncio.CancelledError:
            pass
tasks = [asyncio.ensure_future(spin()), asyncio.ensure_future(stubborn())]
await asyncio.sleep(0.1)
`;

describe("a run's leftover tasks", () => {
  it.for(['worker', 'deno'] as const)(
    'use no CPU once their run has ended, even one that swallows CancelledError (%s)',
    async (isolation, { createSandbox }) => {
      const sandbox = await createSandbox({ isolation, warmSpare: false });
      expect((await sandbox.run(SPINNERS)).outcome).toBe('OUTCOME_OK');
      expect(await coresOver(isolation, 3_000)).toBeLessThan(0.25);
      // The state is kept, and the tasks are over or frozen: none is running.
      const after = await sandbox.run('print([t.cancelled() for t in tasks], tasks[1].done())');
      expect(after.stdout).toBe('[True, False] False\n');
    },
  );

  it('that calls a page function during a later run is refused: the later run calls nothing', async ({ createSandbox }) => {
    const sandbox = await createSandbox({ isolation: 'worker', warmSpare: false });
    const calls: { toolCallId?: string; args: unknown }[] = [];
    const record: SandboxFunction = {
      name: 'record',
      parameters: { type: 'object', properties: { n: { type: 'integer' } } },
      handler: (args) => {
        calls.push({ args });
        return 'ok';
      },
    };
    const first = await sandbox.run(
      `
import asyncio
async def later():
    await asyncio.sleep(0.3)
    await default_api.record(n=1)
task = asyncio.ensure_future(later())
`,
      { functions: [record] },
    );
    expect(first.outcome).toBe('OUTCOME_OK');
    // The later run waits past the leftover task's call, with the same function available.
    const second = await sandbox.run('import asyncio\nawait asyncio.sleep(0.8)\nprint(task.cancelled())', { functions: [record] });
    expect(second.stdout).toBe('True\n');
    expect(calls).toEqual([]);
    // Its own calls still go through.
    expect((await sandbox.run('print(await default_api.record(n=2))', { functions: [record] })).stdout).toBe('ok\n');
    expect(calls).toEqual([{ args: { n: 2 } }]);
  });
});

describe('a task that would outlive its run', () => {
  for (const isolation of ['worker', 'deno'] as const) {
    it.for(LEFTOVER_ATTACKS)(`$name (${isolation}): no call is taken as a later run's, at most 5 slices after its run`, async (attack, { createSandbox }) => {
      const sandbox = await createSandbox({ isolation, warmSpare: false });
      let leftoverCalls = 0;
      const functions: SandboxFunction[] = [
        {
          name: 'get_sales_data',
          parameters: { type: 'object', properties: { region: { type: 'string' } } },
          handler: ({ region }) => {
            if (region === 'leftover') leftoverCalls++;
            return { region, months: [1, 2, 3] };
          },
        },
      ];
      const { callsAsLater, slicesAfter } = await outliveTheRun(
        { run: (code) => sandbox.run(code, { functions }), leftoverCalls: async () => leftoverCalls },
        attack,
      );
      expect(callsAsLater).toBe(0);
      expect(slicesAfter).toBeLessThanOrEqual(5);
    });
  }
});
