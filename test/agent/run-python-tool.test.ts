/** The run_python contract: its declaration, its arguments and the function response it builds. */
import { describe, expect, it } from 'vitest';
import { parseRunPythonArgs, runPythonDeclaration, runResultResponse } from '../../src/agent/run-python-tool.js';
import type { RunResult } from '../../src/types.js';

const ok: RunResult = { outcome: 'OUTCOME_OK', output: '', stdout: '', stderr: '', images: [], files: [], stateLost: false, durationMs: 1 };

describe('run_python contract', () => {
  it('describes the environment, the attached files and the time limit', () => {
    const declaration = runPythonDeclaration({ timeoutMs: 30_000, files: ['sales.csv'] });
    expect(declaration.name).toBe('run_python');
    expect(declaration.parametersJsonSchema).toEqual({ type: 'object', properties: { code: { type: 'string', description: 'Python source to run.' } }, required: ['code'] });
    for (const phrase of ['Python 3.14', 'Pyodide', 'State persists', '"sales.csv"', 'numpy', 'pandas', 'matplotlib', 'scipy', 'sympy', 'scikit-learn', 'pillow', 'plt.show()', 'display(obj)', '30 s', 'no network']) {
      expect(declaration.description).toContain(phrase);
    }
  });

  it('rejects missing, non-string and empty code', () => {
    expect(parseRunPythonArgs(undefined)).toMatchObject({ ok: false });
    expect(parseRunPythonArgs({ code: null })).toMatchObject({ ok: false, error: expect.stringContaining('got null') });
    expect(parseRunPythonArgs({ code: ['print(1)'] })).toMatchObject({ ok: false, error: expect.stringContaining('got an array') });
    expect(parseRunPythonArgs({ code: '' })).toMatchObject({ ok: false });
    expect(parseRunPythonArgs({ code: 'print(1)' })).toEqual({ ok: true, code: 'print(1)' });
  });

  it('builds the function response: result, error with traceback, files, stateLost note only when true', () => {
    expect(runResultResponse({ ...ok, output: '1\n', result: '2' })).toEqual({ outcome: 'OUTCOME_OK', output: '1\n', result: '2' });
    const failed = runResultResponse({
      ...ok,
      outcome: 'OUTCOME_FAILED',
      error: { name: 'ZeroDivisionError', message: 'division by zero', traceback: 'Traceback (most recent call last):\n  File "<exec>", line 1\nZeroDivisionError: division by zero\n' },
      files: [{ path: 'out.csv', mimeType: 'text/csv', data: '', size: 12 }],
    });
    expect(failed).toEqual({
      outcome: 'OUTCOME_FAILED',
      output: '',
      error: 'Traceback (most recent call last):\n  File "<exec>", line 1\nZeroDivisionError: division by zero',
      files: [{ name: 'out.csv', size: 12 }],
    });
    expect(runResultResponse({ ...ok, stateLost: true })).toMatchObject({ stateLost: true, note: expect.stringContaining('restarted') });
    expect(runResultResponse(ok)).not.toHaveProperty('stateLost');
  });
});
