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
 * `rounds` rounds, alternating which goes first; each sample is one round's total for one target,
 * tagged `{ ms, round }` for roundRatios. Every program must pass in both, or the timing means nothing.
 */
export async function humanEvalRounds(create, programs, rounds, log = () => {}) {
  const targets = { sandbox: await create.sandbox(), raw: await create.raw() };
  await targets.sandbox.settle?.();
  const samples = { sandbox: [], raw: [] };
  try {
    for (const kind of ['sandbox', 'raw']) for (const code of programs.slice(0, 20)) await targets[kind].run(code); // warm-up
    for (let round = 0; round < rounds; round++) {
      for (const kind of round % 2 ? ['raw', 'sandbox'] : ['sandbox', 'raw']) {
        const started = performance.now();
        for (const code of programs) {
          const r = await targets[kind].run(code);
          if (!r.ok) throw new Error(`HumanEval program failed in ${kind}: ${r.error}`);
        }
        samples[kind].push({ ms: performance.now() - started, round });
      }
      log(`HumanEval round ${round + 1}: sandbox ${samples.sandbox.at(-1).ms.toFixed(0)} ms, raw ${samples.raw.at(-1).ms.toFixed(0)} ms`);
    }
  } finally {
    await Promise.all([targets.sandbox.dispose(), targets.raw.dispose()]);
  }
  return samples;
}
