#!/usr/bin/env node
/**
 * The last lines of `npm test` and `.ci/run`: "N passed, N failed, N skipped" summed over the passes'
 * reports (test-results/vitest*.json, vitest's json reporter), then each failed test with its pass,
 * file, name and the first line of its assertion message, so that a failure names itself where a
 * log is read first, at its end, and not thousands of lines up. `node scripts/test-summary.mjs
 * [folder]` prints it for the reports there; it exits 0 (the passes' exit codes say whether all passed).
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stripVTControlCharacters } from 'node:util';

const REPO = fileURLToPath(new URL('..', import.meta.url));
export const RESULTS = join(REPO, 'test-results');
/** The report of each pass (scripts/test.mjs) is named for it. */
export const isReport = (name) => /^vitest.*\.json$/.test(name);

const firstLine = (text) =>
  stripVTControlCharacters(text ?? '')
    .trim()
    .split('\n')[0]
    .slice(0, 300);

/**
 * The summary's lines for the reports in `folder`: the totals, then two lines per failure.
 * `failedPasses`: the reports of passes that exited with a failure, named too if they list none (an
 * unhandled error, a crash, or no report at all).
 */
export function summaryLines(folder = RESULTS, failedPasses = []) {
  // In the order the passes ended, each writing its report as it ends.
  const modified = (name) => statSync(join(folder, name)).mtimeMs;
  const names = existsSync(folder)
    ? readdirSync(folder)
        .filter(isReport)
        .sort((a, b) => modified(a) - modified(b))
    : [];
  const reports = names.map((name) => ({ name, report: JSON.parse(readFileSync(join(folder, name), 'utf8')) }));
  const sum = (key) => reports.reduce((total, { report }) => total + (report[key] ?? 0), 0);
  const lines = [`${sum('numPassedTests')} passed, ${sum('numFailedTests')} failed, ${sum('numPendingTests')} skipped (${names.join(', ') || 'no reports'})`];
  for (const { name, report } of reports) {
    for (const file of report.testResults ?? []) {
      const path = relative(REPO, file.name);
      const failed = (file.assertionResults ?? []).filter((test) => test.status === 'failed');
      for (const test of failed) lines.push(`FAILED ${name}: ${path} > ${test.fullName}`, `    ${firstLine(test.failureMessages?.[0])}`);
      // A file can fail with no failed test: an error at import or in a hook.
      if (failed.length === 0 && file.status === 'failed') lines.push(`FAILED ${name}: ${path} (the file itself)`, `    ${firstLine(file.message)}`);
    }
  }
  for (const name of failedPasses) {
    const report = reports.find((each) => each.name === name)?.report;
    if (!report?.numFailedTests && !report?.numFailedTestSuites)
      lines.push(`FAILED ${name}: the pass failed, but ${report ? 'its report lists no failed test' : 'wrote no report'}: see its output above`);
  }
  return lines;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) console.log(summaryLines(process.argv[2] ?? RESULTS).join('\n'));
