/**
 * A private copy of the build for one bench run. Teammates rebuild dist/ while they work (the
 * build empties it first), and a rebuild in the middle of a 4-minute run makes boots 404 and hang.
 * The copy holds dist/, bench/ and the tests' pages side by side, so it is also the static server's root.
 */
import { cpSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = fileURLToPath(new URL('../', import.meta.url));

/** @returns {{ root: string, distDir: string, remove(): void }} */
export function freezeBuild() {
  const root = mkdtempSync(join(tmpdir(), 'python-sandbox-bench-'));
  for (const dir of ['dist', 'bench', 'test/browser/pages', 'test/ui/pages']) cpSync(join(REPO_ROOT, dir), join(root, dir), { recursive: true });
  // The Node build imports its peer dependency (@google/genai) from node_modules beside it.
  symlinkSync(join(REPO_ROOT, 'node_modules'), join(root, 'node_modules'), 'dir');
  return {
    root,
    distDir: join(root, 'dist'),
    remove: () => rmSync(root, { recursive: true, force: true }),
  };
}
