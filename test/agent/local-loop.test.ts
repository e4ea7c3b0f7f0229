/**
 * Local mode against the fake Gemini server and the real sandbox: the model calls run_python,
 * the code runs in Pyodide, the results go back, the model answers.
 */
import { FinishReason } from '@google/genai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { PythonSandbox } from '../../dist/index.node.js';
import { createCodeExecutionChat } from '../../src/agent/index.js';
import {
  PRIMES_CODE,
  SEED_PROMPT,
  clientFor,
  functionCall,
  functionResponses,
  MODEL,
  outputOf,
  reply,
  runPythonCall,
  seedLocalTurns,
  text,
} from '../fake-gemini/scenarios.js';
import { FakeGemini } from '../fake-gemini/server.js';
import { AGENT_SANDBOX_OPTIONS, eventLog, kindsOf, partsOf } from '../support/agent-fixtures.js';
import { useSandbox } from '../support/fixtures.js';
import { ScriptedSandbox } from '../support/scripted-sandbox.js';

let fake: FakeGemini;
let sandbox: PythonSandbox;
beforeAll(async () => {
  fake = await FakeGemini.start();
});
afterAll(() => fake?.close());
useSandbox(AGENT_SANDBOX_OPTIONS, (made) => {
  sandbox = made;
});
beforeEach(async () => {
  fake.reset();
  await sandbox.reset();
});

/** Every scripted turn was used and the fake service rejected nothing. */
function expectCleanRun(): void {
  expect(fake.failures).toEqual([]);
  expect(fake.remaining).toBe(0);
}

function newChat(options: { limits?: { maxSteps?: number }; onEvent?: Parameters<typeof createCodeExecutionChat>[0]['onEvent'] } = {}) {
  return createCodeExecutionChat({ ai: clientFor(fake), model: MODEL, sandbox, ...options });
}

describe('local execution loop', () => {
  it('runs one call, then returns the answer that quotes the real output (seed prompt)', async () => {
    fake.script(seedLocalTurns());
    const chat = newChat();
    const res = await chat.sendMessage({ message: SEED_PROMPT });

    const parts = partsOf(res);
    expect(kindsOf(parts)).toEqual(['text', 'executableCode', 'codeExecutionResult', 'text']);
    expect(parts[1].executableCode).toMatchObject({ language: 'PYTHON', code: PRIMES_CODE, id: 'call-1' });
    expect(parts[2].codeExecutionResult).toEqual({ outcome: 'OUTCOME_OK', output: '5117\n', id: 'call-1' });
    expect(parts[3].text).toBe('The sum of the first 50 prime numbers is 5117.');
    expect(res.usageMetadata).toEqual({ promptTokenCount: 20, candidatesTokenCount: 10, totalTokenCount: 30 });
    expect(res.candidates?.[0]?.finishReason).toBe(FinishReason.STOP);

    // What went back to the model: the function response, id copied from the call.
    expect(fake.requests).toHaveLength(2);
    expect(functionResponses(fake.requests[1])).toEqual([{ id: 'call-1', name: 'run_python', response: { outcome: 'OUTCOME_OK', output: '5117\n' } }]);
    expectCleanRun();
  });

  it('keeps the model turns verbatim in history, thought signature included', async () => {
    fake.script(seedLocalTurns());
    const chat = newChat();
    await chat.sendMessage({ message: SEED_PROMPT });

    const history = chat.getHistory();
    expect(history.map((content) => content.role)).toEqual(['user', 'model', 'user', 'model']);
    expect(history[0].parts).toEqual([{ text: SEED_PROMPT }]);
    const callPart = history[1].parts?.[1];
    expect(callPart?.functionCall).toEqual({ id: 'call-1', name: 'run_python', args: { code: PRIMES_CODE } });
    expect(callPart?.thoughtSignature).toBeTruthy();
    expect(fake.signatures.get(callPart?.thoughtSignature ?? '')).toEqual(callPart);
    expect(history[2].parts?.[0].functionResponse?.id).toBe('call-1');
    // getHistory returns copies.
    history[0].parts = [];
    expect(chat.getHistory()[0].parts).toEqual([{ text: SEED_PROMPT }]);
  });

  it('sends a failing cell back as an error, then runs the fix and answers', async () => {
    fake.script([
      { reply: reply([runPythonCall('total = undefined_name + 1', 'c1')]) },
      {
        expect: (request) => {
          const [response] = functionResponses(request);
          expect(response.response).toMatchObject({ outcome: 'OUTCOME_FAILED' });
          expect(String(response.response?.error)).toContain("NameError: name 'undefined_name' is not defined");
        },
        reply: reply([text('Fixing the name.'), runPythonCall('total = 41 + 1\nprint(total)', 'c2')]),
      },
      { reply: (request) => reply([text(`The total is ${outputOf(request).trim()}.`)]) },
    ]);
    const res = await newChat().sendMessage({ message: 'Add one to 41.' });

    const parts = partsOf(res);
    expect(kindsOf(parts)).toEqual(['executableCode', 'codeExecutionResult', 'text', 'executableCode', 'codeExecutionResult', 'text']);
    expect(parts[1].codeExecutionResult?.outcome).toBe('OUTCOME_FAILED');
    expect(parts[1].codeExecutionResult?.output).toContain('NameError');
    expect(parts[4].codeExecutionResult).toMatchObject({ outcome: 'OUTCOME_OK', output: '42\n' });
    expect(parts[5].text).toBe('The total is 42.');
    expectCleanRun();
  });

  it('runs two calls of one turn in order, sharing state, and answers both in one turn', async () => {
    fake.script([
      { reply: reply([runPythonCall('x = 21', 'a'), runPythonCall('print(x * 2)', 'b')]) },
      {
        expect: (request) => {
          expect(functionResponses(request).map((response) => response.id)).toEqual(['a', 'b']);
        },
        reply: (request) => reply([text(`x * 2 = ${outputOf(request, 1).trim()}`)]),
      },
    ]);
    const chat = newChat();
    const res = await chat.sendMessage({ message: 'Set x to 21 and double it.' });

    expect(kindsOf(partsOf(res))).toEqual(['executableCode', 'codeExecutionResult', 'executableCode', 'codeExecutionResult', 'text']);
    expect(partsOf(res)[3].codeExecutionResult?.output).toBe('42\n');
    expect(partsOf(res)[4].text).toBe('x * 2 = 42');
    const history = chat.getHistory();
    expect(history[2].parts?.map((part) => part.functionResponse?.id)).toEqual(['a', 'b']);
    expectCleanRun();
  });

  it('sends one message at a time: a second message waits for the first', async () => {
    fake.script([{ reply: reply([runPythonCall('print("first")', 'q1')]) }, { reply: reply([text('First done.')]) }, { reply: reply([text('Second done.')]) }]);
    const chat = newChat();
    const [first, second] = await Promise.all([chat.sendMessage({ message: 'First.' }), chat.sendMessage({ message: 'Second.' })]);

    expect(first.text).toBe('First done.');
    expect(second.text).toBe('Second done.');
    expect(fake.requests[2].body.contents.map((content) => content.role)).toEqual(['user', 'model', 'user', 'model', 'user']);
    expectCleanRun();
  });

  it('reports live output while the code runs, then the run, through onEvent', async () => {
    fake.script([{ reply: reply([runPythonCall('print("one")\nimport time\ntime.sleep(0.3)\nprint("two")', 'r1')]) }, { reply: reply([text('Done.')]) }]);
    const log = eventLog();
    await newChat({ onEvent: log.onEvent }).sendMessage({ message: 'Print two lines.' });

    const types = log.types();
    const outputs = types.filter((type) => type === 'output').length;
    expect(outputs).toBeGreaterThanOrEqual(1);
    // Output events come between run-start and run-end, never after.
    expect(types).toEqual(['step-start', 'step', 'run-start', ...Array(outputs).fill('output'), 'run-end', 'step-start', 'step']);
    expect(log.events.find((event) => event.type === 'output')).toMatchObject({
      step: 1,
      callId: 'r1',
      chunk: { stream: 'stdout', text: expect.stringMatching(/^one/) },
    });
    const end = log.events.find((event) => event.type === 'run-end');
    expect(end).toMatchObject({ type: 'run-end', step: 1, callId: 'r1', result: { outcome: 'OUTCOME_OK', output: 'one\ntwo\n' } });
    expectCleanRun();
  });

  it('answers an unknown function with an error the model can correct', async () => {
    fake.script([
      { reply: reply([functionCall('search_web', { query: 'primes' }, 'u1')]) },
      {
        expect: (request) => {
          const [response] = functionResponses(request);
          expect(response).toMatchObject({ id: 'u1', name: 'search_web' });
          expect(response.response?.error).toBe('Unknown function "search_web". Available functions: run_python.');
        },
        reply: reply([text('I cannot search; here is what I know.')]),
      },
    ]);
    const log = eventLog();
    const res = await newChat({ onEvent: log.onEvent }).sendMessage({ message: 'Search the web.' });

    expect(kindsOf(partsOf(res))).toEqual(['functionCall', 'functionResponse', 'text']);
    expect(log.events.find((event) => event.type === 'function-response')).toMatchObject({ isError: true });
    expectCleanRun();
  });

  describe('malformed run_python arguments get an error response, and nothing runs', () => {
    const cases: Array<[string, Record<string, unknown>, string]> = [
      ['missing code', {}, 'run_python needs a "code" argument'],
      ['non-string code', { code: 42 }, 'must be a string of Python source; got a number'],
      ['empty code', { code: '   \n' }, 'is empty'],
    ];
    for (const [name, args, message] of cases) {
      it(name, async () => {
        fake.script([
          { reply: reply([functionCall('run_python', args, 'm1')]) },
          {
            expect: (request) => {
              expect(String(functionResponses(request)[0].response?.error)).toContain(message);
            },
            reply: reply([text('Sorry, let me answer directly.')]),
          },
        ]);
        const log = eventLog();
        const res = await newChat({ onEvent: log.onEvent }).sendMessage({ message: 'Run something.' });

        expect(kindsOf(partsOf(res))).toEqual(['functionCall', 'functionResponse', 'text']);
        expect(log.types()).not.toContain('run-start');
        expectCleanRun();
      });
    }
  });

  it('stops at limits.maxSteps with a notice and TOO_MANY_TOOL_CALLS, and the next message continues', async () => {
    fake.script([
      { reply: reply([runPythonCall('n = 1\nprint(n)', 's1')]) },
      { reply: reply([runPythonCall('n += 1\nprint(n)', 's2')]) },
      {
        // The next message joins the pending function responses in one user turn.
        expect: (request) => {
          const last = request.body.contents.at(-1);
          expect(last?.parts?.map((part) => (part.functionResponse ? 'functionResponse' : part.text))).toEqual(['functionResponse', 'Please finish.']);
        },
        reply: (request) => reply([text(`n is ${outputOf(request).trim()}.`)]),
      },
    ]);
    const log = eventLog();
    const chat = newChat({ limits: { maxSteps: 2 }, onEvent: log.onEvent });
    const res = await chat.sendMessage({ message: 'Count forever.' });

    const parts = partsOf(res);
    expect(kindsOf(parts)).toEqual(['executableCode', 'codeExecutionResult', 'executableCode', 'codeExecutionResult', 'text']);
    expect(parts[4].text).toContain('Stopped after 2 steps (limits.maxSteps)');
    expect(res.candidates?.[0]?.finishReason).toBe(FinishReason.TOO_MANY_TOOL_CALLS);
    expect(log.events.at(-1)).toEqual({ type: 'max-steps', maxSteps: 2 });
    expect(fake.requests).toHaveLength(2);
    expect(chat.getHistory().map((content) => content.role)).toEqual(['user', 'model', 'user', 'model', 'user']);

    const next = await chat.sendMessage({ message: 'Please finish.' });
    expect(partsOf(next).map((part) => part.text)).toEqual(['n is 2.']);
    expect(chat.getHistory().map((content) => content.role)).toEqual(['user', 'model', 'user', 'model', 'user', 'model']);
    expectCleanRun();
  });

  it('runs user-declared functions beside run_python and returns their result or error', async () => {
    fake.script([
      {
        expect: (request) => {
          const names = (request.body.tools ?? []).flatMap((tool) => tool.functionDeclarations?.map((d) => d.name) ?? []);
          expect(names).toEqual(['run_python', 'get_rate', 'broken']);
        },
        reply: reply([functionCall('get_rate', { currency: 'EUR' }, 'f1'), functionCall('broken', {}, 'f2'), runPythonCall('print(100 * 0.9)', 'f3')]),
      },
      {
        expect: (request) => {
          const responses = functionResponses(request);
          expect(responses.map((response) => response.response)).toEqual([
            { output: { currency: 'EUR', rate: 0.9 } },
            { error: 'Error: service down' },
            { outcome: 'OUTCOME_OK', output: '90.0\n' },
          ]);
        },
        reply: reply([text('100 USD is 90 EUR.')]),
      },
    ]);
    const chat = createCodeExecutionChat({
      ai: clientFor(fake),
      model: MODEL,
      sandbox,
      functions: [
        {
          declaration: {
            name: 'get_rate',
            description: 'Exchange rate from USD',
            parametersJsonSchema: { type: 'object', properties: { currency: { type: 'string' } } },
          },
          handler: async (args) => ({ currency: args.currency, rate: 0.9 }),
        },
        {
          declaration: { name: 'broken', description: 'Always fails' },
          handler: () => {
            throw new Error('service down');
          },
        },
      ],
    });
    const res = await chat.sendMessage({ message: 'Convert 100 USD to EUR.' });
    expect(kindsOf(partsOf(res))).toEqual([
      'functionCall',
      'functionResponse',
      'functionCall',
      'functionResponse',
      'executableCode',
      'codeExecutionResult',
      'text',
    ]);
    expectCleanRun();
  });

  it('tells the model when the interpreter was restarted and its variables are gone', async () => {
    // Scripted: a real restart takes a second Pyodide boot; the sandbox's own tests cover it.
    const restarted = new ScriptedSandbox(() => ({
      outcome: 'OUTCOME_DEADLINE_EXCEEDED',
      output: '',
      error: {
        name: 'TimeoutError',
        message: 'Execution exceeded the time limit of 30 s. Python did not stop when interrupted, so the interpreter was restarted.',
        traceback: '',
      },
      stateLost: true,
    }));
    fake.script([
      { reply: reply([runPythonCall('while True: pass', 'k1')]) },
      {
        expect: (request) => {
          const response = functionResponses(request)[0].response;
          expect(response).toMatchObject({
            outcome: 'OUTCOME_DEADLINE_EXCEEDED',
            stateLost: true,
            error: expect.stringContaining('TimeoutError: Execution exceeded'),
          });
          expect(String(response?.note)).toContain('variables, imports and functions from earlier runs are gone');
        },
        reply: reply([text('The loop never ends.')]),
      },
    ]);
    await createCodeExecutionChat({ ai: clientFor(fake), model: MODEL, sandbox: restarted }).sendMessage({ message: 'Loop.' });
    expectCleanRun();
  });
});
