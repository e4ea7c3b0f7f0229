/**
 * The Node binary of one major for `npm test`'s passes (scripts/test.mjs, scripts/test-on-node.mjs):
 * `NODE<major>_PATH` if set, else this process's own Node if it is that major, else the official
 * binary from the npm registry (`node-<platform>-<arch>@<major>`), installed once into
 * node_modules/.cache/node<major>. The machine's Node may be any other major: it only starts them.
 */
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const WINDOWS = process.platform === 'win32';

function majorOf(version) {
  return Number(/^v?(\d+)/.exec(version)?.[1] ?? 0);
}

/** Resolves to a Node `major` binary and its version (`v24.1.0`), installing it first if need be; rejects if there is none. */
export async function nodeBinary(major) {
  const binary = process.env[`NODE${major}_PATH`] || (majorOf(process.version) === major ? process.execPath : await installed(major));
  const { stdout } = await promisify(execFile)(binary, ['--version'], { encoding: 'utf8' });
  if (majorOf(stdout) !== major) throw new Error(`${binary} is Node ${stdout.trim()}; this test pass needs Node ${major} (set NODE${major}_PATH)`);
  return { binary, version: stdout.trim() };
}

async function installed(major) {
  const folder = join(REPO, 'node_modules', '.cache', `node${major}`);
  const name = `node-${WINDOWS ? 'win' : process.platform}-${process.arch}`;
  const binary = join(folder, 'node_modules', name, ...(WINDOWS ? ['node.exe'] : ['bin', 'node']));
  if (existsSync(binary)) return binary;
  console.log(`Installing Node ${major} (${name}) from the npm registry into ${folder}`);
  const args = ['install', '--prefix', folder, '--no-save', '--no-package-lock', '--no-audit', '--no-fund', `${name}@${major}`];
  const code = await new Promise((resolve) => {
    const child = spawn('npm', args, { stdio: 'inherit', shell: WINDOWS });
    child.on('error', () => resolve(-1));
    child.on('close', resolve);
  });
  if (code !== 0 || !existsSync(binary)) throw new Error(`npm ${args.join(' ')} failed`);
  return binary;
}
