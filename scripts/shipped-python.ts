/**
 * The worker's own Python modules (worker/python/*.py) as the worker build ships them: without
 * docstrings and comments, which were a third of worker.js gzipped and which every first visit
 * downloaded. CPython's own parser and `ast.unparse` do it (Pyodide from node_modules, booted once
 * per build), and the build checks that each module parses to the same tree, less its docstrings,
 * before it ships it. Line numbers in a traceback from these modules then point into the shipped
 * text, which is what the interpreter's files hold.
 */
import { readFile } from 'node:fs/promises';
import type { Plugin } from 'vite';

const STRIP = `
import ast

def _is_docstring(statement):
    return isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant) and isinstance(statement.value.value, str)

def shipped(source, name):
    tree = ast.parse(source, name)
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body and _is_docstring(node.body[0]):
            node.body = node.body[1:] or [ast.Pass()]
    text = ast.unparse(tree) + "\\n"
    if ast.dump(ast.parse(text, name)) != ast.dump(tree):
        raise ValueError(f"{name}: the shipped text parses to another program")
    return text

shipped
`;

let stripper: Promise<(source: string, name: string) => string> | undefined;

function pythonStripper(): Promise<(source: string, name: string) => string> {
  // Imported here, not at the top: vitest.config.ts loads vite.config.ts, and needs no Python.
  stripper ??= import('pyodide').then(async ({ loadPyodide }) => {
    const pyodide = await loadPyodide();
    const shipped = pyodide.runPython(STRIP);
    return (source: string, name: string) => shipped(source, name) as string;
  });
  return stripper;
}

/**
 * A Vite plugin for the worker's build: `import text from '…/name.py?raw'` gives the module's
 * shipped text instead of its source.
 */
export function shippedPython(): Plugin {
  return {
    name: 'shipped-python',
    // Before Vite's own handling of ?raw.
    enforce: 'pre',
    async load(id) {
      if (!id.endsWith('.py?raw')) return null;
      const path = id.slice(0, -'?raw'.length);
      const strip = await pythonStripper();
      return `export default ${JSON.stringify(strip(await readFile(path, 'utf8'), path))};`;
    },
  };
}
