/**
 * One MCP tool call's round trip from the run's Python, written once for Node and the browser page
 * (pages/mcp-tools.html): server-everything's `echo` through `mcpFunctions`, called `calls` times
 * in a loop after `warmup` calls, each call timed inside Python (`time.perf_counter()` around the
 * one `await default_api.everything__echo(...)`). Beside it, the same call from the host's
 * JavaScript straight to the client (`client.callTool`, timed with `performance.now()`): the
 * transport and the server alone, so the difference is what the sandbox adds. The two sides
 * alternate in blocks of a tenth of the calls, so a slow moment of a shared machine falls on both.
 */

/** Blocks the timed calls are split into, alternating host and Python. */
const BLOCKS = 10;

/** Python's loop; its value is the list of per-call times in ms. */
function loopCell(calls) {
  return [
    'import time',
    '_times = []',
    `for i in range(${calls}):`,
    '    t0 = time.perf_counter()',
    '    r = await default_api.everything__echo(message=f"ping {i}")',
    '    _times.append((time.perf_counter() - t0) * 1000)',
    '    assert r == f"Echo: ping {i}", r',
    '[round(t, 4) for t in _times]',
  ].join('\n');
}

/** `count` calls of `echo` straight through the client; per-call times in ms. */
async function hostCalls(client, count) {
  const times = [];
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    const result = await client.callTool({ name: 'echo', arguments: { message: `ping ${i}` } });
    times.push(performance.now() - started);
    if (result.content?.[0]?.text !== `Echo: ping ${i}`) throw new Error(`echo answered ${JSON.stringify(result)}`);
  }
  return times;
}

/**
 * `PythonSandbox.create(options)`, `mcpFunctions({ everything: client })` with `echo` alone, then
 * after a warm-up of each side, `calls` calls from each, in alternating blocks. Returns
 * `{ isolation, host, python }`, per-call times in ms (`isolation` as the sandbox reports it).
 */
export async function measureMcpCalls({ PythonSandbox, mcpFunctions, client, options = {}, counts: { warmup, calls } }) {
  const functions = await mcpFunctions({ everything: client }, { include: (tool) => tool.name === 'echo' });
  if (functions.length !== 1) throw new Error(`mcpFunctions offered ${functions.length} functions, not echo alone`);
  const sandbox = await PythonSandbox.create({ ...options, limits: { ...options.limits, maxFunctionCalls: Math.max(warmup, calls) + 1 } });
  try {
    await sandbox.whenIdle();
    const run = async (code) => {
      const r = await sandbox.run(code, { functions });
      if (r.outcome !== 'OUTCOME_OK') throw new Error(`MCP call loop failed: ${r.error?.name}: ${r.error?.message}\n${r.output}`);
      return JSON.parse(r.result);
    };
    await hostCalls(client, warmup);
    await run(loopCell(warmup));
    const host = [];
    const python = [];
    for (let block = 0; block < BLOCKS; block++) {
      const count = Math.floor((calls * (block + 1)) / BLOCKS) - Math.floor((calls * block) / BLOCKS);
      host.push(...(await hostCalls(client, count)));
      python.push(...(await run(loopCell(count))));
    }
    if (python.length !== calls || host.length !== calls) throw new Error(`${python.length} and ${host.length} of ${calls} calls timed`);
    return { isolation: sandbox.isolation, host, python };
  } finally {
    await sandbox.dispose();
  }
}
