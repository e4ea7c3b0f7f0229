/**
 * The canary's throwaway copy of the project: HEAD's tracked files in a temporary folder, and a
 * node_modules of its own whose entries are symlinks to the main tree's, but for `pyodide`, which
 * is the version under test as npm packs it. Nothing is installed into, or written to, the main
 * tree's node_modules: the caches that builds and vitest write (.vite, .vite-temp) are left out,
 * and .cache (the Node binaries, the test wheels) is a folder of its own linking to each entry.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Written by `vite build` and vitest into node_modules: the copy starts without them. */
const WRITTEN = new Set(['.vite', '.vite-temp']);
/** Linked one level down, so that what a test adds there lands in the copy. */
const LINKED_INSIDE = new Set(['.cache']);

/** Links each entry of `from` into `to` but `skip`. */
function linkEntries(from, to, skip = new Set()) {
  mkdirSync(to, { recursive: true });
  for (const name of readdirSync(from)) if (!skip.has(name)) symlinkSync(join(from, name), join(to, name));
}

/** A copy of `repo`'s HEAD with `pyodide@version` in its node_modules; `remove()` deletes it. */
export function makeWorkspace(repo, version) {
  const folder = mkdtempSync(join(tmpdir(), 'pyodide-canary-'));
  const root = join(folder, 'repo');
  const remove = () => rmSync(folder, { recursive: true, force: true });
  try {
    mkdirSync(root);
    // HEAD's tracked files; the working tree's uncommitted changes are not the canary's business.
    execFileSync('sh', ['-c', `git -C "$1" archive --format=tar HEAD | tar -x -C "$2"`, 'sh', repo, root], { stdio: ['ignore', 'ignore', 'inherit'] });
    const modules = join(root, 'node_modules');
    linkEntries(join(repo, 'node_modules'), modules, new Set(['pyodide', ...WRITTEN, ...LINKED_INSIDE]));
    for (const name of LINKED_INSIDE) linkEntries(join(repo, 'node_modules', name), join(modules, name));
    // The package as the registry serves it (npm pack fetches the tarball, installs nothing).
    const tarball = execFileSync('npm', ['pack', `pyodide@${version}`, '--silent', '--pack-destination', folder], { cwd: folder, encoding: 'utf8' })
      .trim()
      .split('\n')
      .at(-1);
    mkdirSync(join(modules, 'pyodide'));
    execFileSync('tar', ['-xzf', join(folder, tarball), '-C', join(modules, 'pyodide'), '--strip-components=1']);
  } catch (error) {
    remove();
    throw error;
  }
  return { root, remove };
}
