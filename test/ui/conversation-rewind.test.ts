/**
 * The widget's Conversation rewinding to an earlier message (Edit, Regenerate) in Node, with the fake
 * Gemini and a scripted sandbox that keeps no checkpoints: which messages it offers, the transcript
 * after, and the line that says Python could not follow.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { Conversation } from '../../src/ui/state/conversation.js';
import type { ConversationSetup, UserEntry } from '../../src/ui/state/entries.js';
import { MODEL, clientFor, reply, runPythonCall, text } from '../fake-gemini/scenarios.js';
import { FakeGemini } from '../fake-gemini/server.js';
import { ScriptedSandbox } from '../support/scripted-sandbox.js';

let fake: FakeGemini;
beforeAll(async () => {
  fake = await FakeGemini.start();
});
afterAll(() => fake?.close());
beforeEach(() => fake.reset());

const sandbox = new ScriptedSandbox(() => ({}));
// One client, as the widget keeps one per key: a new one would start a new chat underneath.
let chatSetup: ConversationSetup;
const setup = async (): Promise<ConversationSetup> => (chatSetup ??= { client: clientFor(fake), model: MODEL, execution: 'local', sandbox });
const users = (conversation: Conversation) => conversation.entries.filter((entry): entry is UserEntry => entry.kind === 'user');

describe('rewinding the widget conversation', () => {
  test('takes the message and what came after off the screen, says Python could not follow, and the next message goes on from there', async () => {
    fake.script([
      { reply: reply([text('One.')]) },
      { reply: reply([runPythonCall('x = 2')]) },
      { reply: reply([text('Two.')]) },
      { reply: reply([text('Three.')]) },
    ]);
    const conversation = new Conversation(() => undefined);
    await conversation.send({ text: 'first', attachments: [] }, setup);
    await conversation.send({ text: 'second', attachments: [] }, setup);
    const [first, second] = users(conversation);
    expect([conversation.canRewind(first), conversation.canRewind(second)]).toEqual([true, true]);

    expect(await conversation.rewindTo(second)).toBe(true);
    expect(conversation.entries.map((entry) => entry.kind)).toEqual(['user', 'model', 'notice']);
    expect(conversation.entries.at(-1)).toMatchObject({
      text: expect.stringMatching(/^Python could not be rewound to before this message \(.*keeps no checkpoints\)/),
    });
    expect(conversation.sentMessages.map((m) => m.text)).toEqual(['first']);
    expect(
      conversation
        .history()
        .flatMap((c) => c.parts ?? [])
        .map((p) => p.text),
    ).toEqual(['first', 'One.']);
    await conversation.send({ text: 'third', attachments: [] }, setup);
    expect(
      conversation
        .history()
        .flatMap((c) => c.parts ?? [])
        .map((p) => p.text),
    ).toEqual(['first', 'One.', 'third', 'Three.']);
    expect(conversation.canRewind(users(conversation)[1])).toBe(true);
  });

  test('offers no rewind for the messages of a conversation put back after a reload, nor while a message is in flight', async () => {
    fake.script([{ reply: reply([text('One.')]) }, { reply: reply([text('Two.')]) }]);
    const before = new Conversation(() => undefined);
    await before.send({ text: 'first', attachments: [] }, setup);
    const saved = before.snapshot();
    const conversation = new Conversation(() => undefined);
    conversation.restore({ ...saved, entries: saved.entries.map(({ id: _, ...entry }) => entry) });
    const sending = conversation.send({ text: 'second', attachments: [] }, setup);
    expect(users(conversation).map((entry) => conversation.canRewind(entry))).toEqual([false, false]);
    await sending;
    const [restored, sent] = users(conversation);
    expect([conversation.canRewind(restored), conversation.canRewind(sent)]).toEqual([false, true]);
    expect(await conversation.rewindTo(restored)).toBe(false);
    expect(users(conversation)).toHaveLength(2);
  });

  test('rewinds a message put back after a reload when the widget kept Python before it: the history is cut there, and the next message goes on from it', async () => {
    fake.script([
      { reply: reply([text('One.')]) },
      { reply: reply([runPythonCall('x = 2')]) },
      { reply: reply([text('Two.')]) },
      { reply: reply([text('Three.')]) },
      { reply: reply([text('Four.')]) },
    ]);
    const before = new Conversation(() => undefined);
    await before.send({ text: 'first', attachments: [] }, setup);
    await before.send({ text: 'second', attachments: [] }, setup);
    const saved = before.snapshot();
    const conversation = new Conversation(() => undefined);
    const restores: number[] = [];
    const rewound: number[] = [];
    conversation.savedRewinds = {
      has: (message) => message === 1,
      restore: async (message) => void restores.push(message),
      rewound: (message) => void rewound.push(message),
    };
    conversation.restore({ ...saved, entries: saved.entries.map(({ id: _, ...entry }) => entry) });
    const [first, second] = users(conversation);
    expect([conversation.canRewind(first), conversation.canRewind(second)]).toEqual([false, true]);

    expect(await conversation.rewindTo(second)).toBe(true);
    expect([restores, rewound]).toEqual([[1], [1]]);
    expect(conversation.entries.map((entry) => entry.kind)).toEqual(['user', 'model', 'notice']);
    expect(conversation.entries.at(-1)).toMatchObject({ text: 'Python was rewound to before this message.' });
    expect(conversation.sentMessages.map((m) => m.text)).toEqual(['first']);
    const texts = () =>
      conversation
        .history()
        .flatMap((c) => c.parts ?? [])
        .map((p) => p.text);
    expect(texts()).toEqual(['first', 'One.']);
    await conversation.send({ text: 'third', attachments: [] }, setup);
    expect(texts()).toEqual(['first', 'One.', 'third', 'Three.']);
    // The message sent since is the chat's own; the one before it still needs what the widget kept.
    expect(users(conversation).map((entry) => conversation.canRewind(entry))).toEqual([false, true]);
  });

  test('offers no rewind of a message put back whose history does not hold it (one that started afresh), kept Python or not', async () => {
    fake.script([{ reply: reply([text('One.')]) }]);
    const before = new Conversation(() => undefined);
    await before.send({ text: 'first', attachments: [] }, setup);
    const saved = before.snapshot();
    const conversation = new Conversation(() => undefined);
    conversation.savedRewinds = { has: () => true, restore: async () => undefined, rewound: () => undefined };
    conversation.restore({ ...saved, history: [], entries: saved.entries.map(({ id: _, ...entry }) => entry) });
    expect(conversation.canRewind(users(conversation)[0])).toBe(false);
    expect(await conversation.rewindTo(users(conversation)[0])).toBe(false);
  });
});
