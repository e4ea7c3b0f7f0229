/**
 * The silent-rollback check of issue 72, as the red team ran it: one HTTP server
 * (`--max-sessions 16 --idle-minutes 0.25 --state-dir <dir>`, so interpreters are given back,
 * saved, after 5 s without calls and handles closed after 15 s), ten v2 SDK clients pinned to
 * 2026-07-28, each with its own handle. Each sets a 20 MB blob and `x = 1`; once all ten are saved
 * while idle, each sets `x = 2`; then each reads `x` 5.3 s after its own set (while the idle saves
 * of the others wait in line one after another) and again 20 s after that (the handles closed and
 * taken up from the folder). Every read must say 2, or say `stateLost: true` with a note.
 *
 *   node bench/state-rollback.mjs [--isolation worker|deno] [--runs N] [--handles N] [--blob-mb N] [--cli path/to/cli.js]
 *
 * Needs `npm run build` first; runs a private copy of dist/ (teammates rebuild it). Prints one line
 * per run: the reads that said 2, the ones that said 1 with and without `stateLost`, and the
 * longest call and the busy answers retried; exits 1 if any read went back silently. Not part of `npm test` (a run takes 1-3 minutes).
 */
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { freezeBuild } from './frozen-build.mjs';
import { startMcpServer } from './mcp-server-process.mjs';

const CALL_TIMEOUT_MS = 600_000;
const READ_AFTER_MS = 5_300;
const READ_AGAIN_AFTER_MS = 20_000;

const { values } = parseArgs({
  options: {
    isolation: { type: 'string', default: 'worker' },
    runs: { type: 'string', default: '1' },
    handles: { type: 'string', default: '10' },
    'blob-mb': { type: 'string', default: '20' },
    // Another build's cli.js (a copy with a change undone, to see the check fail without it).
    cli: { type: 'string' },
  },
});
const counts = { handles: Number(values.handles), blobBytes: Number(values['blob-mb']) * 1_000_000 };

const frozen = values.cli ? undefined : freezeBuild();
let silent = 0;
try {
  for (let run = 1; run <= Number(values.runs); run++) {
    const row = await oneRun(values.cli ?? join(frozen.distDir, 'cli.js'), values.isolation, counts);
    silent += row.silent;
    console.log(JSON.stringify({ run, isolation: values.isolation, ...row }));
  }
} finally {
  frozen?.remove();
}
process.exit(silent > 0 ? 1 : 0);

/** One server, its clients, their reads; what each read said. */
async function oneRun(cli, isolation, { handles, blobBytes }) {
  const folder = mkdtempSync(join(tmpdir(), 'state-rollback-'));
  const server = await startMcpServer(cli, { flags: ['--isolation', isolation, '--max-sessions', '16', '--idle-minutes', '0.25', '--state-dir', folder] });
  const clients = [];
  const longest = { ms: 0 };
  const busy = { count: 0 };
  try {
    for (let i = 0; i < handles; i++) clients.push(await connect(server.url));
    const call = async (client, args) => {
      // A busy answer ("Call again in N seconds": ten boots at once on a busy machine) is retried as it says.
      for (let attempt = 0; ; attempt++) {
        const started = performance.now();
        const result = await client.callTool({ name: 'run_python', arguments: args }, { timeout: CALL_TIMEOUT_MS, resetTimeoutOnProgress: true });
        longest.ms = Math.max(longest.ms, performance.now() - started);
        const again = result.isError ? /Call again in (\d+) seconds/.exec(result.content?.[0]?.text ?? '') : null;
        if (!again || attempt >= 30) return result;
        busy.count++;
        await new Promise((resolve) => setTimeout(resolve, Number(again[1]) * 1000));
      }
    };
    const set = `import os\nblob = os.urandom(${blobBytes})\nx = 1`;
    const firsts = await Promise.all(clients.map((client) => call(client, { code: set })));
    const handleOf = firsts.map((result) => result.structuredContent?.handle);
    if (handleOf.some((handle) => typeof handle !== 'string'))
      throw new Error(`a first call gave no handle: ${JSON.stringify(firsts.find((r) => !r.structuredContent?.handle))}`);
    // Saved while idle: a save file per handle, past the blob's size, and no save being written.
    await until(() => {
      const names = readdirSync(folder);
      const saves = names.filter((name) => name.endsWith('.state') && statSync(join(folder, name)).size > blobBytes);
      return saves.length === handles && !names.some((name) => name.endsWith('.tmp'));
    }, 600_000);
    const reads = [];
    const outcomes = [];
    await Promise.all(
      clients.map(async (client, i) => {
        const handle = handleOf[i];
        const setTwo = await call(client, { code: 'x = 2', handle });
        outcomes.push(setTwo.structuredContent?.outcome ?? (setTwo.isError ? 'isError' : 'none'));
        for (const after of [READ_AFTER_MS, READ_AGAIN_AFTER_MS]) {
          await new Promise((resolve) => setTimeout(resolve, after));
          const read = await call(client, { code: 'x', handle });
          reads.push({ when: after, ...what(read) });
        }
      }),
    );
    const tally = (list) => ({
      two: list.filter((read) => read.value === '2').length,
      toldLost: list.filter((read) => read.value !== '2' && read.stateLost === true && read.note).length,
      silent: list.filter((read) => read.value !== '2' && !(read.stateLost === true && read.note)).length,
    });
    const during = tally(reads.filter((read) => read.when === READ_AFTER_MS));
    const after = tally(reads.filter((read) => read.when === READ_AGAIN_AFTER_MS));
    const odd = reads.filter((read) => read.value !== '2');
    return {
      setOutcomes: count(outcomes),
      during,
      after,
      silent: during.silent + after.silent,
      longestCallMs: Math.round(longest.ms),
      busyRetries: busy.count,
      ...(odd.length > 0 && { odd: odd.slice(0, 4) }),
      stderrLines: server
        .stderr()
        .split('\n')
        .filter((line) => /refused|evicted|could not/.test(line)).length,
    };
  } finally {
    await Promise.all(clients.map((client) => client.close().catch(() => undefined)));
    await server.stop();
    rmSync(folder, { recursive: true, force: true });
  }
}

function what(result) {
  const content = result.structuredContent ?? {};
  return {
    value: content.result ?? (result.isError ? `error: ${result.content?.[0]?.text?.slice(0, 200)}` : undefined),
    stateLost: content.stateLost,
    note: typeof content.note === 'string' ? content.note.slice(0, 200) : undefined,
  };
}

function count(list) {
  return Object.fromEntries([...new Set(list)].map((item) => [item, list.filter((other) => other === item).length]));
}

async function connect(url) {
  const client = new Client({ name: 'state-rollback', version: '1.0.0' }, { versionNegotiation: { mode: { pin: '2026-07-28' } } });
  await client.connect(new StreamableHTTPClientTransport(new URL(url)));
  await client.listTools();
  return client;
}

async function until(check, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
