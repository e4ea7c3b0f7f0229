/**
 * The widget's conversation in code mode (Node, fake Gemini, scripted sandbox): the page's
 * functions reach the chat, each call from code is kept with the cell whose code made it, the
 * calls survive a save and restore, and a new list of functions applies from the next message.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import type { LocalFunction } from '../../src/agent/index.js';
import { Conversation } from '../../src/ui/state/conversation.js';
import type { ConversationSetup, ModelEntry } from '../../src/ui/state/entries.js';
import { fromSaved, toSaved } from '../../src/ui/state/saved-conversation.js';
import { MODEL, clientFor, declaredFunctions, reply, runPythonCall, text } from '../fake-gemini/scenarios.js';
import { FakeGemini } from '../fake-gemini/server.js';
import { ScriptedSandbox } from '../support/scripted-sandbox.js';

let fake: FakeGemini;
beforeAll(async () => {
  fake = await FakeGemini.start();
});
afterAll(() => fake?.close());
beforeEach(() => fake.reset());

const getSales: LocalFunction = {
  declaration: { name: 'get_sales', description: 'Sales of a region.', parametersJsonSchema: { type: 'object', properties: { region: { type: 'string' } } } },
  callableFrom: 'code',
  handler: ({ region }) => {
    if (region === 'mars') throw new Error('No such region: mars');
    return 10;
  },
};

/** A sandbox whose "Python" calls its functions as the code says: `call <region> <region>…`. */
const sandbox = new ScriptedSandbox(async (code, options) => {
  for (const region of code.startsWith('call ') ? code.slice(5).split(' ') : []) {
    const fn = options.functions?.find((f) => f.name === 'get_sales');
    await Promise.resolve(fn?.handler({ region }, { signal: new AbortController().signal })).catch(() => undefined);
  }
  return { output: 'done\n' };
});

const setupWith = (functions: readonly LocalFunction[], execution: 'local' | 'server' = 'local'): ConversationSetup => ({
  client: clientFor(fake),
  model: MODEL,
  execution,
  functions,
  ...(execution === 'local' && { sandbox }),
});

describe('calls from code in the transcript', () => {
  test('each call is kept with the cell that made it, and comes back after a reload', async () => {
    fake.script([{ reply: reply([runPythonCall('print(1)', 'a'), runPythonCall('call north mars south', 'b')]) }, { reply: reply([text('Done.')]) }]);
    const conversation = new Conversation(() => undefined);
    const functions = [getSales];
    expect(await conversation.send({ text: 'Sales?', attachments: [] }, async () => setupWith(functions))).toBe(true);
    const model = conversation.entries[1] as ModelEntry;
    expect(model.calls).toEqual([
      {
        cell: 1,
        more: 0,
        shown: [
          { name: 'get_sales', args: 'region="north"', ms: expect.any(Number) },
          { name: 'get_sales', args: 'region="mars"', error: 'No such region: mars', ms: expect.any(Number) },
          { name: 'get_sales', args: 'region="south"', ms: expect.any(Number) },
        ],
      },
    ]);
    // The parts keep Gemini's shapes: the calls are beside them, not in them.
    expect(model.parts.flatMap((part) => Object.keys(part))).toEqual([
      'executableCode',
      'codeExecutionResult',
      'executableCode',
      'codeExecutionResult',
      'text',
    ]);

    const restored = fromSaved(structuredClone(toSaved(conversation.snapshot(), 'local')))!;
    expect((restored.entries[1] as ModelEntry).calls).toEqual(model.calls);
  });

  test('a new list of functions applies from the next message; on the servers code-only functions are left out', async () => {
    const both: LocalFunction = { ...getSales, declaration: { ...getSales.declaration, name: 'lookup' }, callableFrom: 'both' };
    fake.script([{ reply: reply([text('One.')]) }, { reply: reply([text('Two.')]) }, { reply: reply([text('Three.')]) }]);
    const conversation = new Conversation(() => undefined);
    await conversation.send({ text: 'One', attachments: [] }, async () => setupWith([]));
    await conversation.send({ text: 'Two', attachments: [] }, async () => setupWith([both]));
    await conversation.send({ text: 'Three', attachments: [] }, async () => setupWith([getSales, both], 'server'));
    expect(fake.requests.map(declaredFunctions)).toEqual([['run_python'], ['run_python', 'lookup'], ['lookup']]);
    expect(JSON.stringify(fake.requests[1]!.body.tools)).toContain('lookup(');
    // The conversation carried over each time.
    expect(fake.requests[2]!.body.contents).toHaveLength(5);
  });
});
