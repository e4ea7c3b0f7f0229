/**
 * Server mode on the Interactions API: `code_execution` declared, its call and result steps
 * mapped onto the parts the generateContent server mode gives.
 */
import { describe, expect, it } from 'vitest';
import { InteractionError } from '../../src/agent/index.js';
import { codeCall, codeResult, declaredTools, functionCall, modelOutput, reply, thought } from '../fake-interactions/scenarios.js';
import { TOOL_MIX_MESSAGE } from '../fake-interactions/validate.js';
import { kindsOf, partsOf } from '../support/agent-fixtures.js';
import { expectCleanRun, serverChat, useFakeInteractions } from './interactions-fixtures.js';

const ctx = useFakeInteractions();
const PNG = Buffer.from('png').toString('base64');

describe('server mode on the Interactions API', () => {
  it('maps code_execution_call / _result onto executableCode and codeExecutionResult, as generateContent gives them', async () => {
    const { fake } = ctx;
    fake.script([
      {
        expect: (request) => expect(declaredTools(request)).toEqual(['code_execution']),
        reply: reply('completed', [
          thought(fake.newSignature()),
          modelOutput('Computing.'),
          codeCall('print(5117)', 'x1'),
          codeResult('5117\n', 'x1'),
          modelOutput('The sum is 5117.'),
        ]),
      },
    ]);
    const res = await serverChat(fake).sendMessage({ message: 'Sum of the first 50 primes?' });
    const parts = partsOf(res);
    expect(kindsOf(parts)).toEqual(['text', 'executableCode', 'codeExecutionResult', 'text']);
    expect(parts[1].executableCode).toEqual({ code: 'print(5117)', language: 'PYTHON', id: 'x1' });
    expect(parts[2].codeExecutionResult).toEqual({ outcome: 'OUTCOME_OK', output: '5117\n', id: 'x1' });
    expectCleanRun(fake);
  });

  it('maps is_error to OUTCOME_FAILED', async () => {
    const { fake } = ctx;
    fake.script([
      { reply: reply('completed', [codeCall('1/0', 'e1'), codeResult('ZeroDivisionError: division by zero', 'e1', true), modelOutput('It failed.')]) },
    ]);
    const parts = partsOf(await serverChat(fake).sendMessage({ message: 'Divide.' }));
    expect(parts[1].codeExecutionResult).toEqual({ outcome: 'OUTCOME_FAILED', output: 'ZeroDivisionError: division by zero', id: 'e1' });
  });

  it('keeps a bash call as bash, not Python', async () => {
    const { fake } = ctx;
    fake.script([{ reply: reply('completed', [codeCall('ls -la', 'b1', 'bash'), codeResult('total 0\n', 'b1')]) }]);
    const parts = partsOf(await serverChat(fake).sendMessage({ message: 'List files.' }));
    expect(parts[0].executableCode).toEqual({ code: 'ls -la', language: 'BASH', id: 'b1' });
  });

  it('shows images of a result (content blocks, the SDK 3.x shape) and of model output as inlineData', async () => {
    const { fake } = ctx;
    fake.script([
      {
        reply: reply('completed', [
          codeCall('plot()', 'p1'),
          codeResult(
            [
              { type: 'text', text: 'drawn\n' },
              { type: 'image', data: PNG, mime_type: 'image/png' },
            ],
            'p1',
          ),
          modelOutput('Here:', { data: PNG, mime_type: 'image/png' }),
        ]),
      },
    ]);
    const parts = partsOf(await serverChat(fake).sendMessage({ message: 'Plot.' }));
    expect(kindsOf(parts)).toEqual(['executableCode', 'codeExecutionResult', 'inlineData', 'text', 'inlineData']);
    expect(parts[1].codeExecutionResult?.output).toBe('drawn\n');
    expect(parts[2].inlineData).toEqual({ data: PNG, mimeType: 'image/png' });
    expect(parts[4].inlineData).toEqual({ data: PNG, mimeType: 'image/png' });
  });

  it('turns the 400 asking for tool_config (code execution beside functions) into an InteractionError that says what to do', async () => {
    const { fake } = ctx;
    fake.script([{ reply: reply('completed', [modelOutput('unused')]) }]);
    const chat = serverChat(fake, { model: 'gemini-3.6-flash', functions: [{ declaration: { name: 'lookup' }, handler: () => 1 }] });
    const error = await chat.sendMessage({ message: 'Hi.' }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InteractionError);
    expect(error).toMatchObject({ reason: 'tool-mix' });
    expect(String((error as Error & { cause: Error }).cause.message)).toContain(TOOL_MIX_MESSAGE);
    expect(fake.failures).toEqual([`400 INVALID_ARGUMENT: ${TOOL_MIX_MESSAGE}`]);
  });

  it('runs a function of the caller beside code execution where the model allows it', async () => {
    const { fake } = ctx;
    fake.script([
      { reply: reply('requires_action', [functionCall('lookup', { key: 'a' }, 'l1')]) },
      { reply: reply('completed', [codeCall('print(1)', 'c1'), codeResult('1\n', 'c1'), modelOutput('Done.')]) },
    ]);
    const chat = serverChat(fake, {
      functions: [{ declaration: { name: 'lookup', parametersJsonSchema: { type: 'object' } }, handler: (args) => `value of ${String(args.key)}` }],
    });
    const res = await chat.sendMessage({ message: 'Look up a.' });
    expect(kindsOf(partsOf(res))).toEqual(['functionCall', 'functionResponse', 'executableCode', 'codeExecutionResult', 'text']);
    expectCleanRun(fake);
  });
});
