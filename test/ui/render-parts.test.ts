/** The pure parts of the UI: grouping parts into blocks, carrying history across modes, error wording. */
import { describe, expect, test } from 'vitest';
import { describeError, describeRefusal } from '../../src/ui/error-message.js';
import { historyForMode } from '../../src/ui/state/history-for-mode.js';
import { groupParts, outcomeLabel } from '../../src/ui/render-parts.js';

describe('groupParts', () => {
  test('pairs code with its result by id and attaches the images that follow', () => {
    const blocks = groupParts([
      { text: 'Let me ' },
      { text: 'compute.' },
      { executableCode: { language: 'PYTHON' as never, code: 'a', id: '1' } },
      { executableCode: { language: 'PYTHON' as never, code: 'b', id: '2' } },
      { codeExecutionResult: { outcome: 'OUTCOME_OK' as never, output: 'A', id: '1' } },
      { codeExecutionResult: { outcome: 'OUTCOME_FAILED' as never, output: 'B', id: '2' } },
      { inlineData: { mimeType: 'image/png', data: 'AAAA' } },
      { text: 'Done.' },
      { inlineData: { mimeType: 'image/png', data: 'BBBB' } },
    ]);
    expect(blocks.map((b) => b.type)).toEqual(['text', 'cell', 'cell', 'text', 'media']);
    expect(blocks[0]).toEqual({ type: 'text', text: 'Let me compute.' });
    const [a, b] = [blocks[1], blocks[2]] as Extract<(typeof blocks)[number], { type: 'cell' }>[];
    expect(a.result?.output).toBe('A');
    expect(b.result?.output).toBe('B');
    expect(b.media).toHaveLength(1);
  });

  test('server-mode results without ids pair with the latest waiting cell', () => {
    const blocks = groupParts([{ executableCode: { code: 'x' } }, { codeExecutionResult: { outcome: 'OUTCOME_OK' as never, output: '1' } }]);
    expect(blocks).toHaveLength(1);
    expect(blocks[0]).toMatchObject({ type: 'cell', code: 'x', result: { output: '1' } });
  });

  test('code a Live model drafted but nothing ran stays a cell of its own, never paired with a result', () => {
    const blocks = groupParts([
      { executableCode: { language: 'PYTHON' as never, code: 'print(default_api.run_python(code="1+1"))' }, partMetadata: { notRun: true } },
      { executableCode: { language: 'PYTHON' as never, code: '1+1' } },
      { codeExecutionResult: { outcome: 'OUTCOME_OK' as never, output: '2' } },
    ]);
    expect(blocks).toMatchObject([
      { type: 'cell', code: 'print(default_api.run_python(code="1+1"))', notRun: true },
      { type: 'cell', code: '1+1', result: { output: '2' } },
    ]);
    expect(blocks[0]).not.toHaveProperty('result');
  });

  test("a result after only a drafted cell is shown on its own, not as the draft's", () => {
    const blocks = groupParts([
      { executableCode: { code: 'draft' }, partMetadata: { notRun: true } },
      { codeExecutionResult: { outcome: 'OUTCOME_OK' as never, output: '1' } },
    ]);
    expect(blocks.map((block) => block.type)).toEqual(['cell', 'result']);
  });

  test('outcome labels', () => {
    expect(outcomeLabel({ outcome: 'OUTCOME_DEADLINE_EXCEEDED' as never }, false).label).toBe('timed out');
    expect(outcomeLabel(undefined, true).tone).toBe('running');
    expect(outcomeLabel({ outcome: 'OUTCOME_FAILED' as never }, false).tone).toBe('failed');
  });
});

describe('historyForMode', () => {
  test('local run_python turns become server-style code execution parts', () => {
    const history = historyForMode(
      [
        { role: 'user', parts: [{ text: 'sum?' }] },
        { role: 'model', parts: [{ text: 'ok' }, { functionCall: { id: 'c1', name: 'run_python', args: { code: 'print(1)' } }, thoughtSignature: 'sig' }] },
        {
          role: 'user',
          parts: [
            { functionResponse: { id: 'c1', name: 'run_python', response: { outcome: 'OUTCOME_OK', output: '1\n' } } },
            { inlineData: { mimeType: 'image/png', data: 'AA' } },
          ],
        },
        { role: 'model', parts: [{ text: 'It is 1.' }] },
      ],
      'server',
    );
    expect(history.map((c) => c.role)).toEqual(['user', 'model']);
    expect(history[1].parts).toEqual([
      { text: 'ok' },
      { executableCode: { language: 'PYTHON', code: 'print(1)' } },
      { codeExecutionResult: { outcome: 'OUTCOME_OK', output: '1\n' } },
      { inlineData: { mimeType: 'image/png', data: 'AA' } },
      { text: 'It is 1.' },
    ]);
  });

  test('images that went inside the function response follow the run result too', () => {
    const history = historyForMode(
      [
        { role: 'user', parts: [{ text: 'plot' }] },
        { role: 'model', parts: [{ functionCall: { id: 'c1', name: 'run_python', args: { code: 'plot()' } } }] },
        {
          role: 'user',
          parts: [
            {
              functionResponse: {
                id: 'c1',
                name: 'run_python',
                response: { outcome: 'OUTCOME_OK', output: '', images: 1 },
                parts: [{ inlineData: { mimeType: 'image/png', data: 'AA' } }],
              },
            },
          ],
        },
        { role: 'model', parts: [{ text: 'Done.' }] },
      ],
      'server',
    );
    expect(history[1].parts).toEqual([
      { executableCode: { language: 'PYTHON', code: 'plot()' } },
      { codeExecutionResult: { outcome: 'OUTCOME_OK', output: '' } },
      { inlineData: { mimeType: 'image/png', data: 'AA' } },
      { text: 'Done.' },
    ]);
  });
});

describe('error messages', () => {
  const apiError = (status: number, message: string) =>
    Object.assign(new Error(JSON.stringify({ error: { code: status, message } })), { name: 'ApiError', status });

  test('say what happened and where the fix is', () => {
    expect(describeError(apiError(400, 'API key not valid. Please pass a valid API key.'))).toMatchObject({
      title: 'The API key was not accepted',
      fix: 'api-key',
      retryable: false,
    });
    expect(describeError(apiError(429, 'Resource exhausted'))).toMatchObject({ title: 'Quota exceeded or rate limited', retryable: true });
    expect(describeError(apiError(503, 'overloaded')).detail).toContain('HTTP 503');
    expect(describeError(new TypeError('Failed to fetch'))).toMatchObject({ title: 'Could not reach Gemini' });
  });

  test('refusals and empty answers', () => {
    expect(describeRefusal({ finishReason: 'SAFETY', partCount: 0 })?.title).toBe('The model declined to answer');
    expect(describeRefusal({ blockReason: 'PROHIBITED_CONTENT', partCount: 0 })?.title).toBe('The prompt was blocked');
    expect(describeRefusal({ finishReason: 'STOP', partCount: 2 })).toBeUndefined();
  });

  test("an empty answer with SDK 3.x's MALFORMED_RESPONSE says the answer was malformed, not that nothing came", () => {
    expect(describeRefusal({ finishReason: 'MALFORMED_RESPONSE', partCount: 0 })).toMatchObject({ title: "The model's answer was malformed", retryable: true });
    expect(describeRefusal({ finishReason: 'MALFORMED_RESPONSE', partCount: 0 })?.detail).toContain('MALFORMED_RESPONSE');
  });

  test('an empty answer cut at the token limit says so', () => {
    expect(describeRefusal({ finishReason: 'MAX_TOKENS', partCount: 0 })?.title).toBe('The answer hit the output limit');
  });

  test("an empty answer with an unknown finish reason is shown as empty, whatever the reason's name", () => {
    expect(describeRefusal({ finishReason: 'toString', partCount: 0 })?.title).toBe('The model returned nothing');
    expect(describeRefusal({ finishReason: 'SOMETHING_NEW', partCount: 0 })?.title).toBe('The model returned nothing');
  });
});
