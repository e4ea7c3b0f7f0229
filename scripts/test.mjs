/**
 * `npm test`: sets the machine up and runs every test, in this order:
 *
 * 0. At once: the machine's set-up (scripts/prepare-test-machine.mjs: apt installs, test data,
 *    mostly waiting on the network and disk) beside the build and the type check; then lint
 *    (ruff's install needs the python3 that the set-up may install).
 * 1. `vitest run` on this Node with SDK 2.x, everything but the example projects: the suites
 *    that time pauses first and alone, then the rest two files at a time (vitest.config.ts).
 * 2. At once: the Node suites on Node 26 with SDK 3.x (scripts/test-on-node.mjs), and the example
 *    projects (installs, bundler builds, pages in Chromium; generous timeouts, no timing bounds)
 *    at a lower CPU priority, so the Node suites run as if alone and the examples take the CPU
 *    they leave (each of the two alone fills about 1.6 of the 2 cores, and sequentially they took
 *    about 475 s). Their lines are prefixed with their names.
 * 3. Alone again: the Node hostile-worker suite on Node 26, which times the host's stalls.
 *
 * Each pass writes its own report, `test-results/vitest*.json` (.ci/run adds them up; older ones
 * are removed first). A failed set-up step ends it; a failed test pass does not stop the later
 * ones, so one run reports everything, and the exit code says whether all passed.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { setPriority } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const script = (name) => join(REPO, 'scripts', name);
const VITEST = join(REPO, 'node_modules', 'vitest', 'vitest.mjs');

/**
 * Runs `command` in the repository; resolves whether it exited 0. With a `prefix`, its output is
 * piped and each line prefixed; with a `report`, vitest writes its JSON report there;
 * `lowPriority` lowers its CPU priority and its children's.
 */
function step(command, args, { prefix, report, lowPriority } = {}) {
  return new Promise((resolve) => {
    const env = report ? { ...process.env, TEST_REPORT: `test-results/${report}` } : process.env;
    const child = spawn(command, args, { cwd: REPO, env, stdio: prefix ? ['ignore', 'pipe', 'pipe'] : 'inherit' });
    // Before it starts its own processes, which inherit it (nice 10: a tenth of a default process's share).
    if (lowPriority && child.pid) setPriority(child.pid, 10);
    if (prefix) {
      prefixLines(child.stdout, process.stdout, prefix);
      prefixLines(child.stderr, process.stderr, prefix);
    }
    child.on('error', (error) => console.error(`${command}: ${error.message}`));
    child.on('close', (code, signal) => resolve(code === 0 && !signal));
  });
}

/** Copies `from` to `to` a whole line at a time, each line starting with `prefix`. */
function prefixLines(from, to, prefix) {
  let rest = '';
  from.setEncoding('utf8');
  from.on('data', (chunk) => {
    const lines = (rest + chunk).split('\n');
    rest = lines.pop();
    if (lines.length > 0) to.write(lines.map((line) => `${prefix} ${line}\n`).join(''));
  });
  from.on('end', () => rest && to.write(`${prefix} ${rest}\n`));
}

const node = (...args) => step(process.execPath, args);
const npmRun = (name) => step('npm', ['run', name]);

// 0. Set-up beside the build and the type check; then lint.
const setUp = node(script('prepare-test-machine.mjs'));
const built = (await npmRun('build')) && (await npmRun('typecheck'));
if (!((await setUp) && built && (await npmRun('lint')))) process.exit(1);

const RESULTS = join(REPO, 'test-results');
const oldReports = existsSync(RESULTS) ? readdirSync(RESULTS).filter((name) => /^vitest.*\.json$/.test(name)) : [];
for (const name of oldReports) rmSync(join(RESULTS, name));

const passed = [];
// 1. Everything on this Node but the examples.
passed.push(await node(VITEST, 'run', '--project', 'floods', '--project', 'index-pauses', '--project', 'hostile-worker', '--project', 'suites'));
// 2. The Node suites on Node 26, and beside them the examples at a lower priority.
console.log('\nAt once: the example projects, and the Node suites on Node 26 with SDK 3.x\n');
const beside = await Promise.all([
  step(process.execPath, [VITEST, 'run', '--project', 'examples'], { prefix: '[examples]', report: 'vitest-examples.json', lowPriority: true }),
  step(process.execPath, [script('test-on-node.mjs'), '26', '--project', 'node'], { prefix: '[node 26]' }),
]);
passed.push(...beside);
// 3. Node 26's hostile-worker suite, alone.
passed.push(await step(process.execPath, [script('test-on-node.mjs'), '26', '--project', 'hostile-worker'], { report: 'vitest-node26-hostile-worker.json' }));
process.exit(passed.every(Boolean) ? 0 : 1);
