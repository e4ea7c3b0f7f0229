/**
 * Pure pieces of the loop: merging streamed parts, the run_python contract, history turns, usage.
 */
import { GoogleGenAI } from '@google/genai';
import { describe, expect, it } from 'vitest';
import { createCodeExecutionChat, sandboxAsCallableTool } from '../../src/agent/index.js';
import { appendUserTurn } from '../../src/agent/history.js';
import { parseRunPythonArgs, runPythonDeclaration, runResultResponse } from '../../src/agent/run-python-tool.js';
import { mergeStreamedParts } from '../../src/agent/stream-merge.js';
import { addUsage } from '../../src/agent/usage.js';
import type { RunResult } from '../../src/types.js';
import { ScriptedSandbox } from './scripted-sandbox.js';

const ok: RunResult = { outcome: 'OUTCOME_OK', output: '', stdout: '', stderr: '', images: [], files: [], stateLost: false, durationMs: 1 };

describe('mergeStreamedParts', () => {
  it('joins text deltas and keeps a signature-only empty text part as it came', () => {
    expect(mergeStreamedParts([{ text: 'The ' }, { text: 'sum' }, { text: '' }, { text: ' is 5117.' }, { text: '', thoughtSignature: 'c2ln' }])).toEqual([
      { text: 'The sum is 5117.' },
      { text: '', thoughtSignature: 'c2ln' },
    ]);
  });

  it('never joins a signed part with its neighbours, and keeps thoughts apart from answers', () => {
    expect(
      mergeStreamedParts([{ text: 'Thinking', thought: true }, { text: '…', thought: true }, { text: 'Answer', thoughtSignature: 'c2ln' }, { text: ' more' }]),
    ).toEqual([{ text: 'Thinking…', thought: true }, { text: 'Answer', thoughtSignature: 'c2ln' }, { text: ' more' }]);
  });

  it('keeps function calls and their signatures untouched', () => {
    const call = { functionCall: { id: 'a', name: 'run_python', args: { code: 'x' } }, thoughtSignature: 'c2ln' };
    expect(mergeStreamedParts([{ text: 'Running.' }, call])).toEqual([{ text: 'Running.' }, call]);
  });
});

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

describe('history and usage', () => {
  it('joins a new user turn to a trailing user turn, without mutating the history', () => {
    const history = [
      { role: 'user', parts: [{ text: 'a' }] },
      { role: 'model', parts: [{ text: 'b' }] },
      { role: 'user', parts: [{ functionResponse: { name: 'f', response: {} } }] },
    ];
    const copy = structuredClone(history);
    const next = appendUserTurn(history, { role: 'user', parts: [{ text: 'c' }] });
    expect(next).toHaveLength(3);
    expect(next[2].parts).toEqual([{ functionResponse: { name: 'f', response: {} } }, { text: 'c' }]);
    expect(history).toEqual(copy);
    expect(appendUserTurn(next.slice(0, 2), { role: 'user', parts: [{ text: 'c' }] })).toHaveLength(3);
  });

  it('sums token counts across steps', () => {
    expect(addUsage({ promptTokenCount: 10, totalTokenCount: 15 }, { promptTokenCount: 20, candidatesTokenCount: 3, totalTokenCount: 23 })).toEqual({
      promptTokenCount: 30,
      candidatesTokenCount: 3,
      totalTokenCount: 38,
    });
    expect(addUsage(undefined, { totalTokenCount: 1 })).toEqual({ totalTokenCount: 1 });
  });
});

describe('options', () => {
  const ai = new GoogleGenAI({ apiKey: 'unused', apiVersion: 'v1beta' });
  const sandbox = new ScriptedSandbox(() => ({}));
  const fn = (name: string) => ({ declaration: { name }, handler: () => 1 });

  it('needs a sandbox in local mode, and none in server mode', () => {
    // @ts-expect-error: local mode without a sandbox is a type error too.
    expect(() => createCodeExecutionChat({ ai, model: 'gemini-2.5-flash' })).toThrow(/needs a sandbox/);
    expect(() => createCodeExecutionChat({ ai, model: 'gemini-2.5-flash', execution: 'server' })).not.toThrow();
  });

  it('checks maxSteps, function names and history', () => {
    expect(() => createCodeExecutionChat({ ai, model: 'm', sandbox, maxSteps: 0 })).toThrow(RangeError);
    expect(() => createCodeExecutionChat({ ai, model: 'm', sandbox, functions: [fn('a'), fn('a')] })).toThrow(/Two functions are named "a"/);
    expect(() => createCodeExecutionChat({ ai, model: 'm', sandbox, functions: [fn('run_python')] })).toThrow(/declared by the loop itself/);
    expect(() => createCodeExecutionChat({ ai, model: 'm', sandbox, history: [{ role: 'system', parts: [] }] })).toThrow(/role must be "user" or "model"/);
  });

  it('refuses a CallableTool in config.tools (the SDK would take over the calls)', async () => {
    const chat = createCodeExecutionChat({ ai, model: 'm', sandbox, config: { tools: [sandboxAsCallableTool(sandbox)] } });
    await expect(chat.sendMessage({ message: 'hi' })).rejects.toThrow(/cannot hold a CallableTool/);
    expect(chat.getHistory()).toEqual([]);
  });
});
