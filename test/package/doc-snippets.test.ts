/**
 * The TypeScript and JavaScript snippets of the README and the guides, type-checked against the
 * built package, so the docs cannot drift from the code. Each snippet is its own module, importing
 * the package by its name (resolved through package.json's `exports`, as an app resolves it).
 * What a snippet takes from its page without declaring it (the app's key, how it shows and plays
 * things, the `ai` and `sandbox` an earlier snippet made, the package's exports named in the text)
 * is declared once in PAGE below. Needs the built `dist/`.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { REPO } from '../support/packed-package.js';

/** The documents whose snippets are checked: the README and every guide. */
const DOCUMENTS = [
  'README.md',
  ...readdirSync(join(REPO, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .map((name) => `docs/${name}`),
];

/** What the snippets' page provides. */
const PAGE = `import type { GoogleGenAI as Client } from '@google/genai';
import type * as Package from 'pyodide-code-execution';

type LiveHelper = ReturnType<typeof Package.createLiveCodeExecution>;

declare global {
  // The app's own: its key (or a Live token's name) and how it shows and plays things.
  const apiKey: string;
  const tokenName: string;
  function show(...values: unknown[]): void;
  function play(mimeType: string | undefined, data: string): void;
  function stopPlayback(): void;
  function showCode(code: string): void;
  function showOutput(text: string): void;
  const onEvent: (event: Parameters<NonNullable<Parameters<typeof Package.connectLiveCodeExecution>[0]['onEvent']>>[0]) => void;
  const config: Parameters<LiveHelper['connectConfig']>[0];
  const yours: Parameters<LiveHelper['callbacks']>[0];
  // What an earlier snippet on the same page made.
  const ai: Client;
  const sandbox: Package.PythonSandbox;
  const model: string;
  // The package's exports, for snippets that continue an earlier one's imports.
  const GoogleGenAI: typeof Client;
  const PythonSandbox: typeof Package.PythonSandbox;
  const createCodeExecutionChat: typeof Package.createCodeExecutionChat;
  const createLiveCodeExecution: typeof Package.createLiveCodeExecution;
  const connectLiveCodeExecution: typeof Package.connectLiveCodeExecution;
  const sandboxAsCallableTool: typeof Package.sandboxAsCallableTool;
}
export {};
`;

/** Every fenced `ts`, `typescript` or `js` block of `document`, with the line it starts on. */
function snippetsOf(document: string): { line: number; code: string }[] {
  const text = readFileSync(join(REPO, document), 'utf8');
  return [...text.matchAll(/^```(?:ts|typescript|js)\n([\s\S]*?)^```/gm)].map((match) => ({
    line: text.slice(0, match.index).split('\n').length,
    code: match[1],
  }));
}

test('every TypeScript and JavaScript snippet of the README and the guides type-checks against the built package', { timeout: 120_000 }, () => {
  // Inside the repository, so the package's own name resolves to it (self-reference) and its dependencies to node_modules.
  const folder = join(REPO, 'test-results', 'doc-snippets');
  rmSync(folder, { recursive: true, force: true });
  mkdirSync(folder, { recursive: true });
  const where = new Map<string, string>();
  for (const document of DOCUMENTS)
    for (const [index, { line, code }] of snippetsOf(document).entries()) {
      const file = `${document.replace(/[/.]/g, '_')}_${index + 1}.ts`;
      where.set(file, `${document}:${line}`);
      writeFileSync(join(folder, file), `${code}\nexport {};\n`);
    }
  expect(where.size).toBeGreaterThan(15);
  writeFileSync(join(folder, 'page.d.ts'), PAGE);
  const compilerOptions = {
    target: 'es2022',
    module: 'esnext',
    moduleResolution: 'bundler',
    lib: ['es2022', 'dom'],
    types: ['node'],
    typeRoots: [join(REPO, 'node_modules', '@types')],
    strict: true,
    noEmit: true,
    skipLibCheck: true,
  };
  writeFileSync(join(folder, 'tsconfig.json'), JSON.stringify({ compilerOptions, include: ['*.ts'] }));
  const tsc = spawnSync(process.execPath, [join(REPO, 'node_modules/typescript/bin/tsc'), '-p', folder], { cwd: folder, encoding: 'utf8' });
  // Each error named by the document and line of its snippet.
  const errors = [...tsc.stdout.matchAll(/^(\S+?\.ts)\((\d+),\d+\): (error TS\d+: .*)$/gm)].map(
    ([, file, line, message]) => `${where.get(file) ?? file} (+${Number(line) - 1}): ${message}`,
  );
  expect(errors).toEqual([]);
  expect(tsc.status).toBe(0);
});
