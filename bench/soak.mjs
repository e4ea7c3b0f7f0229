/**
 * `npm run soak` (not part of `npm test`): three MCP HTTP servers behind the shipped HAProxy
 * configuration (the default Deno boundary, one shared state folder, `--max-sessions` per server
 * stated in the output), 100 clients for 10 minutes, half of 2026-07-28 (the v2 SDK pinned, by
 * handle) and half 2025-era (the 1.x SDK, by session), each running a small cell that counts in
 * its own interpreter and checking the count after every call: a count lower than the client's
 * last without `stateLost: true` is a silent rollback, back to 1 a silent loss. Clients pause
 * between bursts, often past the point where their interpreter is saved and given back
 * (`--idle-minutes`), so restores run all along. Server py2 is SIGKILLed at minute 4 and started
 * again at minute 6. A busy answer is called again after the seconds it names.
 *
 * Prints calls, errors by kind, states lost and rollbacks (reported / silent), p50/p95 call time
 * and each server's memory at minute 2 and at the end; exits 1 when its bar fails: a silent loss
 * or rollback, a reported one on a client of a server that was not killed, or a surviving server's
 * own RSS at the end more than 20% above minute 2's.
 *
 * `npm run soak` (builds first); `SOAK_MINUTES` (10: the kill and restart scale with it),
 * `SOAK_CLIENTS` (100), `SOAK_MAX_SESSIONS` (12 per server: at most 36 Deno interpreters live,
 * about 11 GB), `SOAK_IDLE_MINUTES` (1: an interpreter is given back after 20 s without calls);
 * `BENCH_HEAP_SNAPSHOTS=<folder>`: each server's V8 heap written there at minute 2 and at the end.
 */
import { readFileSync } from 'node:fs';
import { BUSY, CountingClient, startCluster } from './mcp-cluster.mjs';
import { processTree } from './process-tree.mjs';
import { percentile } from './suite.mjs';

const MINUTES = Number(process.env.SOAK_MINUTES ?? 10);
const CLIENTS = Number(process.env.SOAK_CLIENTS ?? 100);
const MAX_SESSIONS = process.env.SOAK_MAX_SESSIONS ?? '12';
const IDLE_MINUTES = Number(process.env.SOAK_IDLE_MINUTES ?? 1);
const KILLED = 1;
const RSS_GROWTH = 1.2;
const runMs = MINUTES * 60_000;
/** Minute `m` of the 10-minute plan, scaled to SOAK_MINUTES. */
const minute = (m) => (m / 10) * runMs;
const giveBackMs = (IDLE_MINUTES * 60_000) / 3;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const log = (line) => console.error(`[soak] ${new Date().toISOString().slice(11, 19)} ${line}`);

const flags = ['--max-sessions', MAX_SESSIONS, '--idle-minutes', String(IDLE_MINUTES)];
const cluster = await startCluster({ flags, log });
const events = [];
const memory = {};
let killedAt = Number.POSITIVE_INFINITY;
let orphans = 0;
const started = performance.now();
const elapsed = () => performance.now() - started;
const end = started + runMs;

// Each server's own RSS every tenth of the run, to tell growth that levels off from a leak.
const series = [];
const sampler = setInterval(() => series.push(measure()), minute(1));
const plan = [
  sleep(minute(2)).then(() => {
    memory.minute2 = measure();
    log(`memory at minute 2: ${JSON.stringify(memory.minute2)}`);
    for (const server of cluster.servers) server.heapSnapshot();
  }),
  sleep(minute(4)).then(async () => {
    killedAt = elapsed();
    log(`SIGKILL ${cluster.servers[KILLED].name}`);
    orphans = await cluster.kill(KILLED);
  }),
  sleep(minute(6)).then(async () => {
    await cluster.restart(KILLED);
    log(`${cluster.servers[KILLED].name} started again`);
  }),
  sleep(runMs - 1000).then(() => {
    memory.end = measure();
    log(`memory at the end: ${JSON.stringify(memory.end)}`);
    for (const server of cluster.servers) server.heapSnapshot();
  }),
];
const clients = Array.from({ length: CLIENTS }, (_, i) => new CountingClient(cluster.url, i % 2 ? 'legacy' : 'modern', i));
try {
  await Promise.all([...plan, ...clients.map(soakClient)]);
} finally {
  clearInterval(sampler);
  await Promise.all(clients.map((client) => client.close()));
  await cluster.stop();
}
const report = summarize();
console.log(table(report));
process.exit(report.failures.length > 0 ? 1 : 0);

/** One client until the end: bursts of 1–3 calls, then a pause, a quarter of them past the give-back. */
async function soakClient(client) {
  await sleep(Math.random() * Math.min(30_000, minute(1)));
  while (performance.now() < end && !(await connected(client))) await sleep(10_000);
  while (performance.now() < end) {
    for (let calls = 1 + Math.floor(Math.random() * 3); calls > 0 && performance.now() < end; calls--) {
      const step = await client.step();
      events.push({ ...step, t: elapsed(), era: client.era, client: client.id });
      if (step.kind === 'busy') await sleep(step.seconds * 1000);
      else if (step.kind === 'gone') while (performance.now() < end && !(await connected(client, true))) await sleep(10_000);
      else if (step.kind === 'error') await sleep(2000);
      else await sleep(1000);
    }
    const long = Math.random() < 0.25;
    await sleep(long ? giveBackMs + 5000 + Math.random() * giveBackMs * 2 : 2000 + Math.random() * 8000);
  }
}

/** Connects (a 2025 client: a new session), recording a failure as an error of its kind. */
async function connected(client, renew = false) {
  try {
    await (renew ? client.renew() : client.connect());
    return true;
  } catch (error) {
    const message = String(error?.message ?? error);
    // A 2025 initialize at --max-sessions: 503 with Retry-After (10 s, as the caller waits), busy before any session exists.
    const busy = BUSY.exec(message);
    events.push({ kind: busy ? 'busy' : 'error', what: `connect: ${message.slice(0, 100)}`, t: elapsed(), era: client.era, client: client.id, ms: 0 });
    return false;
  }
}

/** Each server's own RSS, and with its Deno processes, in MiB. */
function measure() {
  return Object.fromEntries(
    cluster.servers.map((server) => {
      const tree = processTree(server.pid);
      const rss = tree.map(rssKiB);
      return [server.name, { rssMiB: Math.round(rss[0] / 1024), treeMiB: Math.round(rss.reduce((a, b) => a + b, 0) / 1024), processes: tree.length }];
    }),
  );
}

function rssKiB(pid) {
  try {
    return Number(/^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'latin1'))?.[1] ?? 0);
  } catch {
    return 0;
  }
}

function summarize() {
  const killed = cluster.servers[KILLED].name;
  const count = (test) => events.filter(test).length;
  // A 2025 session that ended (404) before its first count lost nothing.
  const isLoss = (e) => e.kind === 'lost' || (e.kind === 'gone' && e.had > 0);
  const lostOrBack = (kind, told) => count((e) => (kind === 'lost' ? isLoss(e) : e.kind === kind) && Boolean(e.told) === told);
  const errors = {};
  for (const e of events) {
    const what =
      e.kind === 'error'
        ? e.what
        : e.kind === 'ahead'
          ? 'ahead of its count (a call ran twice?)'
          : e.kind === 'busy'
            ? `busy (call again)${e.what ? ', at connect' : ''}`
            : undefined;
    if (what) errors[what] = (errors[what] ?? 0) + 1;
  }
  const told = events.filter((e) => (isLoss(e) || e.kind === 'rollback') && e.told);
  const onKilled = (e) => e.home === killed && e.t >= killedAt;
  const elsewhere = told.filter((e) => !onKilled(e));
  // Each reported loss or rollback by where and why.
  const reasons = {};
  for (const e of told) {
    const why = e.kind === 'gone' ? 'a 2025 session answered 404' : String(e.what ?? e.note ?? '').slice(0, 160);
    const key = `${e.kind === 'rollback' ? 'rollback' : 'loss'} on ${onKilled(e) ? `${killed}'s clients after its kill` : `${e.home ?? 'a new handle'} (not killed)`}: ${why}`;
    reasons[key] = (reasons[key] ?? 0) + 1;
  }
  const times = events.filter((e) => e.kind !== 'busy' && e.ms > 0).map((e) => e.ms);
  const report = {
    minutes: MINUTES,
    clients: CLIENTS,
    flags,
    calls: events.filter((e) => e.ms > 0).length,
    errors,
    reasons,
    endedUnused: count((e) => e.kind === 'gone' && !(e.had > 0)),
    lost: { reported: lostOrBack('lost', true), silent: lostOrBack('lost', false) },
    rollbacks: { reported: lostOrBack('rollback', true), silent: lostOrBack('rollback', false) },
    toldButIntact: count((e) => e.kind === 'ok' && e.told),
    p50ms: Math.round(percentile(times, 50) ?? 0),
    p95ms: Math.round(percentile(times, 95) ?? 0),
    memory,
    orphans,
    killed,
    silent: events.filter((e) => (e.kind === 'lost' || e.kind === 'rollback') && !e.told),
    elsewhere,
  };
  const failures = [];
  if (report.lost.silent > 0 || report.rollbacks.silent > 0) failures.push(`silent: ${JSON.stringify(report.silent.slice(0, 5))}`);
  if (elsewhere.length > 0) failures.push(`reported losses not on ${killed}'s clients after its kill: ${JSON.stringify(elsewhere.slice(0, 5))}`);
  for (const [name, at2] of Object.entries(memory.minute2 ?? {})) {
    const atEnd = memory.end?.[name];
    if (name !== killed && atEnd && atEnd.rssMiB > at2.rssMiB * RSS_GROWTH) failures.push(`${name}'s RSS grew from ${at2.rssMiB} to ${atEnd.rssMiB} MiB`);
  }
  return { ...report, failures };
}

function table(r) {
  const row = (what, value) => `| ${what} | ${value} |`;
  const mem = (name) => {
    const at2 = r.memory.minute2?.[name];
    const atEnd = r.memory.end?.[name];
    const show = (m) => (m ? `${m.rssMiB} MiB (${m.treeMiB} MiB with its ${m.processes - 1} Deno processes)` : '–');
    const trend = series.map((sample) => sample[name]?.rssMiB ?? '–').join(', ');
    return row(`${name} RSS, minute ${(MINUTES * 0.2).toFixed(1)} → end (its own, each tenth of the run: ${trend} MiB)`, `${show(at2)} → ${show(atEnd)}`);
  };
  return [
    `### Soak: ${r.clients} clients (half 2026-07-28, half 2025), ${r.minutes} minutes, 3 servers behind HAProxy (\`${r.flags.join(' ')}\`, Deno boundary, shared --state-dir), ${r.killed} SIGKILLed at minute ${(MINUTES * 0.4).toFixed(1)} and started again at ${(MINUTES * 0.6).toFixed(1)}`,
    '',
    '| What | Count |',
    '| --- | --- |',
    row('calls', r.calls),
    ...Object.entries(r.errors)
      .sort((a, b) => b[1] - a[1])
      .map(([what, n]) => row(`error: ${what.replaceAll('|', '/')}`, n)),
    row('states lost: reported / silent', `${r.lost.reported} / ${r.lost.silent}`),
    row('rollbacks: reported / silent', `${r.rollbacks.reported} / ${r.rollbacks.silent}`),
    ...Object.entries(r.reasons)
      .sort((a, b) => b[1] - a[1])
      .map(([why, n]) => row(`reported: ${why.replaceAll('|', '/').replaceAll('\n', ' ')}`, n)),
    row('2025 sessions ended (404) before their first count', r.endedUnused),
    row('stateLost: true with the count intact', r.toldButIntact),
    row('call time p50 / p95 (busy answers left out)', `${r.p50ms} / ${r.p95ms} ms`),
    ...cluster.servers.map((server) => mem(server.name)),
    row(`Deno processes left by the SIGKILL (killed after 5 s)`, r.orphans),
    '',
    r.failures.length
      ? `Bar FAILED:\n${r.failures.map((f) => `- ${f}`).join('\n')}`
      : 'Bar passed: no silent loss or rollback, every reported one on the killed server’s clients, surviving servers’ RSS within 20%.',
  ].join('\n');
}
