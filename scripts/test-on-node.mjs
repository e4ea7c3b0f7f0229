/**
 * The later passes of `npm test`: the Node suites (every test that drives no browser, but
 * vitest.config.ts's FIRST_PASS_ONLY, whose subject is the same on every Node) on another
 * Node major, given as the argument (`node scripts/test-on-node.mjs 26 [vitest args]`), with
 * `@google/genai` 3.x, where the first pass ran everything on the machine's Node with the SDK 2.x
 * this repository installs as `@google/genai`. Together they are the tested matrix: Node 20 +
 * SDK 2.32, then Node 26 (the newest, npm's `latest` today) with SDK 3.x (which needs
 * Node >= 22); Node 24 runs on demand.
 *
 * The Node binary is the machine's own `node` if its major is that one, else `NODE<major>_PATH`,
 * else the official binary from the npm registry (`node-<platform>-<arch>@<major>`), installed
 * once into node_modules/.cache/node<major>. SDK 3.x is the devDependency `genai-sdk-3` (an npm
 * alias), put in place of `@google/genai` by vitest.config.ts.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const NODE_MAJOR = Number(process.argv[2]);
if (!Number.isInteger(NODE_MAJOR) || NODE_MAJOR < 22) throw new Error('usage: node scripts/test-on-node.mjs <Node major, 22 or later> [vitest arguments]');
const REPO = fileURLToPath(new URL('..', import.meta.url));

function majorOf(version) {
  return Number(/^v?(\d+)/.exec(version)?.[1] ?? 0);
}

function findNode() {
  const given = process.env[`NODE${NODE_MAJOR}_PATH`];
  if (given) return given;
  if (majorOf(process.version) === NODE_MAJOR) return process.execPath;
  const folder = join(REPO, 'node_modules', '.cache', `node${NODE_MAJOR}`);
  const name = `node-${process.platform === 'win32' ? 'win' : process.platform}-${process.arch}`;
  const binary = join(folder, 'node_modules', name, ...(process.platform === 'win32' ? ['node.exe'] : ['bin', 'node']));
  if (!existsSync(binary)) {
    console.log(`Installing Node ${NODE_MAJOR} (${name}) from the npm registry into ${folder}`);
    execFileSync('npm', ['install', '--prefix', folder, '--no-save', '--no-package-lock', '--no-audit', '--no-fund', `${name}@${NODE_MAJOR}`], {
      stdio: 'inherit',
      shell: process.platform === 'win32',
    });
  }
  return binary;
}

const node = findNode();
const version = execFileSync(node, ['--version'], { encoding: 'utf8' }).trim();
if (majorOf(version) !== NODE_MAJOR) throw new Error(`${node} is Node ${version}; this test pass needs Node ${NODE_MAJOR} (set NODE${NODE_MAJOR}_PATH)`);
const sdk = JSON.parse(readFileSync(join(REPO, 'node_modules', 'genai-sdk-3', 'package.json'), 'utf8')).version;
console.log(`\nAgain: the Node suites on Node ${version} with @google/genai ${sdk}\n`);

const { status, signal } = spawnSync(node, [join(REPO, 'node_modules', 'vitest', 'vitest.mjs'), 'run', ...process.argv.slice(3)], {
  cwd: REPO,
  stdio: 'inherit',
  env: {
    ...process.env,
    TEST_GENAI_PACKAGE: 'genai-sdk-3',
    TEST_NODE_SUITES_ONLY: '1',
    TEST_REPORT: process.env.TEST_REPORT ?? `test-results/vitest-node${NODE_MAJOR}.json`,
  },
});
process.exit(status ?? (signal ? 1 : 0));
