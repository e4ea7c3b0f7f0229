/**
 * The npm package as a user gets it: `npm pack` of this repository (needs the built `dist/`), and
 * the tarball unpacked into a project's node_modules, for the tests that use the package by its
 * name (test/package/).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const PACKAGE_NAME = 'pyodide-code-execution';
export const REPO = fileURLToPath(new URL('../../', import.meta.url));

/** Packs the repository into `destination`; returns the tarball's path. */
export function packPackage(destination: string): string {
  if (!existsSync(join(REPO, 'dist', 'worker.js'))) throw new Error('dist/ is not built: run `npm run build` first');
  const before = new Set(readdirSync(destination));
  execFileSync('npm', ['pack', '--silent', '--pack-destination', destination], { cwd: REPO, stdio: 'pipe' });
  const tarball = readdirSync(destination).find((file) => file.endsWith('.tgz') && !before.has(file));
  if (!tarball) throw new Error(`npm pack wrote no tarball into ${destination}`);
  return join(destination, tarball);
}

/** Unpacks `tarball` as `<modules>/pyodide-code-execution`; returns that folder. */
export function unpackPackage(tarball: string, modules: string): string {
  const target = join(modules, PACKAGE_NAME);
  rmSync(target, { recursive: true, force: true });
  mkdirSync(modules, { recursive: true });
  execFileSync('tar', ['-xzf', tarball, '-C', modules]);
  renameSync(join(modules, 'package'), target);
  return target;
}

/** Links the package's dependencies and peer dependencies from this repository's node_modules (no network), but those in `except`. */
export function linkDependencies(packageDir: string, modules: string, except: readonly string[] = []): void {
  const { dependencies = {}, peerDependencies = {} } = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8'));
  for (const dependency of Object.keys({ ...dependencies, ...peerDependencies })) {
    if (except.includes(dependency)) continue;
    mkdirSync(join(modules, dependency, '..'), { recursive: true });
    symlinkSync(join(REPO, 'node_modules', dependency), join(modules, dependency), 'dir');
  }
}
