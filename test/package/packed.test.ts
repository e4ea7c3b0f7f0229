/**
 * The npm package as a user gets it: `npm pack`, unpacked into an empty project's node_modules
 * beside its dependencies (linked from this repository's, so no network is needed), then used
 * from Node ESM and resolved the way bundlers resolve asset imports. Needs the built `dist/`.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { PACKAGE_NAME as NAME, linkDependencies, packPackage, unpackPackage } from '../support/packed-package.js';

let app: string;

beforeAll(() => {
  app = mkdtempSync(join(tmpdir(), 'packed-app-'));
  const tarball = packPackage(app);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
  const modules = join(app, 'node_modules');
  linkDependencies(unpackPackage(tarball, modules), modules);
}, 240_000);
afterAll(() => rmSync(app, { recursive: true, force: true }));

describe('the packed package', () => {
  test('runs Python from a Node ESM project by its name, with no configuration', () => {
    writeFileSync(
      join(app, 'main.mjs'),
      `import { PythonSandbox } from '${NAME}';
const sandbox = await PythonSandbox.create({ warmSpare: false });
const r = await sandbox.run('import sys\\nsys.platform, 6 * 7');
await sandbox.dispose();
console.log(JSON.stringify(r.result));`,
    );
    expect(execFileSync(process.execPath, ['main.mjs'], { cwd: app, encoding: 'utf8' }).trim()).toBe(JSON.stringify("('emscripten', 42)"));
  }, 120_000);

  test('names the license of every package bundled into it, Mozilla Public License ones with where their source is', () => {
    const dist = join(app, 'node_modules', NAME, 'dist');
    const widget = readFileSync(join(dist, 'licenses/widget.md'), 'utf8');
    for (const bundled of ['lit', 'marked', 'dompurify', 'highlight.js', 'comlink', 'pip-requirements-js', 'pyodide'])
      expect(widget, bundled).toContain(`## ${bundled} - `);
    expect(readFileSync(join(dist, 'licenses/library.md'), 'utf8')).toContain('## pip-requirements-js - 1.0.3 (MPL-2.0)');
    expect(readFileSync(join(dist, 'licenses/worker.md'), 'utf8')).toContain('## comlink - ');
    expect(readFileSync(join(dist, 'pyodide/NOTICE.md'), 'utf8')).toMatch(/License: MPL-2\.0 .* Source: https:\/\/github\.com\/pyodide\/pyodide\/tree\/\d/);
  });

  test.each([
    'worker.js',
    'widget.js',
    'pyodide/pyodide.asm.wasm',
    'pyodide/pyodide.asm.wasm.gz',
    'pyodide/pyodide.asm.mjs.gz',
    'pyodide/pyodide-lock.json.gz',
    'pyodide/pyodide.mjs',
    'pyodide/pyodide-lock.json',
    'package.json',
  ])('%s resolves by its package path, as a bundler resolves an asset import', (asset) => {
    const resolved = createRequire(join(app, 'main.mjs')).resolve(`${NAME}/${asset}`);
    expect(resolved).toBe(join(app, 'node_modules', NAME, asset === 'package.json' ? '' : 'dist', asset));
  });
});
