/**
 * The later passes of `npm test`: the Node suites (every test that drives no browser, but
 * FIRST_PASS_ONLY in test/passes.mjs, whose subject is the same on every Node) on another
 * Node major, given as the argument (`node scripts/test-on-node.mjs 26 [vitest args]`), with
 * `@google/genai` 3.x, where the first pass ran everything on Node 24 with the SDK 2.x this
 * repository installs as `@google/genai`. Together they are the tested matrix: Node 24 + SDK 2.32,
 * then Node 26 (the newest, npm's `latest` today) with SDK 3.x, then a subset on Node 22 (the
 * oldest supported) with SDK 3.x (scripts/test.mjs).
 *
 * The Node binary comes from scripts/node-binary.mjs (`NODE<major>_PATH`, the machine's own, or
 * installed from the npm registry). SDK 3.x is the devDependency `genai-sdk-3` (an npm alias), put
 * in place of `@google/genai` by vitest.config.ts.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { nodeBinary } from './node-binary.mjs';

const NODE_MAJOR = Number(process.argv[2]);
if (!Number.isInteger(NODE_MAJOR) || NODE_MAJOR < 22) throw new Error('usage: node scripts/test-on-node.mjs <Node major, 22 or later> [vitest arguments]');
const REPO = fileURLToPath(new URL('..', import.meta.url));

const { binary: node, version } = await nodeBinary(NODE_MAJOR);
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
