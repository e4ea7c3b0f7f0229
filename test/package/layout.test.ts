/**
 * The house as CONTRIBUTING.md draws it: folders follow the data path and imports point one way,
 * down it (integrations → ui → agent → sandbox → worker); the worker takes from `src/` only
 * `src/shared/`, what both sides share; one name means one idea; and files stay small.
 * Reads the sources as text.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { basename, dirname, join, normalize } from 'node:path';
import { describe, expect, test } from 'vitest';
import { REPO } from '../support/packed-package.js';

/** The data path, top first: a file may import from its own layer and those below it. */
const LAYERS = ['src/integrations', 'src/ui', 'src/agent', 'src/sandbox', 'worker'];

/**
 * The imports that climb the data path on purpose, each with its reason. A file at the top of
 * `src/` (an entry, or a module the layers share) stands in the layer of its lowest import.
 */
const ALLOWED_UPWARD: Record<string, string> = {
  'src/sandbox-entry.ts → src/integrations/mcp-tools/index.ts':
    'mcpFunctions belongs to the sandbox entry: a page that gives its Python MCP tools needs no agent loop nor @google/genai, and mcp-tools takes only from the sandbox and the shared modules',
  'src/sandbox-entry.ts → src/integrations/mcp-tools/bounded-fetch.ts':
    'boundedMcpFetch goes with mcpFunctions: the page that builds its own MCP client bounds what a server sends with it, from the same entry; it imports only the result bound beside it',
};

/**
 * File names that many rooms share on purpose, each meaning the same part of its own room: its
 * entry, its types, its errors, its events, a custom element's registration.
 */
const SHARED_NAMES = ['index', 'types', 'errors', 'events', 'define'];

/**
 * `src/`'s top level: the package's two code entries and the rooms. What the worker and the host
 * share is `src/shared/` (the worker takes nothing else from `src/`); what every room of the host
 * shares is `src/common/`.
 */
const SRC_TOP_LEVEL = ['agent', 'common', 'index.ts', 'integrations', 'sandbox', 'sandbox-entry.ts', 'shared', 'ui'];

function sources(folder: string, extension: string): string[] {
  return readdirSync(join(REPO, folder), { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith(extension) && !name.endsWith('.d.ts'))
    .map((name) => join(folder, name));
}

/** Each relative import of a file, as a path from the repository's root (`.js` read as `.ts`). */
function importsOf(file: string): string[] {
  const text = readFileSync(join(REPO, file), 'utf8');
  const specifiers = [...text.matchAll(/(?:\bfrom|\bimport)\s*\(?\s*['"](\.{1,2}\/[^'"]+)['"]/g)].map((match) => match[1]);
  return specifiers.map((specifier) => normalize(join(dirname(file), specifier)).replace(/\.js$/, '.ts'));
}

/**
 * The worker's top level: its entry and the run. Everything else lives in a room named for its job
 * (boot/, snapshots/, code-calls/, stops/, jspi/, packages/, files/), as src/sandbox/ does.
 */
const WORKER_TOP_LEVEL = ['endpoint.ts', 'engine.ts', 'fd-output.ts', 'interpreter.ts', 'outbox.ts', 'runs.ts', 'worker.ts'];

/** `src/sandbox/`'s top level: the sandbox's class, its errors and limits, and its rooms (at most 12 entries). */
const SANDBOX_TOP_LEVEL = [
  'charts',
  'downloads',
  'errors.ts',
  'files',
  'functions',
  'isolation',
  'limits.ts',
  'packages',
  'python-sandbox.ts',
  'runs',
  'runtime',
  'session',
];

const folderLayer = (file: string) => LAYERS.findIndex((layer) => file.startsWith(`${layer}/`));
/**
 * A file's layer: its folder's; for a file at the top of `src/`, the lowest layer it imports from
 * (one that imports from none, such as the contract, stands below them all: every layer may use it).
 */
function layerOf(file: string): number {
  const own = folderLayer(file);
  if (own !== -1 || !file.startsWith('src/')) return own;
  const imported = importsOf(file)
    .map(folderLayer)
    .filter((layer) => layer !== -1);
  return imported.length > 0 ? Math.max(...imported) : LAYERS.length;
}
const code = [...sources('src', '.ts'), ...sources('worker', '.ts')];

describe('the source layout', () => {
  test('no import climbs back up the data path, but those allowed with their reason', () => {
    const upward = code.flatMap((file) =>
      importsOf(file)
        .filter((target) => layerOf(file) !== -1 && layerOf(target) !== -1 && layerOf(target) < layerOf(file))
        .map((target) => `${file} → ${target}`),
    );
    // An allowance that no longer matches an import goes too.
    expect(upward.sort()).toEqual(Object.keys(ALLOWED_UPWARD).sort());
  });

  test('no file name is used by three files or more, but the names every room may have', () => {
    const byName = new Map<string, string[]>();
    for (const file of [...code, ...sources('worker/python', '.py')]) {
      // `late-stdlib.ts` and `late_stdlib.py` are one name.
      const name = basename(file)
        .replace(/\.(ts|py)$/, '')
        .replaceAll('_', '-')
        .toLowerCase();
      byName.set(name, [...(byName.get(name) ?? []), file]);
    }
    const repeated = [...byName].filter(([name, files]) => files.length >= 3 && !SHARED_NAMES.includes(name)).map(([, files]) => files.sort().join(', '));
    expect(repeated).toEqual([]);
  });

  test('the worker takes from src/ only src/shared/, and src/shared/ takes from nothing else', () => {
    const reached = [...sources('worker', '.ts'), ...sources('src/shared', '.ts')].flatMap((file) =>
      importsOf(file)
        .filter((target) => target.startsWith('src/') && !target.startsWith('src/shared/'))
        .map((target) => `${file} → ${target}`),
    );
    expect(reached).toEqual([]);
  });

  test("src/'s top level holds the entries and the rooms only", () => {
    expect(readdirSync(join(REPO, 'src')).sort()).toEqual(SRC_TOP_LEVEL);
  });

  test('the MCP server is in rooms of at most 10 files each', () => {
    const rooms = [
      'src/integrations/mcp',
      ...readdirSync(join(REPO, 'src/integrations/mcp'), { withFileTypes: true })
        .filter((e) => e.isDirectory())
        .map((e) => `src/integrations/mcp/${e.name}`),
    ];
    const crowded = rooms
      .map((room) => [room, readdirSync(join(REPO, room), { withFileTypes: true }).filter((e) => e.isFile()).length] as const)
      .filter(([, files]) => files > 10);
    expect(rooms.length).toBeGreaterThan(1);
    expect(crowded).toEqual([]);
  });

  test('no files of src/ or the worker import each other in a circle', () => {
    const circles: string[] = [];
    // Depth first: an import of a file still on the path closes a circle.
    const state = new Map<string, 'open' | 'done'>();
    const visit = (file: string, path: string[]) => {
      state.set(file, 'open');
      for (const target of importsOf(file).filter((target) => code.includes(target))) {
        if (state.get(target) === 'open') circles.push([...path.slice(path.indexOf(target)), target].join(' → '));
        else if (!state.has(target)) visit(target, [...path, target]);
      }
      state.set(file, 'done');
    };
    for (const file of code) if (!state.has(file)) visit(file, [file]);
    expect(circles).toEqual([]);
  });

  test("the worker's top level holds its entry and the run; the rest is in rooms", () => {
    const top = readdirSync(join(REPO, 'worker'), { withFileTypes: true }).filter((entry) => entry.isFile() && entry.name.endsWith('.ts'));
    expect(top.map((entry) => entry.name).sort()).toEqual(WORKER_TOP_LEVEL);
  });

  test("src/sandbox/'s top level holds the sandbox, its errors and limits; the rest is in rooms", () => {
    const top = readdirSync(join(REPO, 'src/sandbox')).sort();
    expect(top).toEqual(SANDBOX_TOP_LEVEL);
    expect(top.length).toBeLessThanOrEqual(12);
  });

  test('no file in src/ or worker/ grows past 400 lines', () => {
    const long = [...code, ...sources('worker/python', '.py')].filter((file) => readFileSync(join(REPO, file), 'utf8').split('\n').length - 1 > 400).sort();
    expect(long).toEqual([]);
  });
});
