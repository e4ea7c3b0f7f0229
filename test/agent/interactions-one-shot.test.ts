/**
 * The one-shot form on the Interactions API: `generateWithCodeExecution({ …, api: 'interactions' })`
 * turns `contents` into steps, runs the loop as for a chat's first message, and returns the
 * transcript in the generateContent shape.
 */
import { FinishReason } from '@google/genai';
import { describe, expect, it } from 'vitest';
import { generateWithCodeExecution } from '../../src/agent/index.js';
import {
  MODEL,
  clientFor,
  codeCall,
  codeResult,
  declaredTools,
  functionResults,
  inputOf,
  modelOutput,
  reply,
  resultJson,
  runPython,
} from '../fake-interactions/scenarios.js';
import { kindsOf, partsOf } from '../support/agent-fixtures.js';
import { ScriptedSandbox } from '../support/scripted-sandbox.js';
import { expectCleanRun, printingSandbox, useFakeInteractions } from './interactions-fixtures.js';

const ctx = useFakeInteractions();

describe('generateWithCodeExecution on the Interactions API', () => {
  it('runs the model’s code in the sandbox and returns the transcript as the response’s parts', async () => {
    const { fake } = ctx;
    fake.script([
      {
        expect: (request) => {
          expect(inputOf(request)).toEqual([{ type: 'user_input', content: [{ type: 'text', text: 'What is 6 * 7? Run code.' }] }]);
          expect(declaredTools(request)).toEqual(['run_python']);
          expect(request.body.store).toBe(false);
        },
        reply: reply('requires_action', [runPython('print(6 * 7)', 'call-1')]),
      },
      { reply: (request) => reply('completed', [modelOutput(`It is ${String(resultJson(request).output).trim()}.`)]) },
    ]);
    const sandbox = printingSandbox();
    const res = await generateWithCodeExecution({ ai: clientFor(fake), model: MODEL, api: 'interactions', sandbox, contents: 'What is 6 * 7? Run code.' });

    expect(sandbox.runs).toEqual(['print(6 * 7)']);
    expect(kindsOf(partsOf(res))).toEqual(['executableCode', 'codeExecutionResult', 'text']);
    expect(partsOf(res)[1].codeExecutionResult).toEqual({ outcome: 'OUTCOME_OK', output: '42\n', id: 'call-1' });
    expect(res.text).toBe('It is 42.');
    expect(res.candidates?.[0]?.finishReason).toBe(FinishReason.STOP);
    expect(functionResults(fake.requests[1])).toHaveLength(1);
    // The Interactions API keeps steps, not Contents: there is no generateContent history to return.
    expect(res.automaticFunctionCallingHistory).toBeUndefined();
    expectCleanRun(fake);
  });

  it('sends earlier user and model turns of contents as user_input and model_output steps, attachments in the last user input', async () => {
    const { fake } = ctx;
    fake.script([
      {
        expect: (request) =>
          expect(inputOf(request)).toEqual([
            { type: 'user_input', content: [{ type: 'text', text: 'Remember 6.' }] },
            { type: 'model_output', content: [{ type: 'text', text: 'Noted.' }] },
            {
              type: 'user_input',
              content: [
                { type: 'text', text: 'Multiply it by the number in n.txt.' },
                { type: 'text', text: expect.stringContaining('saved in the working directory as "n.txt"') },
              ],
            },
          ]),
        reply: reply('completed', [modelOutput('42.')]),
      },
    ]);
    const sandbox = new ScriptedSandbox(() => ({}));
    const res = await generateWithCodeExecution({
      ai: clientFor(fake),
      model: MODEL,
      api: 'interactions',
      sandbox,
      contents: [
        { role: 'user', parts: [{ text: 'Remember 6.' }] },
        { role: 'model', parts: [{ text: 'Noted.' }] },
        { role: 'user', parts: [{ text: 'Multiply it by the number in n.txt.' }] },
      ],
      attachments: [{ path: 'n.txt', mimeType: 'text/plain', data: new TextEncoder().encode('7') }],
    });

    expect(res.text).toBe('42.');
    expect(new TextDecoder().decode(sandbox.files.get('n.txt'))).toBe('7');
    expectCleanRun(fake);
  });

  it('passes the server’s own code execution steps through in server mode', async () => {
    const { fake } = ctx;
    fake.script([
      {
        expect: (request) => expect(declaredTools(request)).toEqual(['code_execution']),
        reply: reply('completed', [codeCall('print(6 * 7)', 's1'), codeResult('42\n', 's1'), modelOutput('It is 42.')]),
      },
    ]);
    const res = await generateWithCodeExecution({ ai: clientFor(fake), model: MODEL, api: 'interactions', execution: 'server', contents: 'What is 6 * 7?' });

    expect(kindsOf(partsOf(res))).toEqual(['executableCode', 'codeExecutionResult', 'text']);
    expectCleanRun(fake);
  });
});
