/**
 * `npm test`: sets the machine up and runs every test, in this order:
 *
 * 0. At once: the machine's set-up (scripts/prepare-test-machine.mjs: apt installs, test data,
 *    mostly waiting on the network and disk) beside the build, and the Node binaries of the
 *    passes (scripts/node-binary.mjs): this script starts on any Node (the machine's own may be
 *    older than the package supports) and runs none of the tests. Then, at nice 19 beside step 1,
 *    the checks: the type check, the API reference (`npm run docs`) and lint (ruff's install
 *    needs the python3 that the set-up may install); a failed check ends the run after step 1.
 * 1. `vitest run` on Node 24 with SDK 2.x, the suites that time pauses, two at a time among
 *    themselves, in two rounds (the floods beside the Node hostile-worker and save-pauses suites;
 *    then the page's pauses under a hostile index, WebKit's terminating stops, saved state). Which test runs in which pass is
 *    test/passes.mjs.
 * 2. The rest on Node 24, two files at a time (`REST`, and `SHARED`: suites sharing a process per
 *    vitest worker), and beside them the example projects (installs,
 *    bundler builds, pages in Chromium: no timing bounds, only generous timeouts), their lines
 *    prefixed `[examples]`. They once ran beside step 1 at nice 19; but with the kernel's
 *    autogroups a nice value only ranks a process within its session, and the examples' installs
 *    and builds (each in a session of its own) competed at full weight with the suites that time
 *    pauses, which failed a floods bound beside them (low-priority.mjs).
 * 3. A subset of the Node suites on Node 26 with SDK 3.x (scripts/test-on-node.mjs): the main
 *    paths and the suites of the SDK's own types and calls (NODE26_SUBSET), its lines prefixed
 *    `[node 26]`; beside the rest, once the examples are done. They ran after everything else
 *    (233 s of a 2,658 s run); beside the rest they fill what idle time its files leave (with
 *    them the cores read 100 % busy, after them 92 %): minutes at most, as the work is the same.
 * 4. Then a subset of the Node suites on Node 22 with SDK 3.x (NODE22_SUBSET), `[node 22]`.
 *
 * Each pass writes its own report, `test-results/vitest*.json` (older ones are removed first). A
 * failed set-up step ends it; a failed test pass does not stop the later ones, so one run reports
 * everything. It ends with the totals and every failed test (scripts/test-summary.mjs), and the
 * exit code says whether all passed.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ALONE, EXAMPLES, NODE22_SUBSET, NODE26_SUBSET, REST, SHARED } from '../test/passes.mjs';
import { lowerPriority } from './low-priority.mjs';
import { nodeBinary } from './node-binary.mjs';
import { RESULTS, isReport, summaryLines } from './test-summary.mjs';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const script = (name) => join(REPO, 'scripts', name);
const VITEST = join(REPO, 'node_modules', 'vitest', 'vitest.mjs');
/** The first pass's Node, then the later passes' (scripts/test-on-node.mjs finds them installed). */
const PASS_NODES = [24, 26, 22];
/**
 * Runs `command` in the repository; resolves whether it exited 0. With a `prefix`, its output is
 * piped and each line prefixed; with a `report`, vitest writes its JSON report there;
 * `lowPriority` lowers its CPU priority and its children's.
 */
function step(command, args, { prefix, report, lowPriority } = {}) {
  return new Promise((resolve) => {
    const env = report ? { ...process.env, TEST_REPORT: `test-results/${report}` } : process.env;
    // A low-priority step leads a session of its own, so that its priority holds (low-priority.mjs),
    // and has no terminal to read (a background group that reads one is stopped).
    const stdio = prefix ? ['ignore', 'pipe', 'pipe'] : lowPriority ? ['ignore', 'inherit', 'inherit'] : 'inherit';
    const child = spawn(command, args, { cwd: REPO, env, stdio, detached: Boolean(lowPriority) });
    running.add(child);
    child.on('close', () => running.delete(child));
    // Before it starts its own processes, which inherit it (nice 19: about 1.5% of a default process's share).
    if (lowPriority && child.pid) lowerPriority(child.pid, 19);
    if (prefix) {
      prefixLines(child.stdout, process.stdout, prefix);
      prefixLines(child.stderr, process.stderr, prefix);
    }
    child.on('error', (error) => console.error(`${command}: ${error.message}`));
    child.on('close', (code, signal) => resolve(code === 0 && !signal));
  });
}

/** The steps still running: a failed set-up ends them (the examples start before it is over). */
const running = new Set();
function stopAll() {
  for (const child of running) {
    try {
      // A low-priority step leads its own process group: all of it goes (another has none: ESRCH).
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      child.kill('SIGTERM');
    }
  }
}
// Ctrl-C reaches the terminal's process group, which the low-priority steps have left: they end too.
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    stopAll();
    process.exit(130);
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
const lowNpmRun = (name) => step('npm', ['run', name], { lowPriority: true });

const oldReports = existsSync(RESULTS) ? readdirSync(RESULTS).filter(isReport) : [];
for (const name of oldReports) rmSync(join(RESULTS, name));
/** Each pass's report, and whether it passed. */
const passes = [];
const pass = async (report, run) => passes.push({ report, passed: await run });

// 0. Set-up beside the build, and the Node binaries of the passes (installed from the npm registry
// unless the machine has them: about 5 s each).
const setUp = node(script('prepare-test-machine.mjs'));
const nodes = Promise.all(PASS_NODES.map(nodeBinary)).catch((error) => console.error(error.message));
const built = await npmRun('build');
// The checks: the type check, the API reference (which fails on an undocumented export) and lint
// (ruff needs the python3 the set-up may install), at a low priority beside what follows; about
// 45 s of both cores alone. A failure ends the run once the suites that time pauses are done.
const checked =
  built &&
  lowNpmRun('typecheck')
    .then((typed) => typed && lowNpmRun('docs'))
    .then((documented) => documented && setUp)
    .then((machine) => machine && lowNpmRun('lint'));
const [node24] = (await nodes) ?? [];
const vitest = (projects, options) => step(node24.binary, [VITEST, 'run', ...projects.flatMap((name) => ['--project', name])], options);
const ready = built && node24 && (await setUp);
if (!ready) {
  stopAll();
  process.exit(1);
}

console.log(`\nThe first pass: everything on Node ${node24.version} with @google/genai 2.x\n`);
// 1. The suites that time pauses, two at a time (beside the checks, at a low priority); 2. the
// rest, with the examples beside them (they need the build, the machine's browsers and Node 24).
const alone = ALONE.map((suite) => suite.name);
await pass('vitest-alone.json', vitest(alone, { report: 'vitest-alone.json' }));
if (!(await checked)) {
  stopAll();
  process.exit(1);
}
// 3. The Node 26 subset, then 4. the Node 22 subset, beside the rest once the examples are done.
const onNode = (major, subset) => step(process.execPath, [script('test-on-node.mjs'), String(major), ...subset], { prefix: `[node ${major}]` });
await Promise.all([
  pass('vitest.json', vitest([REST, SHARED.name], { report: 'vitest.json' })),
  pass('vitest-examples.json', vitest([EXAMPLES.name], { prefix: '[examples]', report: 'vitest-examples.json' }))
    .then(() => pass('vitest-node26.json', onNode(26, NODE26_SUBSET)))
    .then(() => pass('vitest-node22.json', onNode(22, NODE22_SUBSET))),
]);

// Last, so that a failure names itself at the end of the log.
const failedPasses = passes.filter((each) => !each.passed).map((each) => each.report);
console.log(`\n${summaryLines(RESULTS, failedPasses).join('\n')}`);
process.exit(failedPasses.length === 0 ? 0 : 1);
