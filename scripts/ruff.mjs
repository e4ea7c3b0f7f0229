#!/usr/bin/env node
/**
 * Ruff, the Python formatter and linter, over the worker's Python and the other Python files
 * ruff.toml names (worker/python/, test/python/, scripts/demos/).
 *
 *   node scripts/ruff.mjs check   the formatter's check and the linter; exits 1 on a finding
 *   node scripts/ruff.mjs fix     applies the linter's safe fixes, then formats
 *   node scripts/ruff.mjs ARGS…   ruff itself with these arguments (`node scripts/ruff.mjs rule B905`)
 *
 * Ruff is a Python package, so npm cannot install it: the first call pip-installs the pinned
 * version into node_modules/.cache/ruff (its binary is inside the wheel; the machine's python3
 * only runs pip), and later calls find it there. On failure it exits 1 saying what is missing.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const VERSION = '0.16.9';
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const target = join(root, 'node_modules/.cache/ruff');
const marker = join(target, 'installed.json');
const binary = join(target, process.platform === 'win32' ? 'Scripts/ruff.exe' : 'bin/ruff');

function fail(message) {
  console.error(message);
  process.exit(1);
}

function install() {
  const wanted = JSON.stringify({ ruff: VERSION, platform: process.platform, arch: process.arch });
  if (existsSync(marker) && readFileSync(marker, 'utf8') === wanted && existsSync(binary)) return;
  // Installed aside, then moved into place: an interrupted install never looks complete.
  const partial = `${target}.partial`;
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(dirname(target), { recursive: true });
  console.error(`Installing ruff ${VERSION} with pip into ${target}`);
  try {
    // --retries 0: where only a local mirror answers, an unreachable index fails at once instead
    // of after minutes of back-off.
    const pip = ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '--no-input', '--retries', '0', '--no-deps'];
    execFileSync('python3', [...pip, '--target', partial, `ruff==${VERSION}`], { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  } catch (error) {
    rmSync(partial, { recursive: true, force: true });
    if (error.code === 'ENOENT') fail(`scripts/ruff.mjs: python3 is not installed; ruff ${VERSION} is installed with its pip`);
    const said = `${error.stderr ?? error.message}`.trim().split('\n');
    fail(`scripts/ruff.mjs: could not install ruff ${VERSION} (python3 -m pip install ruff==${VERSION}): ${said.slice(-3).join(' ')}`);
  }
  rmSync(target, { recursive: true, force: true });
  renameSync(partial, target);
  if (!existsSync(binary)) fail(`scripts/ruff.mjs: pip installed ruff ${VERSION}, but ${binary} is not there`);
  writeFileSync(marker, wanted);
}

function ruff(args) {
  const { status, error } = spawnSync(binary, args, { cwd: root, stdio: 'inherit' });
  if (error) fail(`scripts/ruff.mjs: could not run ${binary}: ${error.message}`);
  return status ?? 1;
}

const [command, ...rest] = process.argv.slice(2);
if (!command) fail('usage: node scripts/ruff.mjs check | fix | <ruff arguments>');
install();
if (command === 'check') {
  // Both run, so one call reports everything; either finding fails it.
  const formatted = ruff(['format', '--check', ...rest]);
  const linted = ruff(['check', ...rest]);
  process.exit(formatted || linted);
} else if (command === 'fix') {
  // The fixes first, as ruff advises: the formatter then tidies what they wrote.
  const linted = ruff(['check', '--fix', ...rest]);
  const formatted = ruff(['format', ...rest]);
  process.exit(linted || formatted);
} else {
  process.exit(ruff([command, ...rest]));
}
