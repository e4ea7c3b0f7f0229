/** (code, result) → the parts Gemini's server-side code execution produces. */
import { describe, expect, it } from 'vitest';
import { resultOutputText, toParts } from '../../src/agent/run-python/parts.js';
import type { RunResult } from '../../src/shared/types.js';
import { runResult } from '../support/fixtures.js';

const base = runResult({ output: '5117\n', stdout: '5117\n', durationMs: 3 });

describe('toParts', () => {
  it('produces executableCode then codeExecutionResult, as server-side execution does', () => {
    expect(toParts('print(5117)', base)).toEqual([
      { executableCode: { code: 'print(5117)', language: 'PYTHON' } },
      { codeExecutionResult: { outcome: 'OUTCOME_OK', output: '5117\n' } },
    ]);
  });

  it('adds one inlineData part per image', () => {
    const parts = toParts('plot()', {
      ...base,
      images: [
        { mimeType: 'image/png', data: 'AAA=' },
        { mimeType: 'image/jpeg', data: 'BBB=' },
      ],
    });
    expect(parts.slice(2)).toEqual([{ inlineData: { data: 'AAA=', mimeType: 'image/png' } }, { inlineData: { data: 'BBB=', mimeType: 'image/jpeg' } }]);
  });

  it("gives each chart its spec's part, then its PNG where the host drew one, after the images: the transcript keeps the spec for the renderer", () => {
    const spec = '{"mark":"bar","title":"Größe"}';
    const parts = toParts('chart()', {
      ...base,
      images: [{ mimeType: 'image/png', data: 'AAA=' }],
      charts: [
        { mimeType: 'application/vnd.vegalite.v6+json', spec, image: { mimeType: 'image/png', data: 'CCC=' } },
        { mimeType: 'application/vnd.vegalite.v5+json', spec: '{}' },
      ],
    });
    expect(parts.slice(2).map((part) => part.inlineData?.mimeType)).toEqual([
      'image/png',
      'application/vnd.vegalite.v6+json',
      'image/png',
      'application/vnd.vegalite.v5+json',
    ]);
    expect(parts[4].inlineData?.data).toBe('CCC=');
    expect(new TextDecoder().decode(Uint8Array.from(atob(parts[3].inlineData?.data ?? ''), (c) => c.charCodeAt(0)))).toBe(spec);
  });

  it('keeps the failed outcome', () => {
    const failed: RunResult = { ...base, outcome: 'OUTCOME_DEADLINE_EXCEEDED', output: 'partial\n' };
    expect(toParts('x', failed)[1].codeExecutionResult?.outcome).toBe('OUTCOME_DEADLINE_EXCEEDED');
  });
});

describe('resultOutputText', () => {
  it('echoes the trailing expression after the output, as a REPL does', () => {
    expect(resultOutputText({ ...base, output: 'hi\n', result: '42' })).toBe('hi\n42\n');
  });

  it('adds the traceback when the output does not already hold it', () => {
    const error = { name: 'TimeoutError', message: 'too slow', traceback: 'TimeoutError: too slow\n' };
    expect(resultOutputText({ ...base, output: 'partial', error })).toBe('partial\nTimeoutError: too slow\n');
    expect(resultOutputText({ ...base, output: 'TimeoutError: too slow\n', error })).toBe('TimeoutError: too slow\n');
  });
});
