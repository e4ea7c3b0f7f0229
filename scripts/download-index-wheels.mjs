#!/usr/bin/env node
/**
 * Downloads the real wheels the loopback package index of test/sandbox/package-index.test.ts
 * serves (pure-Python ones Pyodide installs as they are, and lxml's CPython-only wheel as the
 * one that does not fit), with pip, into node_modules/.cache/python-index-wheels. Idempotent: a
 * second call checks a marker and returns at once. Prints the folder on success; on failure exits
 * 1 saying what is missing. Used by scripts/prepare-test-machine.mjs (the first step of npm test)
 * and by the test itself.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const INDEX_WHEELS = [
  'tabulate',
  'openpyxl',
  'et_xmlfile',
  'pypdf',
  'sympy',
  'mpmath',
  'lxml',
  'seaborn',
  'fpdf2',
  'reportlab',
  'python-docx',
  'defusedxml',
];
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const target = join(root, 'node_modules/.cache/python-index-wheels');
const marker = join(target, 'downloaded.json');
const wanted = JSON.stringify({ packages: INDEX_WHEELS });

if (existsSync(marker) && readFileSync(marker, 'utf8') === wanted) {
  console.log(target);
  process.exit(0);
}
// Per process: test files that find the wheels missing may run this at the same time.
const partial = `${target}.partial-${process.pid}`;
rmSync(partial, { recursive: true, force: true });
mkdirSync(partial, { recursive: true });
try {
  for (const name of INDEX_WHEELS) {
    // --retries 0: where only a local mirror answers, an unreachable index fails at once.
    execFileSync(
      'python3',
      [
        '-m',
        'pip',
        'download',
        '--quiet',
        '--disable-pip-version-check',
        '--no-input',
        '--retries',
        '0',
        '--no-deps',
        '--only-binary=:all:',
        '-d',
        partial,
        name,
      ],
      {
        stdio: ['ignore', 'ignore', 'pipe'],
        encoding: 'utf8',
      },
    );
  }
} catch (error) {
  rmSync(partial, { recursive: true, force: true });
  console.error(
    `pip could not download the wheels of ${INDEX_WHEELS.join(', ')}: ${String(error.stderr ?? error.message)
      .trim()
      .split('\n')
      .slice(-3)
      .join(' ')}`,
  );
  process.exit(1);
}
if (existsSync(marker) && readFileSync(marker, 'utf8') === wanted) {
  // Another process finished first: its copy stays (a test may be reading it).
  rmSync(partial, { recursive: true, force: true });
} else {
  rmSync(target, { recursive: true, force: true });
  writeFileSync(join(partial, 'downloaded.json'), wanted);
  renameSync(partial, target);
}
console.log(target);
