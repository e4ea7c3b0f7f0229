/**
 * `npm run canary [-- <version>]`: what the next Pyodide breaks, learnt before its release. Not
 * part of `npm test`.
 *
 * It takes the newest prerelease of `pyodide` on npm newer than the installed one (or the version
 * given), copies the project's HEAD into a temporary folder whose node_modules links to this one's
 * but for `pyodide`, the prerelease as npm packs it (scripts/canary/workspace.mjs), builds there
 * and runs on Node 24 the suites that boot and restore Python: the sandbox's Node suites (a worker
 * thread, and behind Deno), the saved-state suites, and the sandbox and its saved state in
 * Chromium. It prints one row per suite file and a total, and keeps the logs and vitest's JSON
 * reports in test-results/canary/<version>/. The copy is removed at the end.
 *
 * It exits 0 whatever the suites say (a canary reports, it does not fail CI); non-zero only when it
 * could not run (no registry, no Node 24, no copy).
 */
import { spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { oneLine, row, rowsOf, table, unhandledRows } from './canary/report.mjs';
import { newestPrerelease } from './canary/versions.mjs';
import { makeWorkspace } from './canary/workspace.mjs';
import { nodeBinary } from './node-binary.mjs';

const REPO = fileURLToPath(new URL('..', import.meta.url));

/**
 * test/sandbox suites the canary leaves out, with why: none. None needs the network (their
 * servers are on the loopback), and none takes a minute (the hostile worker's floods 20 s, the
 * longest 45 s): about 3 minutes for all of them. Name one here if it ever takes many.
 */
const LEFT_OUT = new Map();

/** What runs, each a vitest run of its own (`-t`: only the tests whose full name matches). */
function suites(root) {
  const sandbox = readdirSync(join(root, 'test/sandbox'))
    .filter((name) => name.endsWith('.test.ts'))
    .map((name) => `test/sandbox/${name}`)
    .filter((file) => !LEFT_OUT.has(file));
  return [
    { name: 'node', files: sandbox },
    { name: 'saved-state-chromium', files: ['test/browser/saved-state.browser.test.ts'], filter: 'Chromium' },
    { name: 'sandbox-chromium', files: ['test/browser/sandbox.browser.test.ts'] },
  ];
}

/** Runs `command` in `cwd` with its output into `log`; resolves its exit code (a signal counts as 1). */
function run(command, args, { cwd, log, env = process.env }) {
  return new Promise((resolve) => {
    const out = createWriteStream(log);
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.pipe(out, { end: false });
    child.stderr.pipe(out, { end: false });
    child.on('error', (error) => out.write(`${command}: ${error.message}\n`));
    child.on('close', (code) => out.end(() => resolve(code ?? 1)));
  });
}

/** The first line of `log` that reads as an error, for a step that failed without a report. */
function errorIn(log) {
  const lines = readFileSync(log, 'utf8').split('\n');
  return oneLine(lines.find((l) => /error/i.test(l)) ?? lines.filter(Boolean).at(-1));
}

const seconds = (since) => `${Math.round((Date.now() - since) / 1000)} s`;

const installed = JSON.parse(readFileSync(join(REPO, 'node_modules/pyodide/package.json'), 'utf8')).version;
const version = process.argv[2] ?? newestPrerelease(installed);
if (!version) {
  console.log(`No prerelease of pyodide on npm is newer than the installed ${installed}: nothing to try.`);
  process.exit(0);
}
const node24 = (await nodeBinary(24)).binary;
const logs = join(REPO, 'test-results', 'canary', version);
rmSync(logs, { recursive: true, force: true });
mkdirSync(logs, { recursive: true });

const started = Date.now();
console.log(`Canary: pyodide ${version} (installed: ${installed}); logs and reports in ${logs}`);
const workspace = makeWorkspace(REPO, version);
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    workspace.remove();
    process.exit(1);
  });
}
const rows = [];
try {
  console.log(`Copied HEAD to ${workspace.root} (${seconds(started)})`);
  const built = Date.now();
  const buildLog = join(logs, 'build.log');
  const buildCode = await run('npm', ['run', 'build'], { cwd: workspace.root, log: buildLog });
  console.log(`npm run build: exit ${buildCode} (${seconds(built)})`);
  rows.push(row('npm run build', buildCode === 0 ? { passed: 1 } : { failed: 1, failure: errorIn(buildLog) }));
  if (buildCode === 0) {
    for (const { name, files, filter } of suites(workspace.root)) {
      const at = Date.now();
      const report = join(logs, `${name}.json`);
      const log = join(logs, `${name}.log`);
      const args = [join(workspace.root, 'node_modules/vitest/vitest.mjs'), 'run', ...files, ...(filter ? ['-t', filter] : [])];
      const code = await run(node24, args, { cwd: workspace.root, log, env: { ...process.env, TEST_REPORT: report } });
      const why = code === 0 ? 'vitest ran no such file' : `vitest exited with ${code}: ${errorIn(log)}`;
      rows.push(...rowsOf(report, workspace.root, files, why), ...unhandledRows(log));
      console.log(`${name}: ${files.length} file(s), exit ${code} (${seconds(at)})`);
    }
  }
} finally {
  workspace.remove();
}

const summary = `Pyodide ${version}, ${new Date().toISOString().slice(0, 10)}, ${seconds(started)}\n\n${table(rows)}\n`;
writeFileSync(join(logs, 'table.md'), summary);
console.log(`\n${summary}`);
if (LEFT_OUT.size) console.log(`Left out: ${[...LEFT_OUT].map(([file, why]) => `${file} (${why})`).join('; ')}`);
