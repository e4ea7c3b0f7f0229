/** scripts/vendor-pyodide.mjs against a fake site and a fake full distribution (folder and archive). */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const SCRIPT = join(REPO, 'scripts/vendor-pyodide.mjs');
const VERSION = JSON.parse(readFileSync(join(REPO, 'node_modules/pyodide/package.json'), 'utf8')).version as string;

let work: string;
beforeEach(() => {
  work = mkdtempSync(join(tmpdir(), 'vendor-test-'));
  mkdirSync(join(work, 'site/pyodide'), { recursive: true });
  writeFileSync(join(work, 'site/pyodide/pyodide.mjs'), '// runtime');
  writeFileSync(join(work, 'site/index.html'), '<body><code-exec-chat id="chat"></code-exec-chat></body>');
  mkdirSync(join(work, 'release/pyodide'), { recursive: true });
  writeFileSync(join(work, 'release/pyodide/pyodide-lock.json'), JSON.stringify({ info: { version: VERSION }, packages: {} }));
  writeFileSync(join(work, 'release/pyodide/numpy-2.4.0-cp314-cp314-pyodide_2025_0_wasm32.whl'), 'wheel');
});
afterEach(() => rmSync(work, { recursive: true, force: true }));

function vendor(...args: string[]) {
  return spawnSync(process.execPath, [SCRIPT, ...args, '--out', join(work, 'site')], { encoding: 'utf8' });
}

describe('vendor-pyodide', () => {
  test('copies a distribution folder and points the demo page at it', () => {
    const run = vendor(join(work, 'release'));
    expect(run.status, run.stderr).toBe(0);
    expect(existsSync(join(work, 'site/pyodide/numpy-2.4.0-cp314-cp314-pyodide_2025_0_wasm32.whl'))).toBe(true);
    expect(JSON.parse(readFileSync(join(work, 'site/pyodide/vendored.json'), 'utf8'))).toMatchObject({ version: VERSION, packages: 1 });
    expect(readFileSync(join(work, 'site/index.html'), 'utf8')).toContain('<code-exec-chat packages-url="./pyodide/" id="chat">');
    // Idempotent: running again does not add the attribute twice.
    expect(vendor(join(work, 'release')).status).toBe(0);
    expect(readFileSync(join(work, 'site/index.html'), 'utf8').match(/packages-url/g)).toHaveLength(1);
  });

  test('extracts a release archive', () => {
    const archive = join(work, `pyodide-${VERSION}.tar.bz2`);
    execFileSync('tar', ['-cjf', archive, '-C', join(work, 'release'), 'pyodide']);
    const run = vendor(archive);
    expect(run.status, run.stderr).toBe(0);
    expect(existsSync(join(work, 'site/pyodide/pyodide-lock.json'))).toBe(true);
  });

  test('refuses wheels built for another Pyodide version', () => {
    cpSync(join(work, 'release'), join(work, 'old'), { recursive: true });
    writeFileSync(join(work, 'old/pyodide/pyodide-lock.json'), JSON.stringify({ info: { version: '0.26.0' }, packages: {} }));
    const run = vendor(join(work, 'old'));
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('wheels must match the interpreter');
  });
});
