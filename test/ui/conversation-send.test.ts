/**
 * A message is on screen, and can be stopped, before what it needs is ready:
 * `Conversation.send` shows it, then waits for its setup (the widget boots Python there). The
 * widget's Conversation in Node, with the fake Gemini and a scripted sandbox.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { Conversation } from '../../src/ui/state/conversation.js';
import type { ConversationSetup } from '../../src/ui/state/entries.js';
import { ScriptedSandbox } from '../support/scripted-sandbox.js';
import { MODEL, clientFor, reply, text } from '../fake-gemini/scenarios.js';
import { FakeGemini } from '../fake-gemini/server.js';

let fake: FakeGemini;
beforeAll(async () => {
  fake = await FakeGemini.start();
});
afterAll(() => fake?.close());
beforeEach(() => fake.reset());

/** A setup that is handed over when the test says so (Python "booting" until then). */
function pendingSetup(): { prepare: () => Promise<ConversationSetup>; ready(): void; fail(error: Error): void } {
  let ready!: () => void;
  let fail!: (error: Error) => void;
  const setup = new Promise<ConversationSetup>((resolve, reject) => {
    ready = () => resolve({ client: clientFor(fake), model: MODEL, execution: 'local', sandbox: new ScriptedSandbox(() => ({})) });
    fail = reject;
  });
  return { prepare: () => setup, ready, fail };
}

const message = { text: 'What is 6 * 7?', attachments: [] };

describe('a message sent before its setup is ready', () => {
  test('is on screen and in flight at once, and is answered once the setup is ready', async () => {
    fake.script([{ reply: reply([text('42.')]) }]);
    const conversation = new Conversation(() => undefined);
    const setup = pendingSetup();
    const sending = conversation.send(message, setup.prepare);
    expect(conversation.entries.map((entry) => entry.kind)).toEqual(['user', 'model']);
    expect(conversation.busy).toBe(true);
    setup.ready();
    expect(await sending).toBe(true);
    expect(fake.requests).toHaveLength(1);
    expect(conversation.entries.at(1)).toMatchObject({ kind: 'model', state: 'done', parts: [{ text: '42.' }] });
  });

  test('stopped while the setup is pending, is never sent', async () => {
    const conversation = new Conversation(() => undefined);
    const setup = pendingSetup();
    const sending = conversation.send(message, setup.prepare);
    conversation.stop();
    expect(await sending).toBe(true);
    expect(conversation.busy).toBe(false);
    expect(conversation.entries[0]).toMatchObject({ kind: 'user', dropped: true });
    expect(conversation.entries.at(-1)).toMatchObject({ kind: 'notice', text: expect.stringMatching(/^Stopped\./) });
    setup.ready();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(fake.requests).toHaveLength(0);
  });

  test('whose setup fails, is taken back off the screen', async () => {
    const conversation = new Conversation(() => undefined);
    const setup = pendingSetup();
    const sending = conversation.send(message, setup.prepare);
    setup.fail(new Error('Python did not start'));
    expect(await sending).toBe(false);
    expect(conversation.entries).toEqual([]);
    expect(conversation.busy).toBe(false);
    expect(fake.requests).toHaveLength(0);
  });
});
