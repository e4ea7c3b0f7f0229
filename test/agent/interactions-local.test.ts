/**
 * Local mode on the Interactions API: run_python declared as a function tool, each function_call
 * step run through the same executor as the generateContent loop, answered with a function_result
 * step; the transcript shows each call as executableCode + codeExecutionResult (+ inlineData).
 */
import { FinishReason } from '@google/genai';
import { describe, expect, it } from 'vitest';
import { functionCall, functionResults, inputOf, modelOutput, reply, resultJson, runPython, thought } from '../fake-interactions/scenarios.js';
import { eventLog, kindsOf, partsOf } from '../support/agent-fixtures.js';
import { expectCleanRun, localChat, printingSandbox, useFakeInteractions } from './interactions-fixtures.js';
import { ScriptedSandbox } from '../support/scripted-sandbox.js';
import { lineChartSpec } from '../support/fixtures.js';

const ctx = useFakeInteractions();

describe('local mode on the Interactions API', () => {
  it('declares run_python as a function tool and answers the call with a function_result of the run', async () => {
    const { fake } = ctx;
    fake.script([
      {
        expect: (request) => {
          const tool = request.body.tools?.find((entry) => entry.type === 'function');
          expect(tool).toMatchObject({ type: 'function', name: 'run_python', parameters: { type: 'object', required: ['code'] } });
          expect((tool as { description: string }).description).toContain('Runs Python 3.14');
          expect(request.body.store).toBe(false);
        },
        reply: reply('requires_action', [thought(fake.newSignature()), runPython('print(6 * 7)', 'call-1')]),
      },
      { reply: (request) => reply('completed', [modelOutput(`It is ${String(resultJson(request).output).trim()}.`)]) },
    ]);
    const chat = localChat(fake);
    const res = await chat.sendMessage({ message: 'What is 6 * 7? Run code.' });

    const parts = partsOf(res);
    expect(kindsOf(parts)).toEqual(['executableCode', 'codeExecutionResult', 'text']);
    expect(parts[0].executableCode).toEqual({ code: 'print(6 * 7)', language: 'PYTHON', id: 'call-1' });
    expect(parts[1].codeExecutionResult).toEqual({ outcome: 'OUTCOME_OK', output: '42\n', id: 'call-1' });
    expect(parts[2].text).toBe('It is 42.');
    expect(res.candidates?.[0]?.finishReason).toBe(FinishReason.STOP);
    expect(functionResults(fake.requests[1])).toEqual([
      {
        type: 'function_result',
        call_id: 'call-1',
        name: 'run_python',
        result: [{ type: 'text', text: JSON.stringify({ outcome: 'OUTCOME_OK', output: '42\n' }) }],
      },
    ]);
    expectCleanRun(fake);
  });

  it('sends every step back with store: false: thoughts with their signatures, the call, its result, the new input', async () => {
    const { fake } = ctx;
    const signature = fake.newSignature();
    fake.script([
      { reply: reply('requires_action', [thought(signature), runPython('x = 6 * 7', 'c1')]) },
      { reply: reply('completed', [modelOutput('Stored x.')]) },
      {
        expect: (request) => {
          expect(inputOf(request).map((step) => step.type)).toEqual([
            'user_input',
            'thought',
            'function_call',
            'function_result',
            'model_output',
            'user_input',
          ]);
          expect(inputOf(request)[1]).toEqual({ type: 'thought', signature });
          expect(request.body.previous_interaction_id).toBeUndefined();
        },
        reply: reply('requires_action', [runPython('print(x)', 'c2')]),
      },
      { reply: (request) => reply('completed', [modelOutput(`x is ${String(resultJson(request).output).trim()}.`)]) },
    ]);
    // State kept across turns: the scripted interpreter remembers x.
    const vars = new Map<string, string>();
    const sandbox = new ScriptedSandbox((code) => {
      if (code.startsWith('x = ')) vars.set('x', '42');
      return { output: code === 'print(x)' ? `${vars.get('x')}\n` : '' };
    });
    const chat = localChat(fake, sandbox);
    await chat.sendMessage({ message: 'Set x to 6 * 7 in Python.' });
    const second = await chat.sendMessage({ message: 'Print x.' });

    expect(partsOf(second).at(-1)?.text).toBe('x is 42.');
    expect(sandbox.runs).toEqual(['x = 6 * 7', 'print(x)']);
    expect(chat.getInteractionHistory().steps.map((step) => step.type)).toEqual([
      'user_input',
      'thought',
      'function_call',
      'function_result',
      'model_output',
      'user_input',
      'function_call',
      'function_result',
      'model_output',
    ]);
    expectCleanRun(fake);
  });

  it('returns an image to the model as an image block of the function result, and shows it as inlineData', async () => {
    const { fake } = ctx;
    const png = Buffer.from('fake png bytes').toString('base64');
    fake.script([{ reply: reply('requires_action', [runPython('plot()', 'img-1')]) }, { reply: reply('completed', [modelOutput('Here is the plot.')]) }]);
    const sandbox = new ScriptedSandbox(() => ({ output: 'drawn\n', images: [{ mimeType: 'image/png', data: png }] }));
    const res = await localChat(fake, sandbox).sendMessage({ message: 'Plot it.' });

    expect(kindsOf(partsOf(res))).toEqual(['executableCode', 'codeExecutionResult', 'inlineData', 'text']);
    expect(partsOf(res)[2].inlineData).toEqual({ mimeType: 'image/png', data: png });
    const [result] = functionResults(fake.requests[1]);
    expect(result.result).toEqual([
      { type: 'text', text: JSON.stringify({ outcome: 'OUTCOME_OK', output: 'drawn\n', images: 1 }) },
      { type: 'image', data: png, mime_type: 'image/png' },
    ]);
    expectCleanRun(fake);
  });

  it("returns a chart's PNG, drawn in Node, as an image block of the function result; the transcript keeps the spec, then the PNG", async () => {
    const { fake } = ctx;
    fake.script([{ reply: reply('requires_action', [runPython('chart()', 'ch-1')]) }, { reply: reply('completed', [modelOutput('A wave.')]) }]);
    const spec = JSON.stringify(lineChartSpec(100));
    const sandbox = new ScriptedSandbox(() => ({ charts: [{ mimeType: 'application/vnd.vegalite.v6+json', spec }] }));
    const res = await localChat(fake, sandbox).sendMessage({ message: 'Chart it.' });

    const [result] = functionResults(fake.requests[1]);
    expect(result.result).toEqual([
      { type: 'text', text: JSON.stringify({ outcome: 'OUTCOME_OK', output: '', images: 1, charts: 1 }) },
      { type: 'image', data: expect.any(String), mime_type: 'image/png' },
    ]);
    const image = (result.result as { data?: string }[])[1].data ?? '';
    expect(Buffer.from(image, 'base64').subarray(1, 4).toString()).toBe('PNG');
    expect(kindsOf(partsOf(res))).toEqual(['executableCode', 'codeExecutionResult', 'inlineData', 'inlineData', 'text']);
    expect(partsOf(res).flatMap((part) => part.inlineData?.mimeType ?? [])).toEqual(['application/vnd.vegalite.v6+json', 'image/png']);
    expectCleanRun(fake);
  });

  it('answers a function of the caller beside run_python and an unknown function with an error the model can read', async () => {
    const { fake } = ctx;
    fake.script([
      {
        expect: (request) => expect(request.body.tools?.map((tool) => (tool as { name?: string }).name)).toEqual(['run_python', 'get_time']),
        reply: reply('requires_action', [functionCall('get_time', {}, 'f1'), functionCall('nope', {}, 'f2')]),
      },
      {
        expect: (request) => {
          expect(resultJson(request, 0)).toEqual({ output: '12:00' });
          expect(String(resultJson(request, 1).error)).toContain('Unknown function "nope"');
        },
        reply: reply('completed', [modelOutput('Noon.')]),
      },
    ]);
    const chat = localChat(fake, printingSandbox(), { functions: [{ declaration: { name: 'get_time', description: 'Now.' }, handler: () => '12:00' }] });
    const res = await chat.sendMessage({ message: 'Time?' });
    expect(kindsOf(partsOf(res))).toEqual(['functionCall', 'functionResponse', 'functionCall', 'functionResponse', 'text']);
    expectCleanRun(fake);
  });

  it('reports the same events as the generateContent loop', async () => {
    const { fake } = ctx;
    fake.script([{ reply: reply('requires_action', [runPython('print(1)', 'e1')]) }, { reply: reply('completed', [modelOutput('Done.')]) }]);
    const log = eventLog();
    await localChat(fake, printingSandbox(), { onEvent: log.onEvent }).sendMessage({ message: 'Go.' });
    expect(log.types()).toEqual(['step-start', 'step', 'run-start', 'run-end', 'step-start', 'step']);
    const step = log.events[1];
    expect(step.type === 'step' && step.functionCalls).toEqual([{ id: 'e1', name: 'run_python', args: { code: 'print(1)' } }]);
    expectCleanRun(fake);
  });

  it('stops at limits.maxSteps with the notice and TOO_MANY_TOOL_CALLS, keeping the results for the next message', async () => {
    const { fake } = ctx;
    fake.script([
      { reply: reply('requires_action', [runPython('print(1)', 'm1')]) },
      {
        expect: (request) =>
          expect(
            inputOf(request)
              .map((step) => step.type)
              .slice(-2),
          ).toEqual(['function_result', 'user_input']),
        reply: reply('completed', [modelOutput('Continuing.')]),
      },
    ]);
    const chat = localChat(fake, printingSandbox(), { limits: { maxSteps: 1 } });
    const res = await chat.sendMessage({ message: 'Loop.' });
    expect(res.candidates?.[0]?.finishReason).toBe(FinishReason.TOO_MANY_TOOL_CALLS);
    expect(partsOf(res).at(-1)?.text).toContain('Stopped after 1 steps');
    await chat.sendMessage({ message: 'Go on.' });
    expectCleanRun(fake);
  });
});
