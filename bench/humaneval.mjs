/**
 * HumanEval (../shared/eval/HumanEval.jsonl.gz, beside the repository): 164 reference programs,
 * each its prompt, canonical solution and tests, ending with `check(entry_point)`. Run one after
 * another in one interpreter, they measure per-run overhead on realistic small programs.
 */
import { existsSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';

const DATA = new URL('../../shared/eval/HumanEval.jsonl.gz', import.meta.url);

/** The programs as code strings, or undefined when the data set is not beside the repository. */
export function humanEvalPrograms() {
  if (!existsSync(DATA)) return undefined;
  return gunzipSync(readFileSync(DATA))
    .toString('utf8')
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => {
      const task = JSON.parse(line);
      return `${task.prompt}${task.canonical_solution}\n${task.test}\ncheck(${task.entry_point})\n`;
    });
}

/**
 * Runs every program in `sandbox` and in `raw` (targets of suite.mjs, one interpreter each), in
 * `rounds` rounds. Each program runs in both back to back, the order alternating from program to
 * program and round to round, so the machine's load drifting during a round (this is a shared
 * machine) weighs on both alike. Each sample is one round's total for one target, tagged
 * `{ ms, round }` for roundRatios. Every program must pass in both, or the timing means nothing.
 */
export async function humanEvalRounds(create, programs, rounds, log = () => {}) {
  const targets = { sandbox: await create.sandbox(), raw: await create.raw() };
  await targets.sandbox.settle?.();
  const samples = { sandbox: [], raw: [] };
  try {
    for (const kind of ['sandbox', 'raw']) for (const code of programs.slice(0, 20)) await targets[kind].run(code); // warm-up
    for (let round = 0; round < rounds; round++) {
      const totals = { sandbox: 0, raw: 0 };
      for (const [index, code] of programs.entries()) {
        for (const kind of (index + round) % 2 ? ['raw', 'sandbox'] : ['sandbox', 'raw']) {
          const started = performance.now();
          const r = await targets[kind].run(code);
          totals[kind] += performance.now() - started;
          if (!r.ok) throw new Error(`HumanEval program ${index} failed in ${kind}: ${r.error}`);
        }
      }
      for (const kind of ['sandbox', 'raw']) samples[kind].push({ ms: totals[kind], round });
      log(`HumanEval round ${round + 1}: sandbox ${totals.sandbox.toFixed(0)} ms, raw ${totals.raw.toFixed(0)} ms`);
    }
  } finally {
    await Promise.all([targets.sandbox.dispose(), targets.raw.dispose()]);
  }
  return samples;
}
