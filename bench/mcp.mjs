/**
 * The MCP server's costs beside raw Pyodide in this process: "start to first result" (spawning
 * `dist/cli.js mcp` on stdio, the SDK client's initialize, the session's interpreter booting from
 * the shipped snapshot, one `run_python`) against `RawPyodide.start()` plus one run; and one
 * call's round trip (`run_python` of `x = 1` through the client, stdio and the server) against
 * raw Pyodide's `run`. The server is measured twice: as it runs by default, behind its boundary
 * (a Deno process), and with `--isolation worker` (a worker thread, no boundary), so the
 * boundary's cost is the ratio of the two. Beside each start, the memory of the server and the
 * processes it started (summed PSS, Linux): before the first call, and after its result (the
 * difference is what a session's interpreter costs). mcp-run-python (pydantic's MCP server on Pyodide, run with Deno) is not a
 * contestant: it is not on this machine's package mirror.
 *
 * Alone: `node bench/mcp.mjs` (after `npm run build`; `BENCH_QUICK=1` for a handful of samples).
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { treeMemory } from './process-tree.mjs';
import { RawPyodide } from './raw-pyodide.mjs';
import { runAloneIfMain } from './run-alone.mjs';
import { median, percentile, repeat } from './suite.mjs';

const pyodideModule = createRequire(import.meta.url).resolve('pyodide/pyodide.mjs');
const ASSIGN = 'x = 1';

/** Rounds of each measurement: starts are seconds each, round trips milliseconds. */
export const MCP_COUNTS = { starts: 5, roundTrips: 300 };
export const MCP_QUICK_COUNTS = { starts: 1, roundTrips: 30 };

/**
 * @param {{ distDir: string, counts?: { starts: number, roundTrips: number }, log?: (line: string) => void }} options
 * @returns {Promise<{ mcp: Record<string, number>, raw: Record<string, number>, samples: Record<string, number[]> }>}
 */
export async function benchMcp({ distDir, counts = MCP_COUNTS, log = () => {} }) {
  const cli = join(distDir, 'cli.js');
  const mcpStarts = [];
  const threadStarts = [];
  const rawStarts = [];
  /** Per start: the server's processes' PSS after the first result, and its growth over the server before the call. */
  const memory = { mcp: [], thread: [], mcpSession: [], threadSession: [] };
  // Alternating, so a slow moment of the machine falls on all three.
  for (let i = 0; i < counts.starts; i++) {
    log(`mcp: start ${i + 1} of ${counts.starts}`);
    for (const [flags, starts, name] of [
      [[], mcpStarts, 'mcp'],
      [THREAD, threadStarts, 'thread'],
    ]) {
      const mcp = await startMcp(cli, flags);
      starts.push(mcp.ms);
      if (mcp.memory) {
        memory[name].push(mcp.memory.after);
        memory[`${name}Session`].push(mcp.memory.after - mcp.memory.before);
      }
      await mcp.client.close();
    }
    const raw = await startRaw();
    rawStarts.push(raw.ms);
    await raw.target.dispose();
  }
  log('mcp: round trips');
  const { client } = await startMcp(cli, []);
  const thread = (await startMcp(cli, THREAD)).client;
  const raw = (await startRaw()).target;
  try {
    const call = (on) => () => on.callTool({ name: 'run_python', arguments: { code: ASSIGN } });
    await repeat(20, call(client));
    await repeat(20, call(thread));
    await repeat(20, () => raw.run(ASSIGN));
    const mcpTrips = await repeat(counts.roundTrips, () => timed(call(client)));
    const threadTrips = await repeat(counts.roundTrips, () => timed(call(thread)));
    const rawTrips = await repeat(counts.roundTrips, () => timed(() => raw.run(ASSIGN)));
    const summary = (starts, trips, bytes = [], sessionBytes = []) => ({
      startMs: median(starts),
      roundTripMedianMs: median(trips),
      roundTripP99Ms: percentile(trips, 99),
      ...(bytes.length > 0 && { memoryBytes: median(bytes), sessionBytes: median(sessionBytes) }),
    });
    return {
      mcp: summary(mcpStarts, mcpTrips, memory.mcp, memory.mcpSession),
      thread: summary(threadStarts, threadTrips, memory.thread, memory.threadSession),
      raw: summary(rawStarts, rawTrips),
      samples: { mcpStarts, threadStarts, rawStarts, mcpTrips, threadTrips, rawTrips, ...memory },
    };
  } finally {
    await client.close();
    await thread.close();
    await raw.dispose();
  }
}

/** The server without its boundary, for the boundary's cost. */
const THREAD = ['--isolation', 'worker'];

/** The Markdown table of {@link benchMcp}'s results. */
export function mcpTable(results) {
  if (!results) return '';
  const ms = (value) => (value === undefined ? '—' : value >= 100 ? `${Math.round(value)} ms` : `${value.toFixed(2)} ms`);
  const ratio = (a, b) => (a === undefined || b === undefined ? '—' : `${(a / b).toFixed(1)}×`);
  const rows = [
    ['MCP server start to first result (stdio) vs raw Pyodide boot + first run', 'startMs'],
    ['One call round trip (`x = 1`), median', 'roundTripMedianMs'],
    ['One call round trip, p99', 'roundTripP99Ms'],
  ];
  const mb = (value) => (value === undefined ? '—' : `${Math.round(value / 2 ** 20)} MiB`);
  const memoryRows = [
    ['Memory after the first result: the server and the processes it started (PSS)', 'memoryBytes'],
    ["of which the session's interpreter (over the server before its first call)", 'sessionBytes'],
  ];
  const cells = (key) => [results.mcp[key], results.thread?.[key], results.raw[key]];
  return [
    '| Metric | MCP server (Deno boundary, default) | MCP server (`--isolation worker`) | Raw Pyodide (same process) | boundary ÷ worker | boundary ÷ raw |',
    '| --- | --- | --- | --- | --- | --- |',
    ...rows.map(([label, key]) => {
      const [deno, thread, raw] = cells(key);
      return `| ${label} | ${ms(deno)} | ${ms(thread)} | ${ms(raw)} | ${ratio(deno, thread)} | ${ratio(deno, raw)} |`;
    }),
    ...memoryRows
      .filter(([, key]) => results.mcp[key] !== undefined)
      .map(([label, key]) => {
        const [deno, thread] = cells(key);
        return `| ${label} | ${mb(deno)} | ${mb(thread)} | — | ${ratio(deno, thread)} | — |`;
      }),
  ].join('\n');
}

async function startMcp(cli, flags) {
  const started = performance.now();
  const client = new Client({ name: 'bench', version: '1.0.0' });
  const transport = new StdioClientTransport({ command: process.execPath, args: [cli, 'mcp', ...flags], stderr: 'ignore' });
  await client.connect(transport);
  // Read outside the timed span would change nothing: the call below waits for the boot anyway.
  const before = treeMemory(transport.pid)?.pss;
  const result = await client.callTool({ name: 'run_python', arguments: { code: '1 + 1' } });
  const ms = performance.now() - started;
  if (result.content?.[0]?.text !== '2') throw new Error(`the first MCP run did not return 2: ${JSON.stringify(result)}`);
  const after = treeMemory(transport.pid)?.pss;
  return { client, ms, memory: before !== undefined && after !== undefined ? { before, after } : undefined };
}

async function startRaw() {
  const started = performance.now();
  const target = await RawPyodide.start({ workerUrl: new URL('./raw-worker.mjs', import.meta.url), pyodideUrl: pathToFileURL(pyodideModule).href });
  const result = await target.run('1 + 1');
  const ms = performance.now() - started;
  if (!result.ok) throw new Error(`the first raw run failed: ${result.error}`);
  return { target, ms };
}

async function timed(fn) {
  const started = performance.now();
  await fn();
  return performance.now() - started;
}

await runAloneIfMain(import.meta.url, { bench: benchMcp, table: mcpTable, counts: MCP_COUNTS, quickCounts: MCP_QUICK_COUNTS });
