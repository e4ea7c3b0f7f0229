/**
 * Saved state (`saveState`, `create({ savedState })`, `restoreState`) in Node, against a fresh
 * boot measured in the same rounds: for an idle session and for one holding ~100 MB
 * (`list(range(3_000_000))`), per isolation (a worker thread; the Deno boundary where Deno runs).
 * - save: `saveState()` from the call to its bytes, and the bytes' length;
 * - restore: `PythonSandbox.create({ savedState })` until it resolves (one boot from the saved
 *   memory), checked by a run that reads the saved variable;
 * - the control: `PythonSandbox.create()` of the same options (a boot from the snapshot), and
 *   `restoreState(bytes)` into a running sandbox (the second boot the create option saves).
 * Each measured boot comes after a pause (`SETTLE_MS`), as a restore does in use (an MCP session
 * coming back after its idle minutes): the process's worker thread started ahead
 * (src/sandbox/isolation/thread-ahead.ts) is then ready, for the control as for the restore.
 *
 * Alone: `node bench/saved-state.mjs` (the built dist/), or `BENCH_ONLY=saved-state npm run bench`.
 */
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { median } from './suite.mjs';

export const SAVED_STATE_COUNTS = { rounds: 5 };
export const SAVED_STATE_QUICK_COUNTS = { rounds: 1 };

/** Long enough for a thread started ahead to have started and imported Pyodide (about 70 ms), on a busy machine too. */
const SETTLE_MS = 500;
const settle = () => new Promise((resolve) => setTimeout(resolve, SETTLE_MS));

const SESSIONS = {
  idle: { code: 'x = 41', check: 'x + 1', expect: '42' },
  big: { code: 'x = 41\ndata = list(range(3_000_000))', check: 'x + len(data) // 3_000_000', expect: '42' },
};

/** Every sample, by isolation and session; `distDir`: the built package (the bench's frozen copy). */
export async function benchSavedState({ distDir, counts, log, isolations = ['worker', 'deno'] }) {
  const { PythonSandbox } = await import(pathToFileURL(join(distDir, 'index.node.js')).href);
  const samples = {};
  for (const isolation of isolations) {
    const options = { isolation, warmSpare: false, restartPoints: false };
    try {
      await (await PythonSandbox.create(options)).dispose();
    } catch (error) {
      log(`saved state: ${isolation} does not start here (${error?.message ?? error}); its rows are left out`);
      continue;
    }
    for (const [name, session] of Object.entries(SESSIONS)) {
      const out = (samples[`${isolation}/${name}`] = { bytes: [], saveMs: [], createFromMs: [], createMs: [], restoreMs: [] });
      for (let round = 0; round < counts.rounds; round++) {
        log(`saved state: ${isolation}, ${name} session, round ${round + 1}/${counts.rounds}`);
        await measureRound(PythonSandbox, options, session, out);
      }
    }
  }
  return { counts, samples };
}

async function measureRound(PythonSandbox, options, session, out) {
  const source = await PythonSandbox.create(options);
  let bytes;
  try {
    await ok(source, session.code);
    let t = performance.now();
    bytes = await source.saveState();
    out.saveMs.push(performance.now() - t);
    out.bytes.push(bytes.length);
    // The control first and the measured path second on alternate rounds would be fairer still; a
    // fresh boot is the same work whatever came before it, so it goes first every round.
    await settle();
    t = performance.now();
    const fresh = await PythonSandbox.create(options);
    out.createMs.push(performance.now() - t);
    try {
      await settle();
      t = performance.now();
      await fresh.restoreState(bytes);
      out.restoreMs.push(performance.now() - t);
      await check(fresh, session);
    } finally {
      await fresh.dispose();
    }
  } finally {
    await source.dispose();
  }
  await settle();
  const t = performance.now();
  const restored = await PythonSandbox.create({ ...options, savedState: bytes });
  out.createFromMs.push(performance.now() - t);
  try {
    if (restored.bootPath !== 'saved') throw new Error(`create({ savedState }) booted ${restored.bootPath}`);
    await check(restored, session);
  } finally {
    await restored.dispose();
  }
}

async function ok(sandbox, code) {
  const r = await sandbox.run(code);
  if (r.outcome !== 'OUTCOME_OK') throw new Error(`${code}: ${r.outcome} ${r.error?.message}`);
  return r;
}

async function check(sandbox, session) {
  const r = await ok(sandbox, session.check);
  if (r.result !== session.expect || r.stateLost) throw new Error(`restored session: ${session.check} is ${r.result} (stateLost ${r.stateLost})`);
}

/** The group's Markdown table. */
export function savedStateTable(result) {
  if (!result) return '';
  const ms = (v) => (v.length ? `${Math.round(median(v))} ms` : '\u2013');
  const mb = (v) => `${(median(v) / 2 ** 20).toFixed(1)} MB`;
  const rows = Object.entries(result.samples).map(([key, s]) => {
    const [isolation, name] = key.split('/');
    const session = name === 'idle' ? 'idle (`x = 41`)' : '~100 MB (`list(range(3_000_000))`)';
    return [`${isolation}, ${session}`, mb(s.bytes), ms(s.saveMs), ms(s.createFromMs), ms(s.createMs), ms(s.restoreMs)];
  });
  return [
    `### Saved state, Node (${result.counts.rounds} rounds, medians)`,
    '',
    '| Isolation, session | bytes (packed) | `saveState()` | `create({ savedState })` | control: `create()` (snapshot boot) | `restoreState()` into a running sandbox |',
    '| --- | --- | --- | --- | --- | --- |',
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const quick = process.env.BENCH_QUICK === '1';
  const distDir = new URL('../dist/', import.meta.url).pathname;
  const result = await benchSavedState({ distDir, counts: quick ? SAVED_STATE_QUICK_COUNTS : SAVED_STATE_COUNTS, log: (line) => console.error(line) });
  console.log(savedStateTable(result));
}
