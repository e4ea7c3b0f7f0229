/**
 * `chat.rewind(message)`: the history goes back to before a message and Python to before its first
 * cell, on both APIs, with the real sandbox (checkpoints on) and the fake model servers; and what
 * the result says when Python cannot follow (checkpoints off, or the checkpoint dropped by the bound).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { PythonSandbox } from '../../dist/index.node.js';
import { createCodeExecutionChat } from '../../src/agent/index.js';
import { MODEL, clientFor, outputOf, reply, runPythonCall, text } from '../fake-gemini/scenarios.js';
import { FakeGemini } from '../fake-gemini/server.js';
import { modelOutput, reply as interactionReply, resultJson, runPython } from '../fake-interactions/scenarios.js';
import { AGENT_SANDBOX_OPTIONS } from '../support/agent-fixtures.js';
import { useSandbox } from '../support/fixtures.js';
import { localChat, useFakeInteractions } from './interactions-fixtures.js';

let fake: FakeGemini;
let sandbox: PythonSandbox;
let plain: PythonSandbox;
beforeAll(async () => {
  fake = await FakeGemini.start();
});
afterAll(() => fake?.close());
// Two checkpoints kept: enough for the last message, not for the first of two.
useSandbox({ ...AGENT_SANDBOX_OPTIONS, checkpoints: { maxCount: 2 } }, (made) => {
  sandbox = made;
});
useSandbox(AGENT_SANDBOX_OPTIONS, (made) => {
  plain = made;
});
const interactions = useFakeInteractions();
beforeEach(() => fake.reset());

/** A model turn that runs `code`, then one that says `answer`. */
function cellThenAnswer(code: string, answer = 'Done.') {
  return [{ reply: reply([runPythonCall(code)]) }, { reply: reply([text(answer)]) }];
}

function chatOn(on: PythonSandbox) {
  return createCodeExecutionChat({ ai: clientFor(fake), model: MODEL, sandbox: on });
}

describe('chat.rewind on generateContent', () => {
  it('takes the history and Python back to before message 1: the next cell sees x = 1, not 2', async () => {
    fake.script([...cellThenAnswer('x = 1'), ...cellThenAnswer('x = 2'), ...cellThenAnswer('print(x)', 'x is 1.')]);
    const chat = chatOn(sandbox);
    await chat.sendMessage({ message: 'Set x to 1.' });
    const afterFirst = chat.getHistory();
    await chat.sendMessage({ message: 'Set x to 2.' });

    const rewind = await chat.rewind(1);
    expect(rewind).toMatchObject({ removed: 1, python: 'rewound', note: 'Python was rewound to before this message.' });
    expect(rewind.checkpoint?.id).toMatch(/^c\d+$/);
    expect(chat.getHistory()).toEqual(afterFirst);

    await chat.sendMessage({ message: 'Print x.' });
    expect(outputOf(fake.requests.at(-1)!)).toBe('1\n');
    // The model saw message 0 and the new one, not the rewound one.
    const userTexts = fake.requests
      .at(-1)!
      .body.contents.flatMap((c) => c.parts ?? [])
      .flatMap((p) => (p.text ? [p.text] : []));
    expect(userTexts).toEqual(['Set x to 1.', 'Done.', 'Print x.']);
  });

  it('says Python was not rewound when the checkpoint before the message was dropped by the bound, and rewinds the history anyway', async () => {
    fake.script([...cellThenAnswer('y = 1'), ...cellThenAnswer('y = 2'), ...cellThenAnswer('y = 3')]);
    const chat = chatOn(sandbox);
    for (const message of ['one', 'two', 'three']) await chat.sendMessage({ message });
    const rewind = await chat.rewind(0);
    expect(rewind.python).toBe('not-rewound');
    expect(rewind.removed).toBe(3);
    expect(rewind.note).toMatch(/^Python could not be rewound to before this message \(its checkpoint c\d+ is no longer kept: the sandbox keeps 2/);
    expect(chat.getHistory()).toEqual([]);
    expect((await sandbox.run('y')).result).toBe('3');
  });

  it('says Python was not rewound on a sandbox without checkpoints, and that they are off', async () => {
    fake.script([...cellThenAnswer('z = 1'), ...cellThenAnswer('z = 2')]);
    const chat = chatOn(plain);
    await chat.sendMessage({ message: 'one' });
    await chat.sendMessage({ message: 'two' });
    const rewind = await chat.rewind(1);
    expect(rewind).toMatchObject({ removed: 1, python: 'not-rewound' });
    expect(rewind.note).toContain('checkpoints are off');
    expect(chat.getHistory()).toHaveLength(4);
    expect((await plain.run('z')).result).toBe('2');
  });

  it('leaves Python alone when the messages taken out ran no code', async () => {
    fake.script([...cellThenAnswer('w = 1'), { reply: reply([text('Hello.')]) }]);
    const chat = chatOn(sandbox);
    await chat.sendMessage({ message: 'Set w.' });
    await chat.sendMessage({ message: 'Say hello.' });
    expect(await chat.rewind(1)).toEqual({ removed: 1, python: 'untouched', note: 'No code ran from this message on: Python is as it was.' });
    expect((await sandbox.run('w')).result).toBe('1');
  });

  it('refuses an index that names no message it sent, and changes nothing', async () => {
    fake.script([{ reply: reply([text('Hi.')]) }]);
    const chat = chatOn(sandbox);
    await expect(chat.rewind(0)).rejects.toThrow('it has sent none yet');
    await chat.sendMessage({ message: 'Hi' });
    for (const bad of [1, -1, 0.5, Number.NaN]) await expect(chat.rewind(bad)).rejects.toThrow(RangeError);
    expect(chat.getHistory()).toHaveLength(2);
  });
});

describe('chat.rewind on the Interactions API', () => {
  it('takes the steps and Python back to before message 1', async () => {
    const { fake: ifake } = interactions;
    ifake.script([
      { reply: interactionReply('requires_action', [runPython('v = 1', 'a1')]) },
      { reply: interactionReply('completed', [modelOutput('Set.')]) },
      { reply: interactionReply('requires_action', [runPython('v = 2', 'a2')]) },
      { reply: interactionReply('completed', [modelOutput('Set again.')]) },
      { reply: interactionReply('requires_action', [runPython('print(v)', 'a3')]) },
      { reply: (request) => interactionReply('completed', [modelOutput(`v is ${String(resultJson(request).output).trim()}.`)]) },
    ]);
    const chat = localChat(ifake, sandbox);
    await chat.sendMessage({ message: 'Set v to 1.' });
    const afterFirst = chat.getInteractionHistory();
    await chat.sendMessage({ message: 'Set v to 2.' });
    expect(await chat.rewind(1)).toMatchObject({ removed: 1, python: 'rewound' });
    expect(chat.getInteractionHistory()).toEqual(afterFirst);
    const answer = await chat.sendMessage({ message: 'Print v.' });
    expect(answer.candidates?.[0]?.content?.parts?.at(-1)?.text).toBe('v is 1.');
  });
});
