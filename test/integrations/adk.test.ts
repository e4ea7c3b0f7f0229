/**
 * The ADK code executor with a real ADK `LlmAgent` (`@google/adk` from npm) whose model is the fake
 * Gemini server, in Node with the default boundary (a Deno process): the model's code blocks run in
 * the sandbox and their results reach its next request; one ADK session keeps one interpreter, and
 * another session (or another user's session of the same id) never sees it; a failing cell is
 * retried and fixed; ADK tools are called from the code.
 */
import { FunctionTool, Gemini, InMemoryRunner, LlmAgent } from '@google/adk';
import { Type } from '@google/genai';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { SandboxCodeExecutor } from '../../dist/adk.node.js';
import { MODEL, reply, text } from '../fake-gemini/scenarios.js';
import { FakeGemini } from '../fake-gemini/server.js';
import { APP, agentRunner, cellResults, codeBlock, finalText, newSession, requestText, turn, useFakeGemini } from '../support/adk.js';

let fake: FakeGemini;
let executor: SandboxCodeExecutor;

beforeAll(async () => {
  fake = await FakeGemini.start();
  useFakeGemini(fake);
  executor = new SandboxCodeExecutor();
});
afterAll(async () => {
  await executor?.close();
  await fake?.close();
});

/** A turn whose model writes `code`, then answers with `answer` once it has seen the result. */
function codeTurn(code: string, answer = 'Done.') {
  return [{ reply: reply([text(codeBlock(code))]) }, { reply: reply([text(answer)]) }];
}

describe('an LlmAgent with SandboxCodeExecutor', () => {
  test("runs the model's code block in Pyodide behind Deno, and its output reaches the model's next request", async () => {
    const runner = agentRunner(executor);
    const session = await newSession(runner);
    fake.reset().script(codeTurn('import sys, js\nprint(sys.platform, js.navigator.userAgent.split("/")[0], 6 * 7)', 'It is 42.'));
    const events = await turn(runner, session, 'What is 6 times 7?');

    expect(fake.failures).toEqual([]);
    expect(fake.requests).toHaveLength(2);
    expect(cellResults(events)).toEqual([{ outcome: 'OUTCOME_OK', text: expect.stringContaining('emscripten Deno 42') }]);
    expect(requestText(fake.requests[1])).toContain('emscripten Deno 42');
    expect(finalText(events)).toBe('It is 42.');
  }, 120_000);

  test('without withCodeExecution, ADK 2.0.0 runs no code block: the code is the final answer and the executor is never called', async () => {
    let calls = 0;
    const counting = new SandboxCodeExecutor();
    const executeCode = counting.executeCode.bind(counting);
    counting.executeCode = (params) => (calls++, executeCode(params));
    const agent = new LlmAgent({ name: 'analyst', model: new Gemini({ model: MODEL, apiKey: 'test-key' }), codeExecutor: counting });
    const runner = new InMemoryRunner({ agent, appName: APP });
    fake.reset().script(codeTurn('print(6 * 7)'));
    const events = await turn(runner, await newSession(runner), 'What is 6 times 7?');

    expect(calls).toBe(0);
    expect(fake.requests).toHaveLength(1);
    expect(finalText(events)).toContain('print(6 * 7)');
    await counting.close();
  }, 60_000);

  test("keeps one interpreter per ADK session: a session's turns share variables and files, no cell runs twice, and another session sees none of it", async () => {
    const runner = agentRunner(executor);
    const first = await newSession(runner);
    const append = (line: string) => `with open('log.txt', 'a') as f:\n    f.write('${line}\\n')`;
    fake
      .reset()
      .script([
        ...codeTurn(`${append('one')}\ncounter = 41`),
        ...codeTurn(`${append('two')}\ncounter += 1\nprint(counter)`),
        ...codeTurn(`${append('three')}\nprint(open('log.txt').read().splitlines())`),
      ]);
    await turn(runner, first, 'Start a counter.');
    const second = await turn(runner, first, 'Add one.');
    const third = await turn(runner, first, 'Show the log.');
    expect(fake.failures).toEqual([]);
    expect(cellResults(second)[0].text).toContain('42');
    expect(cellResults(third)[0].text).toContain("['one', 'two', 'three']");

    // Another session of the same user, and another user's session under the same id.
    const other = await newSession(runner);
    const sameIdOtherUser = (await runner.sessionService.createSession({ appName: APP, userId: 'user-2', sessionId: first })).id;
    fake
      .reset()
      .script([
        ...codeTurn("print('counter' in globals(), __import__('os').path.exists('log.txt'))"),
        ...codeTurn("print('counter' in globals(), __import__('os').path.exists('log.txt'))"),
      ]);
    const otherEvents = await turn(runner, other, 'Is there a counter?');
    const otherUserEvents = await turn(runner, sameIdOtherUser, 'Is there a counter?', 'user-2');
    expect(fake.failures).toEqual([]);
    expect(cellResults(otherEvents)[0].text).toContain('False False');
    expect(cellResults(otherUserEvents)[0].text).toContain('False False');
  }, 180_000);

  test('a failing cell: its traceback reaches the model, which fixes the code, and the fixed cell runs in the same interpreter', async () => {
    const runner = agentRunner(executor);
    const session = await newSession(runner);
    fake
      .reset()
      .script([
        { reply: reply([text(codeBlock('total = 10\nprint(total / 0)'))]) },
        { reply: reply([text(codeBlock('print(total / 4)', 'Dividing by zero failed; by 4 then.'))]) },
        { reply: reply([text('It is 2.5.')]) },
      ]);
    const events = await turn(runner, session, 'Split 10 in four.');

    expect(fake.failures).toEqual([]);
    expect(cellResults(events).map((result) => result.outcome)).toEqual(['OUTCOME_FAILED', 'OUTCOME_OK']);
    expect(requestText(fake.requests[1])).toMatch(/ZeroDivisionError: division by zero/);
    expect(requestText(fake.requests[2])).toContain('2.5');
    expect(finalText(events)).toBe('It is 2.5.');
  }, 120_000);
});

describe('code mode with ADK tools', () => {
  const salesCalls: string[] = [];
  const getSales = new FunctionTool({
    name: 'get_sales',
    description: 'Monthly sales of one region, in euros.',
    parameters: { type: Type.OBJECT, properties: { region: { type: Type.STRING } }, required: ['region'] },
    execute: (input) => {
      const { region } = input as { region: 'north' | 'south' };
      salesCalls.push(region);
      return { region, sales: { north: 120, south: 80 }[region] ?? 0 };
    },
  });

  test("the cell calls a FunctionTool through default_api, the tool's own runAsync runs it, and the instruction names it", async () => {
    const withTools = new SandboxCodeExecutor({ tools: [getSales] });
    const runner = agentRunner(withTools, `Answer by running Python. ${withTools.functionsInstruction()}`);
    fake
      .reset()
      .script(codeTurn("rows = [await default_api.get_sales(region=r) for r in ('north', 'south')]\nprint(sum(row['sales'] for row in rows))", '200 euros.'));
    const events = await turn(runner, await newSession(runner), 'Total sales?');

    expect(fake.failures).toEqual([]);
    expect(salesCalls).toEqual(['north', 'south']);
    expect(cellResults(events)[0]).toEqual({ outcome: 'OUTCOME_OK', text: expect.stringContaining('200') });
    expect(JSON.stringify(fake.requests[0].body.systemInstruction)).toContain('await default_api.get_sales(region: str): Monthly sales of one region');
    await withTools.close();
  }, 120_000);

  test("a tool named as one of default_api's own is refused when the executor is made", () => {
    const named = (name: string) => new FunctionTool({ name, description: 'x', execute: () => 1 });
    expect(() => new SandboxCodeExecutor({ tools: [named('search_tools')] })).toThrow(TypeError);
    expect(() => new SandboxCodeExecutor({ functions: [{ name: 'FunctionCallError', handler: () => 1 }] })).toThrow(TypeError);
    expect(() => new SandboxCodeExecutor({ tools: [named('not a name')] })).toThrow(TypeError);
  });
});
