/**
 * The npm package as a user gets it: `npm pack`, unpacked into an empty project's node_modules
 * beside its dependencies (linked from this repository's, so no network is needed), then used
 * from Node ESM, resolved the way bundlers resolve asset imports, and type-checked as a
 * TypeScript page that embeds the widget. Needs the built `dist/`.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { PACKAGE_NAME as NAME, REPO, linkDependencies, packPackage, unpackPackage } from '../support/packed-package.js';

let app: string;

beforeAll(() => {
  app = mkdtempSync(join(tmpdir(), 'packed-app-'));
  const tarball = packPackage(app);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
  const modules = join(app, 'node_modules');
  // A project without ADK: the ADK entry's optional peer is the one left out.
  linkDependencies(unpackPackage(tarball, modules), modules, ['@google/adk']);
}, 240_000);
afterAll(() => rmSync(app, { recursive: true, force: true }));

describe('the packed package', () => {
  test('no file but the ADK entry imports @google/adk, and a project without ADK loads every other entry', () => {
    const dist = join(app, 'node_modules', NAME, 'dist');
    const importsAdk = /(?:\bfrom|\bimport)\s*\(?\s*["']@google\/adk(?:\/[^"']*)?["']/;
    const naming = readdirSync(dist, { recursive: true, encoding: 'utf8' }).filter(
      (file) => /\.(m?js|d\.ts)$/.test(file) && importsAdk.test(readFileSync(join(dist, file), 'utf8')),
    );
    expect(naming.sort()).toEqual(['adk.js', 'adk.node.js', ...naming.filter((file) => file.startsWith('integrations/adk/'))].sort());
    expect(naming.filter((file) => file.startsWith('integrations/adk/')).length).toBeGreaterThan(0);
    writeFileSync(
      join(app, 'entries.mjs'),
      `for (const entry of ['', '/sandbox', '/mcp', '/ai-sdk']) await import('${NAME}' + entry);
try { await import('${NAME}/adk'); console.log('adk loaded'); } catch (error) { console.log(error.code, /@google\\/adk/.test(error.message)); }`,
    );
    expect(execFileSync(process.execPath, ['entries.mjs'], { cwd: app, encoding: 'utf8' }).trim()).toBe('ERR_MODULE_NOT_FOUND true');
  }, 60_000);

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

  test('draws a chart as a PNG in Node, and without the chart packages returns its spec with a line naming them', () => {
    writeFileSync(
      join(app, 'chart.mjs'),
      `import { PythonSandbox, withChartImages } from '${NAME}';
const sandbox = await PythonSandbox.create({ warmSpare: false });
const r = await withChartImages(await sandbox.run('display({"data": {"values": [{"a": 1}]}, "mark": "point"})'));
await sandbox.dispose();
console.log(JSON.stringify({ spec: r.charts.length, drawn: r.charts[0].image?.mimeType ?? null, output: r.output }));`,
    );
    // The process ends by itself: an idle drawing process does not keep it alive.
    const run = () => JSON.parse(execFileSync(process.execPath, ['chart.mjs'], { cwd: app, encoding: 'utf8', timeout: 90_000 }).trim());
    expect(run()).toEqual({ spec: 1, drawn: 'image/png', output: '' });
    const vega = join(app, 'node_modules', 'vega');
    renameSync(vega, `${vega}-away`);
    try {
      const without = run();
      expect(without).toMatchObject({ spec: 1, drawn: null });
      expect(without.output).toMatch(
        /^\[chart 1 not drawn as an image: Charts are drawn in Node with optional packages: install them beside this one \(npm install vega vega-lite vega-interpreter @resvg\/resvg-wasm dejavu-fonts-ttf\)\./,
      );
    } finally {
      renameSync(`${vega}-away`, vega);
    }
  }, 200_000);

  test('names the license of every package bundled into it, Mozilla Public License ones with where their source is', () => {
    const dist = join(app, 'node_modules', NAME, 'dist');
    const widget = readFileSync(join(dist, 'licenses/widget.md'), 'utf8');
    for (const bundled of ['lit', 'marked', 'dompurify', 'highlight.js', 'comlink', 'pip-requirements-js', 'pyodide'])
      expect(widget, bundled).toContain(`## ${bundled} - `);
    const chart = readFileSync(join(dist, 'licenses/widget-chart.md'), 'utf8');
    for (const bundled of ['vega', 'vega-lite', 'vega-embed', 'vega-interpreter', 'vega-tooltip']) expect(chart, bundled).toContain(`## ${bundled} - `);
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

/** A page's script that embeds the widget, as TypeScript users write it: each line must type-check. */
const WIDGET_PAGE = `import { CodeExecChat, DEFAULT_MODEL, type PythonScratchpad, attachmentsFromFiles } from 'pyodide-code-execution/widget.js';
const chat = document.querySelector('code-exec-chat')!;
chat.apiKey = 'k';
chat.execution = 'server';
chat.headingLevel = 3;
const sandbox = await chat.ensureSandbox();
await sandbox.run('6 * 7');
await chat.send('Plot a sine wave', [{ path: 'data.csv', mimeType: 'text/csv', data: new Uint8Array(1) }]);
await chat.send('Sum it', await attachmentsFromFiles(document.querySelector('input')?.files ?? []));
await chat.send('The earlier shape', [{ name: 'old.csv', mimeType: '', data: new Uint8Array(1) }]);
chat.addEventListener('cec-error', (event) => console.log(event.detail.error.title));
document.createElement('code-exec-chat').stop();
chat.functions = [{ declaration: { name: 'get_sales' }, callableFrom: 'code', handler: ({ region }) => String(region) }];
const scratchpad: PythonScratchpad = document.createElement('python-scratchpad');
scratchpad.for = chat.id;
const fresh: CodeExecChat = new CodeExecChat();
fresh.model = DEFAULT_MODEL;
export {};
`;

/** Misuses that must not compile, each in its own file, with the error TypeScript gives. */
const WIDGET_MISUSES: Record<string, { code: string; error: string }> = {
  'number-key.ts': { code: "document.querySelector('code-exec-chat')!.apiKey = 42;", error: 'TS2322' },
  'misspelt-property.ts': { code: "document.querySelector('code-exec-chat')!.apikey = 'k';", error: 'TS2551' },
  'unknown-mode.ts': { code: "document.querySelector('code-exec-chat')!.execution = 'cloud';", error: 'TS2322' },
  'attachment-two-names.ts': {
    code: "await document.querySelector('code-exec-chat')!.send('x', [{ path: 'a', name: 'a', mimeType: '', data: new Uint8Array(1) }]);",
    error: 'TS2322',
  },
};

describe("the widget's types", () => {
  // skipLibCheck off: the published declarations themselves are checked, and they import no `lit`.
  test.each([true, false])(
    'a page using <code-exec-chat> through `widget.js` type-checks, and misusing it does not (skipLibCheck: %s)',
    (skipLibCheck) => {
      const project = join(app, `widget-types-${skipLibCheck}`);
      mkdirSync(project, { recursive: true });
      // A bundler project's usual settings; no `lit` is installed: the widget bundles it.
      const compilerOptions = {
        target: 'es2022',
        module: 'esnext',
        moduleResolution: 'bundler',
        lib: ['es2022', 'dom'],
        types: [],
        strict: true,
        noEmit: true,
        skipLibCheck,
      };
      writeFileSync(join(project, 'tsconfig.json'), JSON.stringify({ compilerOptions, include: ['*.ts'] }));
      writeFileSync(join(project, 'page.ts'), WIDGET_PAGE);
      for (const [file, { code }] of Object.entries(WIDGET_MISUSES))
        writeFileSync(join(project, file), `import 'pyodide-code-execution/widget.js';\n${code}\nexport {};\n`);
      const tsc = spawnSync(process.execPath, [join(REPO, 'node_modules/typescript/bin/tsc'), '-p', project], { cwd: project, encoding: 'utf8' });
      /** The error codes TypeScript gave in `file`. */
      const errorsIn = (file: string) => [...tsc.stdout.matchAll(new RegExp(`^${file}\\(.*error (TS\\d+)`, 'gm'))].map((match) => match[1]);
      expect(errorsIn('page.ts'), tsc.stdout).toEqual([]);
      for (const [file, { error }] of Object.entries(WIDGET_MISUSES)) expect(errorsIn(file), file).toEqual([error]);
      // And none anywhere else: in the package's declarations, or in what they import.
      const elsewhere = tsc.stdout.split('\n').filter((line) => /error TS\d+/.test(line) && !Object.keys(WIDGET_MISUSES).some((file) => line.startsWith(file)));
      expect(elsewhere).toEqual([]);
    },
    60_000,
  );
});
