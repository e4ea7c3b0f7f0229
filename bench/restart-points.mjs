/**
 * Restart points (`SandboxOptions.restartPoints`) in Node, a worker thread: what they cost and
 * buy, each sandbox with them paired against one without in the same process, round by round.
 * - Memory: the packed bytes the host holds, for an idle session and for one holding ~100 MB.
 * - Time: the save, from a run's result until the point is kept (`whenIdle`, the warm spare
 *   already booted); a run sent one turn after the previous result, when the save has just taken
 *   the worker (the worst a run waits for it); 100 small runs back to back, whose saves are
 *   skipped (the per-run rows' case).
 * - What they buy: a run the interrupt cannot stop (`timeoutMs: 300`), from its deadline to the
 *   next result: the point restored against today's warm spare, and whether `x` survived.
 *
 * Alone: `node bench/restart-points.mjs` (the built dist/), or `BENCH_ONLY=restart-points npm run bench`.
 */
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { median } from './suite.mjs';

export const RESTART_POINTS_COUNTS = { rounds: 5, smallRuns: 100 };
export const RESTART_POINTS_QUICK_COUNTS = { rounds: 1, smallRuns: 20 };

const UNSTOPPABLE = 'while True:\n    try:\n        while True: pass\n    except BaseException:\n        pass';
const BIG = 'data = list(range(3_000_000))';

/** Every sample; `distDir`: the built package (the bench's frozen copy). */
export async function benchRestartPoints({ distDir, counts, log }) {
  const { PythonSandbox } = await import(pathToFileURL(join(distDir, 'index.node.js')).href);
  const samples = { on: emptySamples(), off: emptySamples() };
  for (let round = 0; round < counts.rounds; round++) {
    for (const variant of round % 2 ? ['off', 'on'] : ['on', 'off']) {
      log(`restart points: round ${round + 1}/${counts.rounds}, ${variant}`);
      const sandbox = await PythonSandbox.create({ restartPoints: variant === 'on', limits: { interruptGraceMs: 200 } });
      try {
        await measureRound(sandbox, samples[variant], counts, variant === 'on');
      } finally {
        await sandbox.dispose();
      }
    }
  }
  return { counts, samples };
}

function emptySamples() {
  return { idleBytes: [], bigBytes: [], saveMs: [], bigSaveMs: [], runAfterTurnMs: [], smallRunMs: [], stopToNextMs: [], kept: [] };
}

async function measureRound(sandbox, out, counts, on) {
  const held = () => sandbox.restartPoint?.heldBytes ?? 0;
  await sandbox.run('x = 1');
  await sandbox.whenIdle(); // the warm spare's boot, and the first save
  await ok(sandbox, 'x = 2');
  let t = performance.now();
  await sandbox.whenIdle();
  out.saveMs.push(performance.now() - t);
  out.idleBytes.push(held());
  // A run sent one turn after the result: the save has just taken the worker.
  await ok(sandbox, 'x = 3');
  await new Promise((resolve) => setTimeout(resolve, 0));
  t = performance.now();
  await ok(sandbox, 'pass');
  out.runAfterTurnMs.push(performance.now() - t);
  await sandbox.whenIdle();
  // Back to back: the per-run rows' case.
  const times = [];
  for (let i = 0; i < counts.smallRuns; i++) {
    t = performance.now();
    await ok(sandbox, `y = ${i} * 2`);
    times.push(performance.now() - t);
  }
  out.smallRunMs.push(median(times));
  await sandbox.whenIdle();
  // What it buys: the deadline of a run the interrupt cannot stop, to the next result.
  t = performance.now();
  const stopped = await sandbox.run(UNSTOPPABLE, { timeoutMs: 300 });
  const next = await sandbox.run('x');
  out.stopToNextMs.push(performance.now() - t - 300);
  if (stopped.outcome !== 'OUTCOME_DEADLINE_EXCEEDED') throw new Error(`the unstoppable run ended ${stopped.outcome}`);
  out.kept.push(next.result === '3');
  if (on !== (next.result === '3')) throw new Error(`restart points ${on ? 'on' : 'off'}, yet x is ${next.result ?? next.error?.name}`);
  // A session holding ~100 MB.
  await ok(sandbox, BIG);
  t = performance.now();
  await sandbox.whenIdle();
  out.bigSaveMs.push(performance.now() - t);
  out.bigBytes.push(held());
}

async function ok(sandbox, code) {
  const r = await sandbox.run(code);
  if (r.outcome !== 'OUTCOME_OK') throw new Error(`${code}: ${r.outcome} ${r.error?.message}`);
  return r;
}

/** The group's Markdown table. */
export function restartPointsTable(result) {
  if (!result) return '';
  const { on, off } = result.samples;
  const ms = (v) => {
    const m = median(v);
    return `${m < 10 ? m.toFixed(2) : Math.round(m)} ms`;
  };
  const mb = (v) => `${(median(v) / 2 ** 20).toFixed(1)} MB`;
  const rows = [
    ['held in host memory, idle session (packed)', mb(on.idleBytes), '0'],
    ['held in host memory, ~100 MB session (`list(range(3_000_000))`)', mb(on.bigBytes), '0'],
    ['save: a run\u2019s result to the point kept, idle session', ms(on.saveMs), '\u2013'],
    ['save: the same, ~100 MB session', ms(on.bigSaveMs), '\u2013'],
    ['`pass` sent one turn after a result (the save holds the worker)', ms(on.runAfterTurnMs), ms(off.runAfterTurnMs)],
    [`${result.counts.smallRuns} small runs back to back, median per run`, ms(on.smallRunMs), ms(off.smallRunMs)],
    ['a run the interrupt cannot stop: deadline to the next result', ms(on.stopToNextMs), ms(off.stopToNextMs)],
    ['\u2026 and its variables kept', `${on.kept.filter(Boolean).length}/${on.kept.length}`, `${off.kept.filter(Boolean).length}/${off.kept.length}`],
  ];
  const head = `Restart points, Node worker thread (${result.counts.rounds} rounds, medians)`;
  return [`### ${head}`, '', '| | `restartPoints: true` | `false` (warm spare) |', '| --- | --- | --- |', ...rows.map((r) => `| ${r.join(' | ')} |`)].join(
    '\n',
  );
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const quick = process.env.BENCH_QUICK === '1';
  const distDir = new URL('../dist/', import.meta.url).pathname;
  const result = await benchRestartPoints({
    distDir,
    counts: quick ? RESTART_POINTS_QUICK_COUNTS : RESTART_POINTS_COUNTS,
    log: (line) => console.error(line),
  });
  console.log(restartPointsTable(result));
}
