/** The run_python contract: its declaration, its arguments and the function response it builds. */
import { describe, expect, it } from 'vitest';
import { MAX_LISTED_FILE_NAME_CHARS, MAX_LISTED_FILES_PER_RUN } from '../../src/agent/run-python/files.js';
import { placeOf } from '../../src/agent/run-python/place.js';
import { parseRunPythonArgs, runPythonDeclaration, runResultResponse } from '../../src/agent/run-python/tool.js';
import type { FileOutput } from '../../src/shared/types.js';
import { runResult } from '../support/fixtures.js';

const ok = runResult();

describe('run_python contract', () => {
  it('describes the environment, the attached files and the time limit', () => {
    const declaration = runPythonDeclaration({ timeoutMs: 30_000, existingFiles: ['sales.csv'] });
    expect(declaration.name).toBe('run_python');
    expect(declaration.parametersJsonSchema).toEqual({
      type: 'object',
      properties: { code: { type: 'string', description: 'Python source to run.' } },
      required: ['code'],
    });
    for (const phrase of [
      'Python 3.14',
      'Pyodide',
      'State persists',
      '"sales.csv"',
      'numpy',
      'pandas',
      'matplotlib',
      'scipy',
      'sympy',
      'scikit-learn',
      'pillow',
      'plt.show()',
      'display(obj)',
      'Vega-Lite spec as a dict',
      'alt.Data(values=[...])',
      '30 s',
      'no network',
    ]) {
      expect(declaration.description).toContain(phrase);
    }
  });

  it('tells the truth about where the code runs and its network, from the sandbox it runs in', () => {
    const describe = (sandbox: Parameters<typeof placeOf>[0]) => runPythonDeclaration({ timeoutMs: 30_000, ...placeOf(sandbox) }).description;
    // These tests run in Node: a worker thread there is not isolated and has the network.
    for (const thread of [describe({ isolation: 'worker' }), describe({}), describe(undefined)]) {
      expect(thread).toContain("in a worker thread of the server's Node.js process, not isolated from its machine");
      expect(thread).toContain('Network requests work through pyodide.http.pyfetch');
      expect(thread).not.toContain('browser');
    }
    const deno = describe({ isolation: 'deno' });
    expect(deno).toContain('in a locked-down Deno process');
    expect(deno).toContain('There is no network access');
    const hosts = runPythonDeclaration({ timeoutMs: 30_000, place: 'deno', network: ['api.example.com'] }).description;
    expect(hosts).toContain('pyfetch to api.example.com only');
    // The declaration's own default is the browser's frame: no network.
    expect(runPythonDeclaration({ timeoutMs: 30_000 }).description).toContain("(Pyodide, in the user's browser) and returns its output. State");
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
      error: {
        name: 'ZeroDivisionError',
        message: 'division by zero',
        traceback: 'Traceback (most recent call last):\n  File "<exec>", line 1\nZeroDivisionError: division by zero\n',
      },
      files: [{ path: 'out.csv', mimeType: 'text/csv', data: '', size: 12 }],
    });
    expect(failed).toEqual({
      outcome: 'OUTCOME_FAILED',
      output: '',
      error: 'Traceback (most recent call last):\n  File "<exec>", line 1\nZeroDivisionError: division by zero',
      files: [{ path: 'out.csv', size: 12 }],
    });
    expect(runResultResponse({ ...ok, stateLost: true })).toMatchObject({ stateLost: true, note: expect.stringContaining('restarted') });
    expect(runResultResponse(ok)).not.toHaveProperty('stateLost');
  });

  it("lists at most MAX_LISTED_FILES_PER_RUN of a run's 5,000 files and counts the rest", () => {
    const files: FileOutput[] = Array.from({ length: 5000 }, (_, i) => ({
      path: `out/${'n'.repeat(200)}-${i}.txt`,
      mimeType: 'text/plain',
      data: 'eA==',
      size: 1,
    }));
    const response = runResultResponse({ ...ok, files });
    expect(MAX_LISTED_FILES_PER_RUN).toBe(20);
    expect(response.files).toHaveLength(MAX_LISTED_FILES_PER_RUN);
    expect(response.filesNotListed).toBe(5000 - MAX_LISTED_FILES_PER_RUN);
    // The whole response stays small whatever the run wrote.
    expect(JSON.stringify(response).length).toBeLessThan(5_000);
  });

  it('shortens a long file path for the model, keeping its start and extension', () => {
    const path = `${'a'.repeat(300)}.csv`;
    const [listed] = runResultResponse({ ...ok, files: [{ path, mimeType: 'text/csv', data: '', size: 3 }] }).files as { path: string }[];
    expect(listed.path).toHaveLength(MAX_LISTED_FILE_NAME_CHARS);
    expect(listed.path).toMatch(/^a+…a+\.csv$/);
  });

  it('says nothing of unlisted files when a run wrote no more than the bound', () => {
    expect(runResultResponse({ ...ok, files: [{ path: 'a.txt', mimeType: 'text/plain', data: '', size: 0 }] })).not.toHaveProperty('filesNotListed');
  });
});
