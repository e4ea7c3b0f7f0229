/**
 * Packages from a Python package index on request, end to end in the Node sandbox:
 * real pure-Python wheels (fetched from the machine's pip mirror by
 * scripts/download-index-wheels.mjs) served by a loopback PEP 691 index with PEP 658 metadata.
 * The lock file's own wheels come from Pyodide's CDN, which cannot be reached here, so the lock
 * the sandbox gets has sympy dropped (the index provides it) and mpmath pointed at the same
 * folder: sympy then mixes the index (sympy) with the lock (its mpmath).
 */
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { PackageBroker } from '../../src/sandbox/packages/package-broker.js';
import { type FakeIndex, indexWheelsMissing, lockWith, startFakeIndex } from '../support/fake-pypi.js';
import type { PythonSandbox } from '../../dist/index.node.js';
import { it } from '../support/fixtures.js';
import { type Listening, listenOnLoopback } from '../support/loopback.js';

const missing = indexWheelsMissing();
let index: FakeIndex;
let tamperedIndex: FakeIndex;

beforeAll(async () => {
  if (missing) return;
  [index, tamperedIndex] = await Promise.all([startFakeIndex(), startFakeIndex({ tampered: ['tabulate'] })]);
});
afterAll(() => Promise.all([index?.close(), tamperedIndex?.close()]));

const optionsFor = (server: FakeIndex) => ({
  packageIndex: server.indexUrl,
  packageBaseUrl: server.lockBaseUrl,
  lockFileContents: lockWith(server, { drop: ['sympy'], fromFolder: ['mpmath'] }),
  warmSpare: false,
});

describe.skipIf(!!missing)(missing ? `packages from a package index (skipped: ${missing})` : 'packages from a package index', { timeout: 120_000 }, () => {
  it('imports tabulate from the index and prints its table', async ({ createSandbox }) => {
    const sandbox = await createSandbox(optionsFor(index));
    const r = await sandbox.run('from tabulate import tabulate\nprint(tabulate([["a", 1], ["b", 22]], headers=["k", "v"]))');
    expect(r.error).toBeUndefined();
    expect(r.stdout).toBe('k      v\n---  ---\na      1\nb     22\n');
    expect(index.requests).toContain('/simple/tabulate/');
    expect(index.requests.some((path) => path.endsWith('.whl.metadata'))).toBe(true);
  });

  it('openpyxl writes an .xlsx that comes back as a file, with et_xmlfile resolved from the index', async ({ createSandbox }) => {
    const sandbox = await createSandbox(optionsFor(index));
    const r = await sandbox.run(
      'import openpyxl\nwb = openpyxl.Workbook()\nwb.active.append(["q", 3])\nwb.save("out.xlsx")\nimport et_xmlfile\nprint(et_xmlfile.__name__)',
    );
    expect(r.error).toBeUndefined();
    expect(index.requests).toContain('/simple/et-xmlfile/');
    const file = r.files.find((f) => f.path === 'out.xlsx');
    expect(file?.mimeType).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(Buffer.from(file!.data, 'base64').subarray(0, 2).toString()).toBe('PK');
  });

  it('pypdf writes a PDF, and reads an attached one', async ({ createSandbox }) => {
    const sandbox = await createSandbox(optionsFor(index));
    const written = await sandbox.run(
      'from pypdf import PdfWriter\nw = PdfWriter()\nw.add_blank_page(width=200, height=100)\nw.add_blank_page(width=300, height=100)\nw.write("made.pdf")',
    );
    expect(written.error).toBeUndefined();
    const pdf = written.files.find((f) => f.path === 'made.pdf');
    expect(Buffer.from(pdf!.data, 'base64').subarray(0, 5).toString()).toBe('%PDF-');
    const reader = await createSandbox(optionsFor(index));
    await reader.writeFile('attached.pdf', Buffer.from(pdf!.data, 'base64'));
    const read = await reader.run('from pypdf import PdfReader\n[float(p.mediabox.width) for p in PdfReader("attached.pdf").pages]');
    expect(read).toMatchObject({ outcome: 'OUTCOME_OK', result: '[200.0, 300.0]' });
  });

  it('sympy from the index (its mpmath from the lock file) solves an equation', async ({ createSandbox }) => {
    const sandbox = await createSandbox(optionsFor(index));
    const r = await sandbox.run('import sympy\nx = sympy.symbols("x")\nsorted(sympy.solve(x**2 - 5*x + 6, x))');
    expect(r.error).toBeUndefined();
    expect(r.result).toBe('[2, 3]');
    expect(index.requests).toContain('/simple/sympy/');
    expect(index.requests).not.toContain('/simple/mpmath/');
    expect(index.requests).toContain(`/lock/${index.wheelOf('mpmath')}`);
  });

  it('a package not on the index fails with PackageLoadError naming it, and the interpreter goes on with its state', async ({ createSandbox }) => {
    const sandbox = await createSandbox(optionsFor(index));
    await sandbox.run('kept = 7');
    const r = await sandbox.run('import surely_not_a_package');
    expect(r.error?.name).toBe('PackageLoadError');
    expect(r.error?.message).toMatch(/surely-not-a-package is not on the package index/);
    expect(await sandbox.run('kept * 6')).toMatchObject({ outcome: 'OUTCOME_OK', result: '42', stateLost: false });
  });

  it('a package whose only wheel is platform-specific fails saying which wheels exist', async ({ createSandbox }) => {
    // lxml is in the lock file; dropped here, the index has only its CPython manylinux wheel.
    const sandbox = await createSandbox({ ...optionsFor(index), lockFileContents: lockWith(index, { drop: ['lxml'] }) });
    const r = await sandbox.run('import lxml');
    expect(r.error?.name).toBe('PackageLoadError');
    expect(r.error?.message).toMatch(/no wheel of lxml fits Pyodide.*offers only: cp311-cp311-manylinux_2_26_x86_64\.manylinux_2_28_x86_64/);
    expect(await sandbox.run('1 + 1')).toMatchObject({ outcome: 'OUTCOME_OK', result: '2' });
  });

  it('a wheel whose SHA-256 does not match the index is refused, and the interpreter goes on', async ({ createSandbox }) => {
    const sandbox = await createSandbox(optionsFor(tamperedIndex));
    await sandbox.run('kept = 5');
    const r = await sandbox.run('import tabulate\nprint("imported")');
    expect(r.error?.name).toBe('PackageLoadError');
    expect(r.error?.message).toMatch(/tabulate .*SHA-256 does not match the package index's; refused, not installed/);
    expect(r.output).not.toContain('imported');
    expect(await sandbox.run('kept')).toMatchObject({ outcome: 'OUTCOME_OK', result: '5' });
  });

  it('with the index off (the default), an unknown import is a plain ModuleNotFoundError and nothing is asked', async ({ createSandbox }) => {
    const before = index.requests.length;
    const sandbox = await createSandbox({ ...optionsFor(index), packageIndex: undefined });
    const r = await sandbox.run('import tabulate');
    expect(r.error?.name).toBe('ModuleNotFoundError');
    expect(index.requests.length).toBe(before);
  });

  describe('every request for the index is answered (an honest cell never waits for its deadline)', () => {
    const stillThere = async (sandbox: PythonSandbox) => {
      expect(await sandbox.run('kept')).toMatchObject({ outcome: 'OUTCOME_OK', result: '7', stateLost: false });
    };

    it('a cell importing more modules than one request may name fails at once, saying the bound', async ({ createSandbox }) => {
      const sandbox = await createSandbox(optionsFor(index));
      await sandbox.run('kept = 7');
      const r = await sandbox.run(Array.from({ length: 17 }, (_, i) => `import absent_${i}`).join('\n'), { timeoutMs: 20_000 });
      expect(r.error?.name).toBe('PackageLoadError');
      expect(r.error?.message).toMatch(/17 modules .*at most 16/);
      expect(r.outcome).toBe('OUTCOME_FAILED');
      await stillThere(sandbox);
    });

    it('a non-ASCII import name is a ModuleNotFoundError at once, saying why the index was not asked', async ({ createSandbox }) => {
      const sandbox = await createSandbox(optionsFor(index));
      await sandbox.run('kept = 7');
      const r = await sandbox.run('import café', { timeoutMs: 20_000 });
      expect(r.error?.name).toBe('ModuleNotFoundError');
      expect(r.error?.message).toMatch(/café.*not a name a package index is asked for/);
      await stillThere(sandbox);
    });

    it('an import name over 100 characters is a ModuleNotFoundError at once, saying why the index was not asked', async ({ createSandbox }) => {
      const sandbox = await createSandbox(optionsFor(index));
      await sandbox.run('kept = 7');
      const r = await sandbox.run(`import ${'x'.repeat(101)}`, { timeoutMs: 20_000 });
      expect(r.error?.name).toBe('ModuleNotFoundError');
      expect(r.error?.message).toMatch(/not a name a package index is asked for/);
      await stillThere(sandbox);
    });
  });

  describe('a stop while the index resolves (an index that never answers)', () => {
    let silent: Listening;
    beforeAll(async () => {
      silent = await listenOnLoopback(createServer(() => undefined));
    });
    afterAll(() => silent?.close());

    it('at the deadline: the run stops and the interpreter keeps its state, and Python is not blamed', async ({ createSandbox }) => {
      const sandbox = await createSandbox({ ...optionsFor(index), packageIndex: `${silent.origin}/simple/` });
      await sandbox.run('kept = 7');
      const r = await sandbox.run('import never_answered', { timeoutMs: 2000 });
      expect(r).toMatchObject({ outcome: 'OUTCOME_DEADLINE_EXCEEDED', stateLost: false });
      expect(r.error?.message).toMatch(/Variables are kept/);
      expect(r.error?.message).not.toMatch(/Python did not stop/);
      expect(await sandbox.run('kept')).toMatchObject({ outcome: 'OUTCOME_OK', result: '7', stateLost: false });
    });

    it('at interrupt(): the run stops as interrupted and the interpreter keeps its state', async ({ createSandbox }) => {
      const sandbox = await createSandbox({ ...optionsFor(index), packageIndex: `${silent.origin}/simple/` });
      await sandbox.run('kept = 7');
      const r = await sandbox.run('import never_answered_either', { signal: AbortSignal.timeout(1500), timeoutMs: 20_000 });
      expect(r).toMatchObject({ outcome: 'OUTCOME_FAILED', stateLost: false, error: { name: 'KeyboardInterrupt' } });
      expect(r.error?.message).toMatch(/Variables are kept/);
      expect(await sandbox.run('kept')).toMatchObject({ outcome: 'OUTCOME_OK', result: '7', stateLost: false });
    });
  });

  it('modules the interpreter has (the standard library, files in the working directory) are never asked of the index', async ({ createSandbox }) => {
    const sandbox = await createSandbox(optionsFor(index));
    await sandbox.writeFile('mymod.py', 'VALUE = 3\n');
    const before = index.requests.length;
    const r = await sandbox.run('import json, os.path, mymod\nmymod.VALUE');
    expect(r).toMatchObject({ outcome: 'OUTCOME_OK', result: '3' });
    expect(index.requests.length).toBe(before);
  });
});

/**
 * Gemini's libraries whose dependencies include the lock file's binary packages (Pillow, numpy,
 * lxml…) cannot run here (those wheels come from Pyodide's CDN); their resolution, from their
 * real metadata, is what can be shown: the index's pure-Python wheels, downloaded and checked,
 * plus the lock-file packages they need.
 */
describe.skipIf(!!missing)(missing ? `resolving Gemini's libraries (skipped: ${missing})` : "resolving Gemini's libraries from their real metadata", () => {
  const officialLock = () => readFileSync(new URL('../../node_modules/pyodide/pyodide-lock.json', import.meta.url), 'utf8');
  const resolve = (importName: string) => new PackageBroker(officialLock(), () => index.lockBaseUrl, index.indexUrl).fromIndex([importName]);
  const names = (wheels: string[]) => wheels.map((wheel) => wheel.replace(/^index\//, '').split('-')[0]).sort();

  it.each([
    ['seaborn', ['seaborn'], ['matplotlib', 'numpy', 'pandas']],
    ['fpdf', ['defusedxml', 'fpdf2'], ['Pillow', 'fonttools']],
    ['reportlab', ['reportlab'], ['Pillow', 'charset-normalizer']],
    ['docx', ['python_docx'], ['lxml', 'typing-extensions']],
  ])('import %s: %j from the index, %j from the lock file', async (importName, fromIndex, fromLock) => {
    const packages = await resolve(importName);
    expect(names(packages.wheels)).toEqual(fromIndex);
    expect(packages.lock.sort()).toEqual(fromLock);
  });
});
