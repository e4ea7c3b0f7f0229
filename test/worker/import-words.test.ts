/**
 * worker/packages/cell-packages.ts `wordsOfImportStatements`: the cheap check that decides whether a cell needs
 * Pyodide's `find_imports` parse. It must never miss a module `find_imports` would name, or the
 * cell's package would not load.
 */
import type { PyodideInterface } from 'pyodide';
import { loadPyodide } from 'pyodide';
import { beforeAll, describe, expect, it } from 'vitest';
import { humanEvalPrograms } from '../../bench/humaneval.mjs';
import { wordsOfImportStatements } from '../../worker/packages/cell-packages.js';

let pyodide: PyodideInterface;
beforeAll(async () => {
  pyodide = await loadPyodide();
});

/** Top-level module names Pyodide's own parse finds in `code`. */
const findImports = (code: string): string[] => {
  const proxy = pyodide.pyimport('pyodide.code').find_imports(code);
  const names = (proxy.toJs() as string[]).map((name) => name.split('.')[0]);
  proxy.destroy();
  return names;
};

const TRICKY = [
  'import six',
  'import os, six as s, xml.dom',
  'from six.moves import range',
  'from six import (\n    moves,\n    PY3,\n)',
  'from a import (b,\n   c)\nimport six',
  'import os, \\\n    six',
  'import os, \\\r\n    six',
  'x = 1; import six',
  'def f():\n    import six\n    return six',
  'if True:\n  from six import PY3',
  'from . import sibling\nfrom .. import six_local',
  '"""(unclosed paren from a docstring\n"""\nimport six',
  'print("from (", 1)\nimport six',
];

describe('words of import statements', () => {
  it.each(TRICKY)('includes every module find_imports names in %j', (code) => {
    const words = new Set(wordsOfImportStatements(code));
    for (const name of findImports(code)) expect(words).toContain(name);
  });

  const programs = humanEvalPrograms();
  it.skipIf(!programs)(
    `includes every module find_imports names in the HumanEval programs${programs ? '' : ' (skipped: ../shared/eval/HumanEval.jsonl.gz is not beside the repository)'}`,
    () => {
      for (const code of programs!) {
        const words = new Set(wordsOfImportStatements(code));
        for (const name of findImports(code)) expect(words, code.slice(0, 80)).toContain(name);
      }
    },
  );

  it('leaves out words of prose, comments and code outside import statements', () => {
    const code = 'def count(xs):\n    """Counts to six."""\n    six = 6  # six of them\n    return six\n';
    expect(wordsOfImportStatements(code)).toEqual([]);
  });

  it('takes the words of a line once, though it holds a second keyword', () => {
    expect(wordsOfImportStatements('from a import b\nx = 1')).toEqual(['from', 'a', 'import', 'b']);
  });
});
