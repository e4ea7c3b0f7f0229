/**
 * The one-shot form (generateWithCodeExecution) and the sandbox as a CallableTool for the
 * SDK's own automatic function calling.
 */
import { describe, expect, it } from 'vitest';
import type { PythonSandbox } from '../../dist/index.node.js';
import { generateWithCodeExecution, sandboxAsCallableTool } from '../../src/agent/index.js';
import {
  MODEL,
  SEED_PROMPT,
  clientFor,
  functionResponses,
  outputOf,
  reply,
  runPythonCall,
  seedLocalTurns,
  seedServerTurns,
  text,
} from '../fake-gemini/scenarios.js';
import type { FakeGemini } from '../fake-gemini/server.js';
import { kindsOf, partsOf, useAgentFixture } from '../support/agent-fixtures.js';

let fake: FakeGemini;
let sandbox: PythonSandbox;
useAgentFixture((started) => ({ fake, sandbox } = started));

describe('generateWithCodeExecution', () => {
  it('runs the loop once and returns the transcript, with the API history beside it', async () => {
    fake.script(seedLocalTurns());
    const res = await generateWithCodeExecution({ ai: clientFor(fake), model: MODEL, sandbox, contents: SEED_PROMPT });

    expect(kindsOf(partsOf(res))).toEqual(['text', 'executableCode', 'codeExecutionResult', 'text']);
    expect(partsOf(res)[3].text).toContain('5117');
    expect(res.automaticFunctionCallingHistory?.map((content) => content.role)).toEqual(['user', 'model', 'user', 'model']);
    expect(fake.failures).toEqual([]);
  });

  it('takes earlier turns as contents and works in server mode', async () => {
    fake.script([
      {
        expect: (request) => {
          expect(request.body.contents.map((content) => content.role)).toEqual(['user', 'model', 'user']);
        },
        reply: seedServerTurns()[0].reply,
      },
    ]);
    const res = await generateWithCodeExecution({
      ai: clientFor(fake),
      model: MODEL,
      execution: 'server',
      contents: [
        { role: 'user', parts: [{ text: 'Hi' }] },
        { role: 'model', parts: [{ text: 'Hello!' }] },
        { role: 'user', parts: [{ text: SEED_PROMPT }] },
      ],
    });
    expect(kindsOf(partsOf(res))).toEqual(['text', 'executableCode', 'codeExecutionResult', 'text']);
    expect(fake.failures).toEqual([]);
  });
});

describe('sandboxAsCallableTool', () => {
  // The path the docs give: both SDK READMEs announce that automatic function calling leaves
  // models.generateContent in the next major, and chats keep it.
  it("lets the SDK's automatic function calling in ai.chats run code in the sandbox", async () => {
    fake.script(seedLocalTurns());
    const chat = clientFor(fake).chats.create({ model: MODEL, config: { tools: [sandboxAsCallableTool(sandbox)] } });
    const res = await chat.sendMessage({ message: SEED_PROMPT });

    expect(res.text).toBe('The sum of the first 50 prime numbers is 5117.');
    expect(functionResponses(fake.requests[1])).toEqual([{ id: 'call-1', name: 'run_python', response: { outcome: 'OUTCOME_OK', output: '5117\n' } }]);
    expect(fake.failures).toEqual([]);
  });

  it('keeps Python state across the messages of an ai.chats chat', async () => {
    fake.script([
      { reply: reply([runPythonCall('total = 40 + 2', 'c1')]) },
      { reply: reply([text('Stored.')]) },
      { reply: reply([runPythonCall('print(total)', 'c2')]) },
      { reply: (request) => reply([text(`It is ${outputOf(request).trim()}.`)]) },
    ]);
    const chat = clientFor(fake).chats.create({ model: MODEL, config: { tools: [sandboxAsCallableTool(sandbox)] } });
    await chat.sendMessage({ message: 'Store 42.' });
    const res = await chat.sendMessage({ message: 'What did you store?' });

    expect(res.text).toBe('It is 42.');
    expect(chat.getHistory().map((content) => content.role)).toEqual(['user', 'model', 'user', 'model', 'user', 'model', 'user', 'model']);
    expect(fake.failures).toEqual([]);
  });

  it('answers only run_python calls, in order, with their ids', async () => {
    const tool = sandboxAsCallableTool(sandbox);
    expect((await tool.tool()).functionDeclarations?.map((declaration) => declaration.name)).toEqual(['run_python']);
    const parts = await tool.callTool([
      { name: 'other_tool', args: {}, id: 'x' },
      { name: 'run_python', args: { code: 'v = 5' }, id: 'a' },
      { name: 'run_python', args: { code: 'print(v * 2)' }, id: 'b' },
      { name: 'run_python', args: {}, id: 'c' },
    ]);
    expect(parts.map((part) => part.functionResponse?.id)).toEqual(['a', 'b', 'c']);
    expect(parts[1].functionResponse?.response).toEqual({ outcome: 'OUTCOME_OK', output: '10\n' });
    expect(String(parts[2].functionResponse?.response?.error)).toContain('needs a "code" argument');
  });
});
