#!/usr/bin/env node
/**
 * Installs the real libraries the worker's Python meets (numpy, pandas, matplotlib, pillow,
 * seaborn, altair) for the machine's own `python3`, into node_modules/.cache/python-real-libraries, for
 * test/python/real-libraries.test.ts. Idempotent: a second call checks a marker and returns at
 * once. Prints the folder on success; on failure exits 1 saying what is missing.
 * Used by scripts/prepare-test-machine.mjs (the first step of npm test) and by the test itself.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const PACKAGES = ['numpy', 'pandas', 'matplotlib', 'pillow', 'seaborn', 'altair'];
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const target = join(root, 'node_modules/.cache/python-real-libraries');
const marker = join(target, 'installed.json');

function fail(message) {
  console.error(message);
  process.exit(1);
}

let python;
try {
  python = execFileSync('python3', ['-c', 'import sys; print("%d.%d" % sys.version_info[:2])'], { encoding: 'utf8' }).trim();
} catch {
  fail('python3 is not installed');
}
const wanted = JSON.stringify({ python, packages: PACKAGES });
if (existsSync(marker) && readFileSync(marker, 'utf8') === wanted) {
  console.log(target);
  process.exit(0);
}

// Installed aside, then moved into place: an interrupted install never looks complete.
const partial = `${target}.partial`;
rmSync(partial, { recursive: true, force: true });
mkdirSync(dirname(target), { recursive: true });
try {
  // --retries 0: where only a local mirror answers, an unreachable index fails at once instead
  // of after minutes of back-off.
  execFileSync(
    'python3',
    ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '--no-input', '--retries', '0', '--target', partial, ...PACKAGES],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
      encoding: 'utf8',
    },
  );
} catch (error) {
  rmSync(partial, { recursive: true, force: true });
  fail(
    `pip could not install ${PACKAGES.join(', ')} for python3 ${python}: ${String(error.stderr ?? error.message)
      .trim()
      .split('\n')
      .slice(-3)
      .join(' ')}`,
  );
}
rmSync(target, { recursive: true, force: true });
renameSync(partial, target);
writeFileSync(marker, wanted);
console.log(target);
