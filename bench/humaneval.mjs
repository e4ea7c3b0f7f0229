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
