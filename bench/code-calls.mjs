/**
 * One call's round trip in code mode, from the run's Python to a page function and back, written
 * once for Node and the browser page (browser-bench.mjs): `RunOptions.functions` with a handler
 * that returns a small dict, called `calls` times in a loop after `warmup` calls. Each call is
 * timed inside Python (`time.perf_counter()` around the one call), so the host's run round trip
 * is not in it. Two forms: awaited (`await default_api.ping(i=i)` in an async cell) and plain
 * (`default_api.ping(i=i)` in a cell without `await`: it waits in place, where the engine has
 * JSPI or the worker's thread can block). Two floors: the same loop around
 * `await asyncio.sleep(0)` (one turn of Pyodide's event loop), and around awaiting an already resolved JavaScript promise (what an awaited call's answer
 * costs Python once it is in the worker), no call.
 */

/** The page's function: a small dict back, its argument checked against the schema. */
const PING = {
  name: 'ping',
  description: 'Answers with a small dict.',
  parameters: { type: 'object', properties: { i: { type: 'integer' } }, required: ['i'] },
  handler: ({ i }) => ({ i, ok: true, label: 'pong' }),
};

/** Python's loop; its value is the list of per-call times in ms (a Python list of floats reads as JSON). */
function loopCell(calls, form) {
  const call = {
    awaited: 'r = await default_api.ping(i=i)',
    plain: 'r = default_api.ping(i=i)',
    floor: 'r = {"i": i}\n    await asyncio.sleep(0)',
    promise: 'r = {"i": await Promise.resolve(i)}',
  }[form];
  return [
    // Only the floors import asyncio and js: a cell that awaits runs as a task, where a plain call
    // cannot wait in place.
    { floor: 'import asyncio, time', promise: 'import time\nfrom js import Promise' }[form] ?? 'import time',
    '_times = []',
    `for i in range(${calls}):`,
    '    t0 = time.perf_counter()',
    `    ${call}`,
    '    _times.append((time.perf_counter() - t0) * 1000)',
    '    assert r["i"] == i, r',
    '[round(t, 4) for t in _times]',
  ].join('\n');
}

/** Whether a plain call waits in place here (JSPI, or a blocked thread): where it cannot, it raises AwaitRequired. */
const CAN_WAIT = ['try:', '    default_api.ping(i=0)', '    waits = True', 'except default_api.AwaitRequired:', '    waits = False', 'waits'].join('\n');

/**
 * `PythonSandbox.create(options)` once, then for each form the warm-up and the timed loop, in one
 * run each. Returns `{ isolation, jspi, forms: { awaited, plain?, floor, promise } }`, each form's per-call
 * times in ms (plain is left out where a plain call cannot wait).
 */
export async function measureCodeCalls(PythonSandbox, options, { warmup, calls }) {
  const limits = { maxFunctionCalls: Math.max(warmup, calls) + 1 };
  const sandbox = await PythonSandbox.create({ ...options, limits: { ...options?.limits, ...limits } });
  try {
    await sandbox.whenIdle();
    const run = async (code) => {
      const r = await sandbox.run(code, { functions: [PING] });
      if (r.outcome !== 'OUTCOME_OK') throw new Error(`code-call loop failed: ${r.error?.name}: ${r.error?.message}\n${r.output}`);
      return r.result;
    };
    // A plain call waits in place only through JSPI or a blocked thread: a plain run checks it.
    const jspi = (await run(CAN_WAIT)) === 'True';
    const forms = {};
    for (const form of ['floor', 'promise', 'awaited', ...(jspi ? ['plain'] : [])]) {
      await run(loopCell(warmup, form));
      forms[form] = JSON.parse(await run(loopCell(calls, form)));
      if (forms[form].length !== calls) throw new Error(`${form}: ${forms[form].length} of ${calls} calls timed`);
    }
    return { isolation: sandbox.isolation, jspi, forms };
  } finally {
    await sandbox.dispose();
  }
}
