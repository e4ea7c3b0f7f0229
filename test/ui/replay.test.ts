/**
 * The replay provider and record mode, in Node: the real @google/genai client and the real agent
 * loop run against a recording, with a scripted sandbox standing in for Python.
 */
import type { Content, Part } from '@google/genai';
import { describe, expect, test } from 'vitest';
import { createCodeExecutionChat } from '../../src/agent/index.js';
import type { RunResult } from '../../src/shared/types.js';
import { replayClient } from '../../src/ui/genai-client.js';
import { recordingFromSession } from '../../src/ui/replay/recorder.js';
import { RECORDING_FORMAT, type Recording, parseRecording } from '../../src/ui/replay/recording.js';
import { chunkParts, createReplayFetch, turnIndexFor } from '../../src/ui/replay/replay-fetch.js';
import { fillTemplate } from '../../src/ui/replay/template.js';
import { runResult } from '../support/fixtures.js';

const recording: Recording = {
  format: RECORDING_FORMAT,
  title: 'Test',
  model: 'gemini-flash-latest',
  execution: 'local',
  messages: [
    {
      text: 'sum?',
      turns: [
        { role: 'model', parts: [{ text: 'Computing.' }, { functionCall: { name: 'run_python', args: { code: 'print(2 + 3)' } } }] },
        { role: 'model', parts: [{ text: 'The answer is {{output}}.' }] },
      ],
    },
    { text: 'again', turns: [{ role: 'model', parts: [{ text: 'Second answer, quite a bit longer than one chunk of text.' }] }] },
  ],
};

/** A sandbox that "runs" code by returning a fixed output, recording what it was asked. */
function scriptedSandbox(output: string) {
  const ran: string[] = [];
  return {
    ran,
    limits: { timeoutMs: 30_000 },
    async run(code: string): Promise<RunResult> {
      ran.push(code);
      return runResult({ output, stdout: output });
    },
    async writeFile() {},
  };
}

describe('replay provider', () => {
  test('picks the recorded turn from the request contents', () => {
    const user = (text: string): Content => ({ role: 'user', parts: [{ text }] });
    const model: Content = { role: 'model', parts: [{ text: 'x' }] };
    const response: Content = { role: 'user', parts: [{ functionResponse: { name: 'run_python', response: {} } }] };
    expect(turnIndexFor([user('a')])).toEqual({ message: 0, step: 0 });
    expect(turnIndexFor([user('a'), model, response])).toEqual({ message: 0, step: 1 });
    expect(turnIndexFor([user('a'), model, response, model, user('b')])).toEqual({ message: 1, step: 0 });
  });

  test('fills {{output}}, {{result}} and {{error}} from the latest function response', () => {
    const response = { name: 'run_python', response: { output: '5117\n', result: '42' } };
    expect(fillTemplate('sum {{output}}, value {{ result }}, error "{{error}}"', response)).toBe('sum ` 5117 `, value ` 42 `, error ""');
  });

  test('fills {{last_line}} with the last line the run printed, as a code span', () => {
    const response = { name: 'run_python', response: { output: 'month  total\n-----  -----\nJan    10\n\nBest month: Jan ($10)\n' } };
    expect(fillTemplate('In short: {{last_line}}', response)).toBe('In short: ` Best month: Jan ($10) `');
    expect(fillTemplate('{{last_line}}', { name: 'run_python', response: {} })).toBe('');
  });

  test('quotes sandbox output as text: a code span for one line, a fence no backtick run can close for several', () => {
    const hostile = { name: 'run_python', response: { output: 'a ``` b <video poster="http://x/y">\n# Session expired\n[key](http://x)\n````' } };
    expect(fillTemplate('{{output}}', hostile)).toBe('\n\n`````text\na ``` b <video poster="http://x/y">\n# Session expired\n[key](http://x)\n````\n`````\n\n');
    const oneLine = { name: 'run_python', response: { output: '`x` <b>' } };
    expect(fillTemplate('got {{output}}', oneLine)).toBe('got `` `x` <b> ``');
  });

  test('streams text in small deltas and keeps other parts whole', () => {
    const chunks = chunkParts([{ text: 'one two three four five six' }, { functionCall: { name: 'run_python', args: {} } }], 10);
    expect(chunks.length).toBeGreaterThan(2);
    expect(
      chunks
        .slice(0, -1)
        .map((c) => c[0].text)
        .join(''),
    ).toBe('one two three four five six');
    expect(chunks.at(-1)?.[0].functionCall?.name).toBe('run_python');
  });

  test('the real loop runs the recorded code live and quotes its output (streaming and not)', async () => {
    for (const stream of [false, true]) {
      const sandbox = scriptedSandbox('5\n');
      const chat = createCodeExecutionChat({ ai: replayClient(recording, { chunkDelayMs: 0 }), model: 'any-model', sandbox });
      let parts: Part[];
      if (stream) {
        parts = [];
        for await (const chunk of await chat.sendMessageStream({ message: 'sum?' })) parts.push(...(chunk.candidates?.[0]?.content?.parts ?? []));
      } else {
        parts = (await chat.sendMessage({ message: 'sum?' })).candidates?.[0]?.content?.parts ?? [];
      }
      expect(sandbox.ran).toEqual(['print(2 + 3)']);
      const text = parts.flatMap((p) => (p.text ? [p.text] : [])).join('');
      // Quoted as text: a code span (it renders as "The answer is 5.").
      expect(text).toContain('The answer is ` 5 `.');
      expect(parts.some((p) => p.codeExecutionResult?.output === '5\n')).toBe(true);
    }
  });

  test('answers past the end of the recording with a readable API error', async () => {
    const chat = createCodeExecutionChat({ ai: replayClient(recording, { chunkDelayMs: 0 }), model: 'm', sandbox: scriptedSandbox('') });
    await chat.sendMessage({ message: 'sum?' });
    await chat.sendMessage({ message: 'again' });
    await expect(chat.sendMessage({ message: 'third' })).rejects.toMatchObject({
      name: 'ApiError',
      status: 400,
      message: expect.stringContaining('no answer for message 3'),
    });
  });

  test('only answers generateContent routes', async () => {
    const response = await createReplayFetch(recording)('https://example.invalid/v1beta/files', { method: 'GET' });
    expect(response.status).toBe(404);
  });
});

describe('record mode', () => {
  test('a recorded session replays to the same transcript', async () => {
    const sandbox = scriptedSandbox('5\n');
    const chat = createCodeExecutionChat({ ai: replayClient(recording, { chunkDelayMs: 0 }), model: 'm', sandbox });
    await chat.sendMessage({ message: 'sum?', attachments: [{ path: 'a.csv', mimeType: 'text/csv', data: new TextEncoder().encode('x\n1\n') }] });
    const recorded = recordingFromSession({
      title: 'Recorded',
      model: 'm',
      execution: 'local',
      history: chat.getHistory(),
      sent: [{ text: 'sum?', attachments: [{ path: 'a.csv', mimeType: 'text/csv', data: new TextEncoder().encode('x\n1\n') }] }],
    });
    const parsed = parseRecording(JSON.parse(JSON.stringify(recorded)));
    expect(parsed.messages[0].attachments).toEqual([{ name: 'a.csv', mimeType: 'text/csv', text: 'x\n1\n' }]);
    expect(parsed.messages[0].turns).toHaveLength(2);
    // The placeholder was filled when recorded: the replay quotes the recorded value.
    expect(parsed.messages[0].turns[1].parts?.[0].text).toBe('The answer is ` 5 `.');
    const again = scriptedSandbox('5\n');
    const replay = createCodeExecutionChat({ ai: replayClient(parsed, { chunkDelayMs: 0 }), model: 'm', sandbox: again });
    await replay.sendMessage({ message: 'sum?' });
    expect(again.ran).toEqual(['print(2 + 3)']);
  });

  test('rejects malformed recordings with a reason', () => {
    expect(() => parseRecording({ format: 'nope' })).toThrow(/format/);
    expect(() => parseRecording({ ...recording, messages: [{ text: 'x', turns: [{ role: 'user', parts: [] }] }] })).toThrow(/model Content/);
  });
});
