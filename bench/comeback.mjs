/**
 * Issue 72's "30 clients come back at once" by hand: three servers behind the shipped HAProxy
 * configuration (the default Deno boundary, one state folder), 30 clients of 2026-07-28 each set
 * their counter with their first calls at once, go idle until every interpreter is saved and given
 * back, then all call again at once. A busy answer is called again after the seconds it names.
 * Prints, per phase: p50 and max time to each client's own answer (its busy retries included),
 * busy answers and whether the retry got the client's own `n`, states lost and rollbacks (told or
 * silent), other errors; and the servers' summed memory at its peak (Deno processes included).
 *
 * `npm run build && node bench/comeback.mjs`; `COMEBACK_CLIENTS` (30), `COMEBACK_MAX_BOOTS` (unset:
 * the server's default, one per core), `COMEBACK_MAX_SESSIONS` (16, so that no interpreter is
 * evicted), `COMEBACK_IDLE_MINUTES` (0.75: given back after 15 s).
 */
import { readFileSync } from 'node:fs';
import { CountingClient, startCluster } from './mcp-cluster.mjs';
import { processTree } from './process-tree.mjs';
import { percentile } from './suite.mjs';

const CLIENTS = Number(process.env.COMEBACK_CLIENTS ?? 30);
const IDLE_MINUTES = process.env.COMEBACK_IDLE_MINUTES ?? '0.75';
const flags = ['--max-sessions', process.env.COMEBACK_MAX_SESSIONS ?? '16', '--idle-minutes', IDLE_MINUTES];
if (process.env.COMEBACK_MAX_BOOTS) flags.push('--max-boots', process.env.COMEBACK_MAX_BOOTS);
const log = (line) => console.error(`[comeback] ${new Date().toISOString().slice(11, 19)} ${line}`);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const cluster = await startCluster({ flags, log });
let peakMiB = 0;
const sampler = setInterval(() => {
  const pids = cluster.servers.flatMap((server) => processTree(server.pid));
  peakMiB = Math.max(peakMiB, pids.reduce((sum, pid) => sum + rssKiB(pid), 0) / 1024);
}, 2000);
try {
  const clients = Array.from({ length: CLIENTS }, (_, i) => new CountingClient(cluster.url, 'modern', i));
  await Promise.all(clients.map((client) => client.connect()));
  log(`flags: ${flags.join(' ')}; ${CLIENTS} clients connected`);
  const first = await phase(clients);
  log(`first calls: ${summary(first)}`);
  const waitStarted = Date.now();
  while (cluster.savedStates() < CLIENTS || cluster.servers.some((server) => processTree(server.pid).length > 1)) {
    if (Date.now() - waitStarted > 10 * 60_000)
      throw new Error(`not every interpreter was saved and given back in 10 minutes (${cluster.savedStates()} saved)`);
    await sleep(1000);
  }
  log(`all ${cluster.savedStates()} saved and given back after ${Math.round((Date.now() - waitStarted) / 1000)} s`);
  const again = await phase(clients);
  log(`come back at once: ${summary(again)}`);
  console.log(JSON.stringify({ flags, clients: CLIENTS, first: totals(first), again: totals(again), peakMiB: Math.round(peakMiB) }, null, 2));
  await Promise.all(clients.map((client) => client.close()));
} finally {
  clearInterval(sampler);
  await cluster.stop();
}

/** Every client's call at once, each called again after a busy answer, until it gets an answer that is not busy. */
async function phase(clients) {
  return Promise.all(
    clients.map(async (client) => {
      const started = performance.now();
      const steps = [];
      for (;;) {
        const step = await client.step();
        steps.push(step);
        if (step.kind !== 'busy') return { ms: performance.now() - started, steps };
        await sleep(step.seconds * 1000);
      }
    }),
  );
}

function totals(outcomes) {
  const last = outcomes.map((outcome) => outcome.steps.at(-1));
  const count = (test) => last.filter(test).length;
  const busy = outcomes.filter((outcome) => outcome.steps.length > 1);
  const times = outcomes.map((outcome) => outcome.ms);
  return {
    p50s: +(percentile(times, 50) / 1000).toFixed(1),
    maxs: +(Math.max(...times) / 1000).toFixed(1),
    ownAnswer: count((step) => step.kind === 'ok'),
    busyAnswers: outcomes.reduce((sum, outcome) => sum + outcome.steps.length - 1, 0),
    clientsToldBusy: busy.length,
    busyThenOwn: busy.filter((outcome) => outcome.steps.at(-1).kind === 'ok').length,
    lostTold: count((step) => step.kind === 'lost' && step.told),
    lostSilent: count((step) => step.kind === 'lost' && !step.told),
    rollbackTold: count((step) => step.kind === 'rollback' && step.told),
    rollbackSilent: count((step) => step.kind === 'rollback' && !step.told),
    errors: last.filter((step) => step.kind === 'error' || step.kind === 'ahead').map((step) => step.what ?? `ahead ${step.got}/${step.want}`),
    told: last.filter((step) => step.kind === 'lost' || step.kind === 'rollback').map((step) => `${step.home}: ${step.what ?? step.note}`),
  };
}

function summary(outcomes) {
  return JSON.stringify(totals(outcomes));
}

function rssKiB(pid) {
  try {
    return Number(/^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'latin1'))?.[1] ?? 0);
  } catch {
    return 0;
  }
}
