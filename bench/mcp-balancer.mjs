/**
 * Many MCP servers behind one address: `run_python('x + 1')` through the shipped HAProxy
 * configuration (examples/mcp-balancer/haproxy.cfg, Debian's haproxy) in front of one HTTP server
 * and in front of three (`--instance py1..py3`), 30 clients of the 2026-07-28 protocol at once
 * (the SDK's v2 client, pinned), each with its own interpreter behind its own handle. Per variant:
 * calls per second over all clients, each call's p50 and p99, the handles each server holds and
 * each server's resident memory (VmRSS, with its interpreters) after the calls. One instance gets
 * the same configuration with its three server lines pointing at it, so both variants cross the
 * same balancer. Every server runs Python in worker threads (`--isolation worker`, ~100 MB an
 * interpreter; 30 Deno interpreters would need ~10 GB) and holds up to 32 (`--max-sessions 32`),
 * so none is evicted. The variants alternate within each round, and each round starts fresh
 * servers and a fresh balancer.
 *
 * Alone: `node bench/mcp-balancer.mjs` (after `npm run build`; `BENCH_QUICK=1` for a handful of
 * samples). In the whole bench: `BENCH_ONLY=mcp-balancer npm run bench`.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { runAloneIfMain, testSupport } from './run-alone.mjs';
import { median, percentile } from './suite.mjs';
import { startMcpServer } from './mcp-server-process.mjs';

export const MCP_BALANCER_COUNTS = { rounds: 3, clients: 30, warmup: 5, calls: 20 };
export const MCP_BALANCER_QUICK_COUNTS = { rounds: 1, clients: 30, warmup: 2, calls: 5 };

/** [key, label, instances]. */
const VARIANTS = [
  ['one', '1 server', 1],
  ['three', '3 servers', 3],
];
const SERVER_FLAGS = ['--isolation', 'worker', '--max-sessions', '32'];
const MIB = 1024 * 1024;
/** Interpreters started at once: 30 boots at once on 2 cores outlast the client's 60 s request timeout. */
const BOOTS_AT_ONCE = 4;
/** A call's timeout: 30 clients' calls queue on 2 cores. */
const CALL_TIMEOUT_MS = 300_000;

/** Every round, both variants in rotating order; `distDir` is the frozen build's. */
export async function benchMcpBalancer({ distDir, counts, log }) {
  const { HAPROXY, haproxyPresent, startBalancer } = await testSupport('balancer.ts');
  if (!haproxyPresent) {
    log(`mcp balancer: skipped, no HAProxy at ${HAPROXY}`);
    return { counts, skipped: `no HAProxy at ${HAPROXY}` };
  }
  const rounds = Object.fromEntries(VARIANTS.map(([key]) => [key, []]));
  for (let round = 0; round < counts.rounds; round++)
    for (let i = 0; i < VARIANTS.length; i++) {
      const [key, , instances] = VARIANTS[(i + round) % VARIANTS.length];
      log(`mcp balancer, round ${round + 1}/${counts.rounds}: ${key}`);
      rounds[key].push(await measureVariant({ distDir, instances, counts, startBalancer, log }));
    }
  const out = { counts, haproxy: await haproxyVersion(HAPROXY) };
  for (const [key] of VARIANTS) out[key] = summarize(rounds[key]);
  // Each round's own ratio, three servers over one: the machine's moments fall on both.
  out.ratios = {
    callsPerSecond: spread(rounds.three.map((three, i) => three.callsPerSecond / rounds.one[i].callsPerSecond)),
    p50: spread(rounds.three.map((three, i) => three.p50 / rounds.one[i].p50)),
    p99: spread(rounds.three.map((three, i) => three.p99 / rounds.one[i].p99)),
  };
  return out;
}

/** One variant's servers and balancer, its clients' handles, then the timed calls; everything stopped after. */
async function measureVariant({ distDir, instances, counts, startBalancer, log }) {
  const servers = await Promise.all(
    Array.from({ length: instances }, (_, i) => startMcpServer(join(distDir, 'cli.js'), { name: `py${i + 1}`, flags: SERVER_FLAGS })),
  );
  const clients = [];
  let balancer;
  try {
    const hosts = servers.map((server) => new URL(server.url).host);
    balancer = await startBalancer([hosts[0], hosts[1 % instances], hosts[2 % instances]]);
    const bootStarted = performance.now();
    // Each client: its own connection, the tools listed (the SDK then sends Mcp-Param-Handle), its interpreter started.
    let next = 0;
    const startOne = async () => {
      const client = new Client({ name: 'bench', version: '1.0.0' }, { versionNegotiation: { mode: { pin: '2026-07-28' } } });
      await client.connect(new StreamableHTTPClientTransport(new URL(balancer.url)));
      clients.push(client);
      await client.listTools();
      const first = await client.callTool({ name: 'run_python', arguments: { code: 'x = 41' } }, { timeout: CALL_TIMEOUT_MS });
      const handle = first.structuredContent?.handle;
      if (typeof handle !== 'string') throw new Error(`no handle: ${JSON.stringify(first)}`);
      client.handle = handle;
    };
    await Promise.all(
      Array.from({ length: BOOTS_AT_ONCE }, async () => {
        while (next++ < counts.clients) await startOne();
      }),
    );
    const bootMs = performance.now() - bootStarted;
    log(`mcp balancer: ${counts.clients} interpreters started in ${Math.round(bootMs)} ms`);
    const call = async (client) => {
      const result = await client.callTool({ name: 'run_python', arguments: { code: 'x + 1', handle: client.handle } }, { timeout: CALL_TIMEOUT_MS });
      const text = result.content?.[0]?.text;
      if (result.isError || text !== '42') throw new Error(`x + 1 answered ${JSON.stringify(result)}`);
    };
    await Promise.all(
      clients.map(async (client) => {
        for (let i = 0; i < counts.warmup; i++) await call(client);
      }),
    );
    const latencies = [];
    const started = performance.now();
    await Promise.all(
      clients.map(async (client) => {
        for (let i = 0; i < counts.calls; i++) {
          const t0 = performance.now();
          await call(client);
          latencies.push(performance.now() - t0);
        }
      }),
    );
    const wallMs = performance.now() - started;
    const perServer = servers.map((server) => ({
      name: server.name,
      handles: clients.filter((client) => client.handle.startsWith(`${server.name}.`)).length,
      rssMiB: memoryOf(server.pid, 'VmRSS') / MIB,
      peakMiB: memoryOf(server.pid, 'VmHWM') / MIB,
    }));
    if (perServer.reduce((sum, server) => sum + server.handles, 0) !== counts.clients)
      throw new Error(`handles of unknown servers: ${clients.map((c) => c.handle.split('.')[0])}`);
    return {
      callsPerSecond: latencies.length / (wallMs / 1000),
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      calls: latencies.length,
      bootMs,
      perServer,
    };
  } finally {
    await Promise.all(clients.map((client) => client.close().catch(() => {})));
    await balancer?.stop();
    await Promise.all(servers.map((server) => server.stop()));
  }
}

/** A /proc/PID/status field in bytes. */
function memoryOf(pid, field) {
  const kib = new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'latin1'))?.[1];
  return Number(kib ?? Number.NaN) * 1024;
}

async function haproxyVersion(binary) {
  const child = spawn(binary, ['-v'], { stdio: ['ignore', 'pipe', 'ignore'] });
  let text = '';
  child.stdout.on('data', (chunk) => {
    text += chunk;
  });
  await new Promise((resolve) => child.once('close', resolve));
  return /version (\S+)/.exec(text)?.[1];
}

/** The median over rounds, with the lowest and highest round. */
function spread(values) {
  return { median: median(values), min: Math.min(...values), max: Math.max(...values), values };
}

function summarize(rounds) {
  const servers = rounds.flatMap((round) => round.perServer);
  return {
    callsPerSecond: spread(rounds.map((round) => round.callsPerSecond)),
    p50: spread(rounds.map((round) => round.p50)),
    p99: spread(rounds.map((round) => round.p99)),
    bootMs: spread(rounds.map((round) => round.bootMs)),
    calls: rounds[0].calls,
    handles: rounds.map((round) => round.perServer.map((server) => server.handles)),
    rssMiB: spread(servers.map((server) => server.rssMiB)),
    peakMiB: spread(servers.map((server) => server.peakMiB)),
    rssPerInterpreterMiB: spread(servers.map((server) => server.rssMiB / Math.max(1, server.handles))),
  };
}

/** The table: each variant's throughput, latency and memory, then the ratios. */
export function mcpBalancerTable(results) {
  if (!results) return '';
  if (results.skipped) return `### MCP servers behind a balancer\n\nSkipped: ${results.skipped}.`;
  const range = (s, digits = 0) => `${s.median.toFixed(digits)} [${s.min.toFixed(digits)}–${s.max.toFixed(digits)}]`;
  const ms = (s) => `${range(s, 1)} ms`;
  const ratio = (s) => `${s.median.toFixed(2)}× [${s.min.toFixed(2)}–${s.max.toFixed(2)}]`;
  const { counts } = results;
  return [
    '### MCP servers behind a balancer',
    '',
    `| \`run_python('x + 1')\` by handle, ${counts.clients} clients at once, ${counts.calls} calls each, HAProxy ${results.haproxy ?? '?'} | Calls per second | p50 | p99 | Handles per server (each round) | RSS per server after the calls | Peak RSS per server | RSS per interpreter | ${counts.clients} interpreters started in |`,
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...VARIANTS.map(([key, label]) => {
      const v = results[key];
      return `| ${label} (\`--isolation worker --max-sessions 32\`) | ${range(v.callsPerSecond)} | ${ms(v.p50)} | ${ms(v.p99)} | ${v.handles.map((h) => h.join('/')).join(', ')} | ${range(v.rssMiB)} MiB | ${range(v.peakMiB)} MiB | ${range(v.rssPerInterpreterMiB)} MiB | ${(v.bootMs.median / 1000).toFixed(1)} s |`;
    }),
    `| 3 servers ÷ 1 (each round's own) | ${ratio(results.ratios.callsPerSecond)} | ${ratio(results.ratios.p50)} | ${ratio(results.ratios.p99)} | | | | | |`,
  ].join('\n');
}

await runAloneIfMain(import.meta.url, {
  bench: benchMcpBalancer,
  table: mcpBalancerTable,
  counts: MCP_BALANCER_COUNTS,
  quickCounts: MCP_BALANCER_QUICK_COUNTS,
});
