/**
 * Checkpoints, rewind and fork (`SandboxOptions.checkpoints`) in Node, what they cost and what a
 * rewind takes, each measured beside its control in the same process, round by round:
 * - Rewind: 20 cells (each binds a variable and writes a file, the sandbox idle between them, as
 *   between a model's turns), then `rewind` to checkpoints 20, 15, 10, 5 and 2 in turn (a rewind
 *   drops the later ones), each timed from the call to its resolve, each paired with a `create()`
 *   from the boot snapshot with the same isolation made just before it (the target behind Deno: a
 *   rewind no slower than that; the ratio is each pair's own). In a worker thread and behind the
 *   default Deno boundary, and through the MCP server with `--isolation worker` (mcp-rewind.mjs).
 * - Size: a checkpoint's packed bytes after stdlib-only cells (target ≤ 2 MB).
 * - Per-run cost, a worker thread, `checkpoints: true` against `restartPoints: true` (the same save,
 *   not kept on) and the default (neither), in rotating order: 100 small runs back to back (no save
 *   between them), and 20 runs each sent 150 ms after the sandbox went idle (with saves, its save
 *   made before each; every variant pauses as long), the run's own time.
 *
 * Alone: `node bench/timeline.mjs` (the built dist/), or `BENCH_ONLY=timeline npm run bench`.
 */
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { median } from './suite.mjs';
import { measureMcpRewinds } from './mcp-rewind.mjs';

export const TIMELINE_COUNTS = { rounds: 3, cells: 20, smallRuns: 100, idleRuns: 20 };
export const TIMELINE_QUICK_COUNTS = { rounds: 1, cells: 20, smallRuns: 20, idleRuns: 5 };

/** How long the sandbox is idle before each idle run: past the 100 ms after which an idle save starts. */
const IDLE_PAUSE_MS = 150;

/** The per-run variants: checkpoints on, restart points on (the same saves), neither (Node's default). */
const VARIANTS = ['checkpoints', 'restartPoints', 'neither'];

/** Checkpoints rewound to, by cell: newest first, as a rewind drops the later ones (and the check after the first makes a 21st, which drops the first). */
const REWIND_TO = [20, 15, 10, 5, 2];

/** Every sample; `distDir`: the built package (the bench's frozen copy). */
export async function benchTimeline({ distDir, counts, log }) {
  const { PythonSandbox } = await import(pathToFileURL(join(distDir, 'index.node.js')).href);
  const samples = {
    worker: emptyRewinds(),
    deno: emptyRewinds(),
    mcp: emptyRewinds(),
    mcpStaged: emptyRewinds(),
    perRun: Object.fromEntries(VARIANTS.map((v) => [v, emptyRuns()])),
  };
  for (let round = 0; round < counts.rounds; round++) {
    for (const isolation of ['worker', 'deno']) {
      log(`timeline: round ${round + 1}/${counts.rounds}, rewinds (${isolation})`);
      await measureRewinds(PythonSandbox, isolation, counts, samples[isolation]);
    }
    const control = () => snapshotBoot(PythonSandbox, 'worker');
    for (const [args, out] of [
      [[], samples.mcp],
      [['--warm-spare'], samples.mcpStaged],
    ]) {
      log(`timeline: round ${round + 1}/${counts.rounds}, rewinds (MCP server, --isolation worker ${args.join(' ')})`);
      await measureMcpRewinds({ distDir, counts, rewindTo: REWIND_TO, control, record: recorder(out), args });
    }
    for (const variant of [...VARIANTS.slice(round % 3), ...VARIANTS.slice(0, round % 3)]) {
      log(`timeline: round ${round + 1}/${counts.rounds}, per-run cost (${variant})`);
      const sandbox = await PythonSandbox.create({ checkpoints: variant === 'checkpoints', restartPoints: variant === 'restartPoints' });
      try {
        await measureRuns(sandbox, counts, samples.perRun[variant]);
      } finally {
        await sandbox.dispose();
      }
    }
  }
  return { counts, samples };
}

/** A sandbox's rewinds: its first (nothing staged yet, unless from the first run) and the rest, each beside its control. */
function emptyRewinds() {
  return { firstRewindMs: [], firstRatio: [], rewindMs: [], snapshotBootMs: [], ratio: [], checkpointBytes: [], cellMs: [] };
}

/** Keeps a cell's time, and a rewind's beside its control (the first apart). */
function recorder(out) {
  return {
    cell: (ms) => out.cellMs.push(ms),
    rewind(first, ms, controlMs) {
      out.snapshotBootMs.push(controlMs);
      (first ? out.firstRewindMs : out.rewindMs).push(ms);
      (first ? out.firstRatio : out.ratio).push(ms / controlMs);
    },
  };
}

function emptyRuns() {
  return { smallRunMs: [], idleRunMs: [] };
}

/** A boot from the snapshot, as `create()` makes it: the control. */
async function snapshotBoot(PythonSandbox, isolation) {
  const t = performance.now();
  const control = await PythonSandbox.create({ isolation, warmSpare: false });
  const ms = performance.now() - t;
  if (control.bootPath !== 'snapshot') throw new Error(`the control booted ${control.bootPath}, not from the snapshot`);
  await control.dispose();
  return ms;
}

async function measureRewinds(PythonSandbox, isolation, counts, out) {
  let t;
  // The default warmSpare: each rewind after the first takes a worker staged for it.
  const sandbox = await PythonSandbox.create({ isolation, checkpoints: true });
  const record = recorder(out);
  try {
    for (let i = 1; i <= counts.cells; i++) {
      t = performance.now();
      await ok(sandbox, `v${i} = ${i}\nopen("f${i}.txt", "w").write("${i}")`);
      record.cell(performance.now() - t);
      await sandbox.whenIdle();
    }
    const kept = await sandbox.checkpoints();
    out.checkpointBytes.push(...kept.map((c) => c.bytes));
    for (const [i, cell] of REWIND_TO.entries()) {
      const checkpoint = kept[cell - 1];
      const control = await snapshotBoot(PythonSandbox, isolation);
      await sandbox.whenIdle();
      t = performance.now();
      await sandbox.rewind(checkpoint.id);
      record.rewind(i === 0, performance.now() - t, control);
      const r = await ok(sandbox, `v${cell}, "v${cell + 1}" in globals()`);
      if (r.result !== `(${cell}, False)`) throw new Error(`rewound to cell ${cell}, yet ${r.result}`);
    }
  } finally {
    await sandbox.dispose();
  }
}

async function measureRuns(sandbox, counts, out) {
  await ok(sandbox, 'x = 1');
  await sandbox.whenIdle();
  const times = [];
  for (let i = 0; i < counts.smallRuns; i++) {
    const t = performance.now();
    await ok(sandbox, `y = ${i} * 2`);
    times.push(performance.now() - t);
  }
  out.smallRunMs.push(median(times));
  const idle = [];
  for (let i = 0; i < counts.idleRuns; i++) {
    await sandbox.whenIdle();
    // Every variant pauses as long: a run after a pause costs more than one right behind another
    // (about 1 ms more in Node with no saves at all), which is not a save's cost.
    await new Promise((resolve) => setTimeout(resolve, IDLE_PAUSE_MS));
    const t = performance.now();
    await ok(sandbox, `z${i} = ${i} * 2`);
    idle.push(performance.now() - t);
  }
  out.idleRunMs.push(median(idle));
}

async function ok(sandbox, code) {
  const r = await sandbox.run(code);
  if (r.outcome !== 'OUTCOME_OK') throw new Error(`${code}: ${r.outcome} ${r.error?.message}`);
  return r;
}

/** The group's Markdown tables. */
export function timelineTable(result) {
  if (!result) return '';
  const { worker, deno, mcp, mcpStaged, perRun } = result.samples;
  const columns = [worker, deno, mcp, mcpStaged];
  const ms = (v) => {
    const m = median(v);
    return `${m < 10 ? m.toFixed(2) : Math.round(m)} ms`;
  };
  const mb = (v) => (v.length === 0 ? '—' : `${(median(v) / 2 ** 20).toFixed(2)} MB (max ${(Math.max(...v) / 2 ** 20).toFixed(2)})`);
  const ratio = (v) => `${median(v).toFixed(2)}\u00d7 [${Math.min(...v).toFixed(2)}\u2013${Math.max(...v).toFixed(2)}]`;
  const row = (label, cell) => [label, ...columns.map(cell)];
  const rewinds = [
    row('the first rewind', (c) => ms(c.firstRewindMs)),
    row('each rewind after it (checkpoints 15, 10, 5, 2)', (c) => ms(c.rewindMs)),
    row('`create()` from the boot snapshot, just before each rewind (the control)', (c) => ms(c.snapshotBootMs)),
    row('the first rewind \u00f7 its control [lowest\u2013highest]', (c) => ratio(c.firstRatio)),
    row('a rewind after it \u00f7 its control, median of pairs [lowest\u2013highest]', (c) => ratio(c.ratio)),
    row('a checkpoint of stdlib-only cells (packed)', (c) => mb(c.checkpointBytes)),
    row('a cell (run to result)', (c) => ms(c.cellMs)),
  ];
  const runs = [
    [`${result.counts.smallRuns} small runs back to back, median per run`, ...VARIANTS.map((v) => ms(perRun[v].smallRunMs))],
    [`a run sent ${IDLE_PAUSE_MS} ms after the sandbox went idle (with saves: its save made before it)`, ...VARIANTS.map((v) => ms(perRun[v].idleRunMs))],
  ];
  const head = `(${result.counts.rounds} rounds, medians)`;
  return [
    `### Checkpoints: rewind, Node ${head}`,
    '',
    '| | worker thread | Deno | MCP server, `--isolation worker` (stdio) | MCP server, `--isolation worker --warm-spare` |',
    '| --- | --- | --- | --- | --- |',
    ...rewinds.map((r) => `| ${r.join(' | ')} |`),
    '',
    `### Checkpoints: per-run cost, Node worker thread ${head}`,
    '',
    '| | `checkpoints: true` | `restartPoints: true` | neither (default) |',
    '| --- | --- | --- | --- |',
    ...runs.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const quick = process.env.BENCH_QUICK === '1';
  const distDir = new URL('../dist/', import.meta.url).pathname;
  const result = await benchTimeline({ distDir, counts: quick ? TIMELINE_QUICK_COUNTS : TIMELINE_COUNTS, log: (line) => console.error(line) });
  console.log(timelineTable(result));
}
