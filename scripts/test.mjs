/**
 * `npm test`: sets the machine up and runs every test, in this order:
 *
 * 0. At once: the machine's set-up (scripts/prepare-test-machine.mjs: apt installs, test data,
 *    mostly waiting on the network and disk) beside the build, the type check and the API
 *    reference (`npm run docs`); then lint (ruff's install needs the python3 that the set-up may
 *    install).
 * 1. `vitest run` on this Node with SDK 2.x, the suites that time pauses, each alone (the floods,
 *    the page's pauses under a hostile index, the Node hostile-worker suite, WebKit's terminating
 *    stops: vitest.config.ts).
 * 2. At once: the rest on this Node, two files at a time, and the example projects (installs,
 *    bundler builds, pages in Chromium: no timing bounds, only generous timeouts) at a low CPU
 *    priority, nice 19. The examples take the CPU the suites leave and barely any the suites
 *    want, so the suites' timing bounds hold as they did with the examples last and alone (189 s
 *    of about 1.6 cores then). Not beside step 1: the floods' 200 ms pause bound failed there.
 *    The examples' lines are prefixed `[examples]`.
 * 3. The Node suites on Node 26 with SDK 3.x (scripts/test-on-node.mjs), its hostile-worker
 *    suite last and alone, but for those whose subject is the same on every Node (vitest.config.ts).
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
    // Before it starts its own processes, which inherit it (nice 19: about 1.5% of a default process's share).
    if (lowPriority && child.pid) setPriority(child.pid, 19);
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
// The API reference too, which fails on an undocumented export (about 10 s).
const built = (await npmRun('build')) && (await npmRun('typecheck')) && (await npmRun('docs'));
if (!((await setUp) && built && (await npmRun('lint')))) process.exit(1);

const RESULTS = join(REPO, 'test-results');
const oldReports = existsSync(RESULTS) ? readdirSync(RESULTS).filter((name) => /^vitest.*\.json$/.test(name)) : [];
for (const name of oldReports) rmSync(join(RESULTS, name));

const vitest = (projects, options) => step(process.execPath, [VITEST, 'run', ...projects.flatMap((name) => ['--project', name])], options);
const passed = [];
// 1. The suites that time pauses, alone.
passed.push(await vitest(['floods', 'index-pauses', 'hostile-worker', 'webkit-stops'], { report: 'vitest-alone.json' }));
// 2. The rest on this Node, the examples beside it at a low priority.
passed.push(...(await Promise.all([vitest(['suites']), vitest(['examples'], { prefix: '[examples]', report: 'vitest-examples.json', lowPriority: true })])));
// 3. The Node suites on Node 26.
passed.push(await node(script('test-on-node.mjs'), '26'));
process.exit(passed.every(Boolean) ? 0 : 1);
