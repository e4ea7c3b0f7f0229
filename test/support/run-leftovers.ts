/**
 * A cell's asyncio task that tries to outlive its run, each way a cell can rewrite the sandbox's
 * own Python to spare it (worker/python/run_tasks.py), or made outside any run by a JavaScript
 * timer. The task computes in slices (`sum(range(200_000))`, counted in `slices`) and calls the
 * page's `get_sales_data(region="leftover")` every 0.1 s, swallowing every exception, its
 * cancellation included. Shared by the Node suites and the browser's frame in every engine.
 */

const LEFTOVER = `import asyncio, contextvars, time, types, js, run_tasks
from pyodide.ffi import create_proxy
slices = [0]
loop = asyncio.get_event_loop()
async def leftover():
    first = run_tasks._RUN.get()
    %PRELUDE%
    last = 0.0
    while True:
        try:
            %EACH%
            sum(range(200_000))
            slices[0] += 1
            if time.monotonic() - last > 0.1:
                last = time.monotonic()
                await default_api.get_sales_data(region="leftover")
        except BaseException:
            pass
        try:
            await asyncio.sleep(0)
        except BaseException:
            pass
`;

export interface LeftoverAttack {
  name: string;
  /** The first run's cell: starts the task; its value is `slices[0]` as the run's code ends. */
  cell: string;
  /** How long to wait after the first run (a timer that fires between runs). */
  pauseMs?: number;
}

const attack = (name: string, parts: { prelude?: string; each?: string; setup?: string; start?: string; pauseMs?: number }): LeftoverAttack => ({
  name,
  cell: `${LEFTOVER.replace('%PRELUDE%', parts.prelude ?? 'pass').replace('%EACH%', parts.each ?? 'pass')}${parts.setup ?? ''}
${parts.start ?? 'task = asyncio.ensure_future(leftover())\nawait asyncio.sleep(0.3)'}
slices[0]`,
  pauseMs: parts.pauseMs,
});

const RESTORE_CALL_LATER = 'loop.call_later = types.MethodType(type(loop).call_later, loop)';

export const LEFTOVER_ATTACKS: LeftoverAttack[] = [
  attack('re-tags itself as no run (run_tasks._RUN.set(None))', { prelude: 'run_tasks._RUN.set(None)' }),
  attack("re-tags itself with the later run's number", {
    prelude: 'run_tasks._RUN.set(None)',
    each: 'active = run_tasks._active\n            run_tasks._RUN.set(active if active not in (None, first) else None)',
  }),
  attack('made by the loop’s own create_task, restored, in a context of no run', {
    setup: 'loop.create_task = types.MethodType(type(loop).create_task, loop)',
    start: 'task = loop.create_task(leftover(), context=contextvars.Context())\nawait asyncio.sleep(0.3)',
  }),
  attack('stepped by the loop’s own call_later, restored', { setup: RESTORE_CALL_LATER }),
  attack('with run_tasks.left_over replaced (and call_later restored)', { setup: `run_tasks.left_over = lambda: False\n${RESTORE_CALL_LATER}` }),
  attack('made by a JavaScript timer between runs (js.setTimeout)', {
    start: 'js.setTimeout(create_proxy(lambda: asyncio.ensure_future(leftover())), 300)',
    pauseMs: 800,
  }),
];

/** A fresh sandbox whose runs get the page function `get_sales_data`, and how many calls with region "leftover" its handler took. */
export interface LeftoverSandbox {
  run(code: string): Promise<{ outcome: string; result?: string; error?: { traceback?: string } }>;
  leftoverCalls(): Promise<number>;
}

/**
 * The attack's first run, then a later run that calls nothing (it sleeps 1 s on the event loop),
 * and a last one that reads the count. `callsAsLater`: calls the handler took during the later
 * runs; `slicesAfter`: slices computed after the first run's code ended.
 */
export async function outliveTheRun(sandbox: LeftoverSandbox, { cell, pauseMs }: LeftoverAttack): Promise<{ callsAsLater: number; slicesAfter: number }> {
  const first = await sandbox.run(cell);
  if (first.outcome !== 'OUTCOME_OK') throw new Error(`the attack's run failed: ${first.error?.traceback ?? first.outcome}`);
  const atEnd = Number(first.result);
  await new Promise((resolve) => setTimeout(resolve, pauseMs ?? 200));
  const before = await sandbox.leftoverCalls();
  await sandbox.run('import asyncio\nawait asyncio.sleep(1)');
  await new Promise((resolve) => setTimeout(resolve, 300));
  const last = await sandbox.run('slices[0]');
  return { callsAsLater: (await sandbox.leftoverCalls()) - before, slicesAfter: Number(last.result) - atEnd };
}
