/**
 * The canary's table: one row per suite file (passed, failed, skipped, the first failure's
 * message on one line), read from vitest's JSON reports, and a total.
 */
import { existsSync, readFileSync } from 'node:fs';
import { relative } from 'node:path';

const WIDTH = 120;

const plain = (text) => String(text ?? '').replace(/\u001b\[[0-9;]*m/g, '');

/** `text` up to its stack trace, on one line, without colours, cut to WIDTH characters. */
export function oneLine(text) {
  const message = plain(text).split(/\n\s+(?:at |❯ )/)[0];
  const line = message.replace(/\s+/g, ' ').trim().replaceAll('|', '\\|');
  return line.length > WIDTH ? `${line.slice(0, WIDTH - 1)}…` : line;
}

/** A row for a step that is not a suite (the build) or a suite that produced no report. */
export const row = (suite, { passed = 0, failed = 0, skipped = 0, failure = '' } = {}) => ({ suite, passed, failed, skipped, failure: oneLine(failure) });

/**
 * The rows of vitest's JSON report at `path` for `files` (paths from `root`), in that order. A file
 * the report lacks, or a report that is missing, becomes a failed row saying so (`why`).
 */
export function rowsOf(path, root, files, why) {
  const report = existsSync(path) ? JSON.parse(readFileSync(path, 'utf8')) : undefined;
  const byFile = new Map((report?.testResults ?? []).map((suite) => [relative(root, suite.name), suite]));
  return files.map((file) => {
    const suite = byFile.get(file);
    if (!suite) return row(file, { failed: 1, failure: report ? `not in the report: ${why}` : `no report: ${why}` });
    const count = (...statuses) => suite.assertionResults.filter((t) => statuses.includes(t.status)).length;
    const firstFailed = suite.assertionResults.find((t) => t.status === 'failed');
    // A suite that failed outside its tests (an import, a beforeAll) has its reason in `message`.
    const outside = suite.status === 'failed' && !firstFailed;
    return row(file, {
      passed: count('passed'),
      failed: count('failed') + (outside ? 1 : 0),
      skipped: count('skipped', 'pending', 'todo', 'disabled'),
      failure: firstFailed ? firstFailed.failureMessages?.[0] : outside ? suite.message || 'failed outside its tests' : '',
    });
  });
}

/**
 * Errors vitest caught outside any test (an uncaught exception, an unhandled rejection), which its
 * JSON report leaves out: one row each, named after the suite file vitest blames, from its `log`.
 */
export function unhandledRows(log) {
  if (!existsSync(log)) return [];
  const blocks = plain(readFileSync(log, 'utf8'))
    .split(/^⎯+ (?=(?:Uncaught Exception|Unhandled Rejection|Unhandled Error) ⎯)/m)
    .slice(1);
  return blocks.map((block) => {
    const [heading, ...rest] = block.split('\n');
    const file = /originated in "([^"]+)" test file/.exec(block)?.[1] ?? 'no suite named';
    const kind = heading.replace(/\s*⎯+\s*$/, '').toLowerCase();
    return row(`${kind} (${file})`, { failed: 1, failure: rest.join('\n') });
  });
}

/** The rows as a Markdown table, with a total. */
export function table(rows) {
  const sum = (key) => rows.reduce((n, r) => n + r[key], 0);
  const lines = [
    '| suite file | passed | failed | skipped | first failure |',
    '| --- | ---: | ---: | ---: | --- |',
    ...rows.map((r) => `| ${r.suite} | ${r.passed} | ${r.failed} | ${r.skipped} | ${r.failure} |`),
    `| **total** | **${sum('passed')}** | **${sum('failed')}** | **${sum('skipped')}** | |`,
  ];
  return lines.join('\n');
}
