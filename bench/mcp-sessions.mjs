/**
 * How many sessions the MCP server holds per GiB, with idle interpreters saved instead of kept:
 * the HTTP server as it runs by default (Python behind the Deno boundary, a Deno process per
 * live interpreter), N clients of the 2025 protocol, each its own session holding `x = 41` and a
 * small file. The server's process tree (the server and its Deno processes), summed PSS and RSS,
 * read with no session, with the N live, and once every one was given back after its idle time
 * and saved: into the server's memory (the default store) or into a state folder (`--state-dir`,
 * its files' bytes too). Then each saved session's next call, `x + 1`, timed: its interpreter
 * booted and restored, checked to answer 42 with `stateLost: false` and to read its file back;
 * against the same call to a live session. The two stores alternate round by round, each round
 * a fresh server.
 *
 * An idle server does not collect its garbage: the saves' transfer from the Deno processes (base64
 * parts, their buffers) stays in its heap until something allocates again, so the saved sessions'
 * memory is read twice, as the server sits and after a garbage collection forced over the
 * inspector (every server is started with `--inspect=127.0.0.1:0` for it, the variants alike).
 *
 * The idle time is the command line's own `--idle-minutes` (it takes fractions): over HTTP an
 * interpreter is given back after a third of it, and the session is closed after all of it, which
 * with the memory store deletes its save, so it must outlast the restores.
 *
 * Alone: `node bench/mcp-sessions.mjs` (after `npm run build`; `BENCH_QUICK=1` for a handful of
 * samples). In the whole bench: `BENCH_ONLY=mcp-sessions npm run bench`.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { treeMemory } from './process-tree.mjs';
import { runAloneIfMain } from './run-alone.mjs';
import { median } from './suite.mjs';

/** rounds (each: both stores, a fresh server each), sessions per server, timed live calls per session, `--idle-minutes`. */
export const MCP_SESSIONS_COUNTS = { rounds: 2, sessions: 6, liveCalls: 5, idleMinutes: 2.5 };
export const MCP_SESSIONS_QUICK_COUNTS = { rounds: 1, sessions: 3, liveCalls: 3, idleMinutes: 1.5 };

/** [key, label]: where idle interpreters are saved. */
const STORES = [
  ['memory', "the server's memory (default)"],
  ['folder', 'a state folder (`--state-dir`)'],
];
const FILE_TEXT = 'written before the idle save';
const DEFINE = `x = 41\nwith open("kept.txt", "w") as f: f.write(${JSON.stringify(FILE_TEXT)})`;
const MIB = 2 ** 20;
/** The memory read this long after the tree settled: a Deno process's exit, a save's buffers let go. */
const SETTLE_MS = 2000;
/** `--max-state-bytes` by default: the bound on the saves' total bytes, in memory or in the folder. */
const MAX_STATE_BYTES = 2 ** 30;

/** Every round, both stores in rotating order; `distDir` is the frozen build's. */
export async function benchMcpSessions({ distDir, counts, log }) {
  const rounds = Object.fromEntries(STORES.map(([key]) => [key, []]));
  for (let round = 0; round < counts.rounds; round++)
    for (let i = 0; i < STORES.length; i++) {
      const [key] = STORES[(i + round) % STORES.length];
      log(`mcp sessions, round ${round + 1}/${counts.rounds}: ${counts.sessions} sessions, saved into ${key}`);
      rounds[key].push(await measureStore({ cli: join(distDir, 'cli.js'), store: key, counts, log }));
    }
  return { counts, ...rounds };
}

/** One server: its tree alone, with N live sessions, with the N saved; then each saved session's next call. */
async function measureStore({ cli, store, counts, log }) {
  const folder = store === 'folder' ? mkdtempSync(join(tmpdir(), 'bench-mcp-state-')) : undefined;
  const server = await startServer(cli, ['--idle-minutes', String(counts.idleMinutes), ...(folder ? ['--state-dir', folder] : [])]);
  const clients = [];
  try {
    await sleep(SETTLE_MS);
    const alone = memoryOf(server.pid);
    for (let i = 0; i < counts.sessions; i++) {
      const client = new Client({ name: 'bench', version: '1.0.0' });
      const transport = new StreamableHTTPClientTransport(new URL(server.url));
      await client.connect(transport);
      clients.push({ client, transport });
      const first = await client.callTool({ name: 'run_python', arguments: { code: DEFINE } });
      if (first.isError) throw new Error(`x = 41 failed: ${JSON.stringify(first)}`);
    }
    const liveMs = [];
    for (const { client } of clients) {
      await answer42(client);
      for (let i = 0; i < counts.liveCalls; i++) liveMs.push((await answer42(client)).ms);
    }
    // The last call's end: every session's idle time counts from around it.
    const lastCall = performance.now();
    await sleep(SETTLE_MS);
    const live = memoryOf(server.pid);
    // One Deno process per live session: its interpreter is its own.
    if (live.processes - alone.processes !== counts.sessions)
      throw new Error(`${live.processes - alone.processes} processes under the server for ${counts.sessions} live sessions`);
    log(`mcp sessions: ${counts.sessions} live, waiting for their idle saves`);
    // Saved once every Deno process is stopped (each after its save), and with a folder its files are there.
    const deadline = lastCall + counts.idleMinutes * 60_000;
    while (treeMemory(server.pid).processes > alone.processes || (folder && savedFiles(folder).length < counts.sessions)) {
      if (performance.now() > deadline) throw new Error(`the ${counts.sessions} sessions were not saved before their idle time ended`);
      await sleep(250);
    }
    const savedAfterMs = performance.now() - lastCall;
    await sleep(SETTLE_MS);
    const saved = memoryOf(server.pid);
    const host = await server.collectGarbage();
    await sleep(SETTLE_MS);
    const collected = { ...memoryOf(server.pid), arrayBuffers: host.arrayBuffers };
    const diskBytes = folder ? savedFiles(folder).map((name) => statSync(join(folder, name)).size) : undefined;
    const restoreMs = [];
    for (const { client } of clients) {
      restoreMs.push((await answer42(client)).ms);
      const file = await client.callTool({ name: 'read_file', arguments: { path: 'kept.txt' } });
      if (file.content?.[0]?.text !== FILE_TEXT) throw new Error(`kept.txt read back ${JSON.stringify(file)}`);
    }
    return { alone, live, saved, collected, savedAfterMs, diskBytes, liveMs, restoreMs };
  } finally {
    await Promise.all(
      clients.map(({ client, transport }) =>
        transport.terminateSession().then(
          () => client.close(),
          () => client.close(),
        ),
      ),
    );
    await server.stop();
    if (folder) rmSync(folder, { recursive: true, force: true });
  }
}

/** `x + 1` in the client's session, timed; anything but 42 with the state kept throws. */
async function answer42(client) {
  const t0 = performance.now();
  const result = await client.callTool({ name: 'run_python', arguments: { code: 'x + 1' } });
  const ms = performance.now() - t0;
  if (result.isError || result.content?.[0]?.text !== '42' || result.structuredContent?.stateLost !== false)
    throw new Error(`x + 1 answered ${JSON.stringify(result)}`);
  return { ms };
}

function memoryOf(pid) {
  const memory = treeMemory(pid);
  if (!memory) throw new Error('the server process tree cannot be read (Linux /proc only)');
  return memory;
}

const savedFiles = (folder) => readdirSync(folder).filter((name) => name.endsWith('.state'));
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * `dist/cli.js mcp --http 0 <flags>` with its inspector on a free local port, once it says where it
 * listens; default isolation (Deno). `collectGarbage` forces a full collection in the server and
 * returns its `process.memoryUsage()`.
 */
async function startServer(cli, flags) {
  const child = spawn(process.execPath, ['--inspect=127.0.0.1:0', cli, 'mcp', '--http', '0', ...flags], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  const { url, inspector } = await new Promise((resolve, reject) => {
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (text) => {
      stderr += text;
      const http = /at (http:\/\/\S+)/.exec(stderr);
      const ws = /Debugger listening on (ws:\/\/\S+)/.exec(stderr);
      if (http && ws) resolve({ url: http[1], inspector: ws[1] });
    });
    child.once('exit', (code) => reject(new Error(`the server exited (${code}): ${stderr}`)));
  });
  return {
    url,
    pid: child.pid,
    collectGarbage: () => collectGarbage(inspector),
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Over the inspector at `url` (Chrome DevTools Protocol): a full garbage collection, then `process.memoryUsage()`. */
async function collectGarbage(url) {
  const socket = new WebSocket(url);
  await new Promise((resolve, reject) => {
    socket.addEventListener('open', resolve, { once: true });
    socket.addEventListener('error', () => reject(new Error(`the server's inspector at ${url} refused the connection`)), { once: true });
  });
  let id = 0;
  const send = (method, params = {}) =>
    new Promise((resolve, reject) => {
      const ours = ++id;
      const onMessage = (event) => {
        const message = JSON.parse(event.data);
        if (message.id !== ours) return;
        socket.removeEventListener('message', onMessage);
        if (message.error) reject(new Error(`${method}: ${message.error.message}`));
        else resolve(message.result);
      };
      socket.addEventListener('message', onMessage);
      socket.send(JSON.stringify({ id: ours, method, params }));
    });
  try {
    await send('HeapProfiler.collectGarbage');
    const { result } = await send('Runtime.evaluate', { expression: 'JSON.stringify(process.memoryUsage())' });
    return JSON.parse(result.value);
  } finally {
    socket.close();
  }
}

/** Per round: each session's share of the tree over the server alone, in MiB. */
function perSession(rounds, state, field, sessions) {
  return rounds.map((round) => (round[state][field] - round.alone[field]) / sessions / MIB);
}

/** "median [lowest–highest] unit", or the one value. */
function range(values, digits, unit) {
  const f = (value) => value.toFixed(digits);
  const [low, high] = [Math.min(...values), Math.max(...values)];
  return `${f(median(values))}${values.length > 1 && f(low) !== f(high) ? ` [${f(low)}–${f(high)}]` : ''}${unit}`;
}

/** The table: memory per live and per saved session, sessions per GiB, the saved state's bytes, a restore's time. */
export function mcpSessionsTable(results) {
  if (!results) return '';
  const { counts } = results;
  const n = counts.sessions;
  const row = (label, f) => `| ${label} | ${STORES.map(([key]) => (results[key]?.length ? f(results[key]) : '—')).join(' | ')} |`;
  const both = (pss, rss) => `${range(pss, 0, ' MiB')} (RSS ${range(rss, 0, ' MiB')})`;
  const treeRow = (label, state) =>
    row(label, (rounds) =>
      both(
        rounds.map((r) => r[state].pss / MIB),
        rounds.map((r) => r[state].rss / MIB),
      ),
    );
  const shareRow = (label, state) => row(label, (rounds) => both(perSession(rounds, state, 'pss', n), perSession(rounds, state, 'rss', n)));
  const perGibRow = (label, state) =>
    row(label, (rounds) =>
      range(
        perSession(rounds, state, 'pss', n).map((share) => Math.floor(1024 / share)),
        0,
        '',
      ),
    );
  const diskBytes = (results.folder ?? []).flatMap((r) => r.diskBytes);
  return [
    '### MCP server: sessions held per GiB, idle interpreters saved',
    '',
    `| HTTP server, default isolation (Python behind the Deno boundary), ${n} sessions (2025 protocol) each holding \`x = 41\` and a small file; \`--idle-minutes ${counts.idleMinutes}\` | Saved into ${STORES[0][1]} | Saved into ${STORES[1][1]} |`,
    '| --- | --- | --- |',
    treeRow('Server alone, no session: summed PSS of its process tree (RSS)', 'alone'),
    treeRow(`${n} live sessions: the server and a Deno process each`, 'live'),
    shareRow('Per live session (over the server alone)', 'live'),
    perGibRow('**Live sessions per GiB** (by PSS)', 'live'),
    treeRow(`The same ${n} after their idle saves (every Deno process stopped), as the server sits`, 'saved'),
    shareRow('Per saved session, as the server sits', 'saved'),
    perGibRow('**Saved sessions per GiB**, as the server sits', 'saved'),
    treeRow('The same after a garbage collection in the server (forced over its inspector)', 'collected'),
    shareRow('Per saved session, after the collection', 'collected'),
    perGibRow('**Saved sessions per GiB**, after the collection', 'collected'),
    row("Array buffers in the server's heap after the collection (`process.memoryUsage()`)", (rounds) =>
      range(
        rounds.map((r) => r.collected.arrayBuffers / MIB),
        1,
        ' MiB',
      ),
    ),
    row('One saved state', (rounds) =>
      rounds[0].diskBytes
        ? `${range(
            diskBytes.map((b) => b / MIB),
            1,
            ' MiB',
          )} on disk`
        : 'the same bytes, in the heap',
    ),
    row('Saved sessions within `--max-state-bytes` (default 1 GiB)', () => (diskBytes.length ? `${Math.floor(MAX_STATE_BYTES / median(diskBytes))}` : '—')),
    row('All saved, from the last call (given back after a third of the idle time, one after another)', (rounds) =>
      range(
        rounds.map((r) => r.savedAfterMs / 1000),
        1,
        ' s',
      ),
    ),
    row('Call to a live session, `x + 1`, median', (rounds) => range([median(rounds.flatMap((r) => r.liveMs))], 1, ' ms')),
    row('First call to a saved session (boot, restore, `x + 1` → 42, `stateLost: false`), median [fastest–slowest]', (rounds) =>
      range(
        rounds.flatMap((r) => r.restoreMs),
        0,
        ' ms',
      ),
    ),
  ].join('\n');
}

await runAloneIfMain(import.meta.url, {
  bench: benchMcpSessions,
  table: mcpSessionsTable,
  counts: MCP_SESSIONS_COUNTS,
  quickCounts: MCP_SESSIONS_QUICK_COUNTS,
});
