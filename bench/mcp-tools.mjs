/**
 * Code mode over MCP (`mcpFunctions`), against real MCP servers from npm:
 *   - the model's traffic of two tasks, direct tool calls against code mode, with the task's server
 *     alone and with six servers (discovery on demand), on a scripted fake model (mcp-traffic.mjs);
 *   - one MCP call's round trip from the run's Python (server-everything's `echo`, mcp-calls.mjs),
 *     p50 and p95 per round: in Node over stdio with `isolation: 'deno'` (the Deno boundary) and
 *     `'worker'`, and in Chromium over Streamable HTTP with the default frame (a plain page and a
 *     cross-origin-isolated one) and `isolation: 'worker'`; beside each, the same call from the
 *     host's JavaScript straight to the client.
 *
 * Alone: `node bench/mcp-tools.mjs [traffic] [node] [chromium]` (after `npm run build`; all three
 * without arguments; `BENCH_QUICK=1` for a handful of samples). Run the Chromium part under the
 * browser lock. In the whole bench: `BENCH_ONLY=mcp-tools npm run bench`.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { measureMcpCalls } from './mcp-calls.mjs';
import { MODES, connectServer, mcpTraffic } from './mcp-traffic.mjs';
import { runAloneIfMain } from './run-alone.mjs';
import { median, percentile } from './suite.mjs';

export const MCP_TOOLS_COUNTS = { rounds: 3, warmup: 30, calls: 300 };
export const MCP_TOOLS_QUICK_COUNTS = { rounds: 1, warmup: 5, calls: 30 };

const NODE_VARIANTS = [
  ['deno', "Node: `isolation: 'deno'` (the Deno boundary), stdio", { isolation: 'deno' }],
  ['worker', "Node: `isolation: 'worker'` (a worker thread), stdio", { isolation: 'worker' }],
];
/** [key, label, site ('isolated' | 'plain'), create() options]. */
const CHROMIUM_VARIANTS = [
  ['plainFrame', "Chromium: `isolation: 'frame'` (default), page without COOP/COEP, Streamable HTTP", 'plain', {}],
  ['isolatedFrame', "Chromium: `isolation: 'frame'` (default), cross-origin-isolated page, Streamable HTTP", 'isolated', {}],
  ['plainWorker', "Chromium: `isolation: 'worker'`, page without COOP/COEP, Streamable HTTP", 'plain', { isolation: 'worker' }],
];

/** Every part asked for (`parts`: 'traffic', 'node', 'chromium'); Chromium needs `root` (the frozen build) and the test harness's `launchChromium`, `startStaticServer` and `startEverythingOverHttp`. */
export async function benchMcpTools({
  distDir,
  root,
  counts,
  parts = ['traffic', 'node', 'chromium'],
  launchChromium,
  startStaticServer,
  startEverythingOverHttp,
  log,
}) {
  const out = { counts };
  if (parts.includes('traffic')) out.traffic = await mcpTraffic(distDir, log);
  if (parts.includes('node')) out.node = await nodeRoundTrips(distDir, counts, log);
  if (parts.includes('chromium')) out.chromium = await chromiumRoundTrips({ root, counts, launchChromium, startStaticServer, startEverythingOverHttp, log });
  return out;
}

/** Per round a fresh server-everything on stdio and a fresh sandbox per variant, the variants in rotating order. */
async function nodeRoundTrips(distDir, counts, log) {
  const { PythonSandbox, mcpFunctions } = await import(pathToFileURL(join(distDir, 'index.node.js')).href);
  const rounds = Object.fromEntries(NODE_VARIANTS.map(([key]) => [key, []]));
  for (let round = 0; round < counts.rounds; round++)
    for (let i = 0; i < NODE_VARIANTS.length; i++) {
      const [key, , options] = NODE_VARIANTS[(i + round) % NODE_VARIANTS.length];
      log(`mcp tools, node round ${round + 1}/${counts.rounds}: ${key}`);
      const client = await connectServer('everything');
      try {
        const measured = await measureMcpCalls({ PythonSandbox, mcpFunctions, client, options, counts });
        if (measured.isolation !== options.isolation) throw new Error(`${key}: create() made ${measured.isolation} isolation`);
        rounds[key].push(measured);
      } finally {
        await client.close();
      }
    }
  return Object.fromEntries(Object.entries(rounds).map(([key, measured]) => [key, summarize(measured)]));
}

/** Per round one browser and one server-everything over HTTP; a fresh context, page and MCP session per variant. */
async function chromiumRoundTrips({ root, counts, launchChromium, startStaticServer, startEverythingOverHttp, log }) {
  await bundleMcpClient(root);
  const sites = { isolated: await startStaticServer({ root, crossOriginIsolated: true }), plain: await startStaticServer({ root }) };
  const rounds = Object.fromEntries(CHROMIUM_VARIANTS.map(([key]) => [key, []]));
  let version;
  try {
    for (let round = 0; round < counts.rounds; round++) {
      const everything = await startEverythingOverHttp();
      const browser = await launchChromium().catch(async (error) => {
        await everything.stop();
        throw error;
      });
      version = browser.version();
      try {
        for (let i = 0; i < CHROMIUM_VARIANTS.length; i++) {
          const [key, , site, options] = CHROMIUM_VARIANTS[(i + round) % CHROMIUM_VARIANTS.length];
          log(`mcp tools, chromium round ${round + 1}/${counts.rounds}: ${key}`);
          const context = await browser.newContext();
          try {
            const page = await context.newPage();
            page.on('response', (response) => response.status() >= 400 && log(`chromium: ${response.status()} for ${response.url()}`));
            await page.goto(`${sites[site].origin}/bench/pages/mcp-tools.html`);
            await page.waitForFunction(() => window.mcpBench ?? window.mcpBenchError);
            const state = await page.evaluate(() => ({ error: window.mcpBenchError, isolated: crossOriginIsolated }));
            if (state.error) throw new Error(`the MCP bench page failed to load: ${state.error}`);
            if (state.isolated !== (site === 'isolated')) throw new Error(`${key}: the page is ${state.isolated ? '' : 'not '}cross-origin isolated`);
            const measured = await page.evaluate(([url, o, c]) => window.mcpBench.calls(url, o, c), [everything.url, options, counts]);
            const expected = options.isolation ?? 'frame';
            if (measured.isolation !== expected) throw new Error(`${key}: create() made ${measured.isolation} isolation, not ${expected}`);
            rounds[key].push(measured);
          } finally {
            await context.close();
          }
        }
      } finally {
        await browser.close();
        await everything.stop();
      }
    }
  } finally {
    await sites.isolated.close();
    await sites.plain.close();
  }
  return { version, ...Object.fromEntries(Object.entries(rounds).map(([key, measured]) => [key, summarize(measured)])) };
}

/** Per side (host, python): each round's p50 and p95, and their medians over rounds. */
function summarize(rounds) {
  const out = {};
  for (const side of ['host', 'python']) {
    const p50s = rounds.map((r) => percentile(r[side], 50));
    const p95s = rounds.map((r) => percentile(r[side], 95));
    out[side] = { p50: median(p50s), p95: median(p95s), p50s, p95s, calls: rounds[0][side].length };
  }
  return out;
}

/** The official SDK's client (`Client`, `StreamableHTTPClientTransport`) bundled for the page into `<root>/mcp-client/`, as an app's bundler would. */
async function bundleMcpClient(root) {
  const { build } = await import('vite');
  const entry = join(root, 'mcp-client-entry.js');
  writeFileSync(
    entry,
    "export { Client } from '@modelcontextprotocol/sdk/client/index.js';\nexport { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';\n",
  );
  mkdirSync(join(root, 'mcp-client'), { recursive: true });
  try {
    await build({
      configFile: false,
      logLevel: 'warn',
      publicDir: false,
      root,
      build: { outDir: join(root, 'mcp-client'), emptyOutDir: true, lib: { entry, formats: ['es'], fileName: () => 'mcp-client.js' } },
    });
  } finally {
    rmSync(entry, { force: true });
  }
}

const TASKS = [
  ['files', 'Task: the 3 largest of 25 files in 11 folders, summarised (server-filesystem)'],
  ['graph', 'Task: projects led by people at companies based in Berlin (server-memory, 78 entities, 112 relations)'],
];
/** The graph task's direct modes differ from the files task's where its calls depend on each other. */
const GRAPH_LABELS = {
  direct: 'Direct tool calls: `search_nodes`, then `open_nodes` twice, one per response',
  directParallel: 'Direct tool calls: the whole graph at once (`read_graph`)',
  directMany: 'Direct tool calls as the first row, six servers connected ({tools} tools declared)',
};

/** The tables: each task's traffic, then the round trips. */
export function mcpToolsTable(results) {
  if (!results) return '';
  const lines = ['### Code mode over MCP'];
  for (const [task, title] of TASKS) {
    const t = results.traffic?.[task];
    if (!t) continue;
    const ratio = (a, b, key) => `${(t[a][key] / t[b][key]).toFixed(1)}×`;
    const ratioRow = (a, b, label) =>
      `| ${label} | ${ratio(a, b, 'requests')} | ${ratio(a, b, 'toolCalls')} | ${ratio(a, b, 'contentsBytes')} | ${ratio(a, b, 'requestBytes')} | ${ratio(a, b, 'responseBytes')} | ${ratio(a, b, 'toolBytes')} |`;
    lines.push(
      '',
      `| ${title} | Model requests | MCP tool calls | Bytes sent to the model (\`contents\`, summed over requests) | Same, with tool declarations | Bytes the model wrote | Tool declarations, one request (bytes) |`,
      '| --- | --- | --- | --- | --- | --- | --- |',
      ...MODES.map(([mode, label]) => {
        const m = t[mode];
        const named = ((task === 'graph' && GRAPH_LABELS[mode]) || label).replace('{tools}', m.tools);
        return `| ${named} | ${m.requests} | ${m.toolCalls} | ${m.contentsBytes} | ${m.requestBytes} | ${m.responseBytes} | ${m.toolBytes} |`;
      }),
      ratioRow('direct', 'code', 'Direct (first row) ÷ code mode'),
      ratioRow('directParallel', 'code', 'Direct (second row) ÷ code mode'),
      ratioRow('directMany', 'codeMany', 'Six servers: direct ÷ code mode with discovery'),
      '',
      `\`run_python\`'s description: ${t.direct.description.length} characters beside the direct modes' ${t.direct.tools} declared tools, ${t.code.description.length} with the ${t.code.tools} tools' signatures listed, ${t.codeMany.description.length} with ${t.codeMany.tools} tools named by server only (discovery on demand).`,
    );
  }
  const trips = [
    ...NODE_VARIANTS.map(([key, label]) => [label, results.node?.[key]]),
    ...CHROMIUM_VARIANTS.map(([key, label]) => [label, results.chromium?.[key]]),
  ].filter(([, measured]) => measured);
  if (trips.length > 0) {
    const ms = (value) => `${value.toFixed(2)} ms`;
    lines.push(
      '',
      '| One MCP call (`echo`) | From Python p50 | p95 | From the host’s JavaScript (`client.callTool`) p50 | p95 | Python − host, p50 |',
      '| --- | --- | --- | --- | --- | --- |',
      ...trips.map(
        ([label, { python, host }]) =>
          `| ${label} | ${ms(python.p50)} | ${ms(python.p95)} | ${ms(host.p50)} | ${ms(host.p95)} | ${ms(python.p50 - host.p50)} |`,
      ),
    );
    const c = results.counts;
    lines.push(
      '',
      `${c.calls} calls after ${c.warmup}, each side; a fresh sandbox and MCP session per variant and round; p50 and p95 per round, medians over ${c.rounds} round${c.rounds === 1 ? '' : 's'}.`,
    );
  }
  return lines.join('\n');
}

await runAloneIfMain(import.meta.url, { bench: benchMcpTools, table: mcpToolsTable, counts: MCP_TOOLS_COUNTS, quickCounts: MCP_TOOLS_QUICK_COUNTS });
