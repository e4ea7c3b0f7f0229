/**
 * The widget's Conversation on either API: `api: 'interactions'` sends through the Interactions
 * API, its steps carry over a change of model, and across a change of API the model starts afresh
 * (the two histories do not convert). In Node, with the fake servers and a scripted sandbox.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { Conversation } from '../../src/ui/state/conversation.js';
import type { ConversationSetup } from '../../src/ui/state/entries.js';
import { MODEL, clientFor as geminiClient, reply, text } from '../fake-gemini/scenarios.js';
import { FakeGemini } from '../fake-gemini/server.js';
import { clientFor as interactionsClient, inputOf, modelOutput, reply as interactionReply } from '../fake-interactions/scenarios.js';
import { useFakeInteractions } from '../agent/interactions-fixtures.js';
import { ScriptedSandbox } from '../support/scripted-sandbox.js';

let gemini: FakeGemini;
beforeAll(async () => {
  gemini = await FakeGemini.start();
});
afterAll(() => gemini?.close());
beforeEach(() => gemini.reset());
const interactions = useFakeInteractions();

const sandbox = new ScriptedSandbox(() => ({}));
const onInteractions = (model = MODEL): ConversationSetup => ({
  client: interactionsClient(interactions.fake),
  model,
  execution: 'local',
  api: 'interactions',
  sandbox,
});
const onGenerateContent = (): ConversationSetup => ({ client: geminiClient(gemini), model: MODEL, execution: 'local', sandbox });
const say = (conversation: Conversation, words: string, setup: ConversationSetup) => conversation.send({ text: words, attachments: [] }, async () => setup);

describe('the widget conversation on the Interactions API', () => {
  test('sends through the Interactions API and shows the answer', async () => {
    interactions.fake.script([{ reply: interactionReply('completed', [modelOutput('Hello.')]) }]);
    const conversation = new Conversation(() => undefined);
    expect(await say(conversation, 'Hi.', onInteractions())).toBe(true);

    expect(interactions.fake.requests).toHaveLength(1);
    expect(gemini.requests).toHaveLength(0);
    expect(conversation.entries.at(-1)).toMatchObject({ kind: 'model', state: 'done', parts: [{ text: 'Hello.' }] });
    expect(conversation.history()).toEqual([]);
  });

  test('carries its steps over a change of model', async () => {
    interactions.fake.script([
      { reply: interactionReply('completed', [modelOutput('Hello.')]) },
      { reply: interactionReply('completed', [modelOutput('Again.')]) },
    ]);
    const conversation = new Conversation(() => undefined);
    await say(conversation, 'Hi.', onInteractions());
    await say(conversation, 'And?', onInteractions('gemini-pro-latest'));

    expect(inputOf(interactions.fake.requests[1]).map((step) => step.type)).toEqual(['user_input', 'model_output', 'user_input']);
  });

  test('starts the model afresh across a change of API, both ways', async () => {
    gemini.script([{ reply: reply([text('On generateContent.')]) }]);
    interactions.fake.script([{ reply: interactionReply('completed', [modelOutput('On Interactions.')]) }]);
    const conversation = new Conversation(() => undefined);
    await say(conversation, 'First.', onGenerateContent());
    await say(conversation, 'Second.', onInteractions());
    expect(inputOf(interactions.fake.requests[0])).toEqual([{ type: 'user_input', content: [{ type: 'text', text: 'Second.' }] }]);

    gemini.script([{ reply: reply([text('Back.')]) }]);
    await say(conversation, 'Third.', onGenerateContent());
    expect(gemini.requests[1].body.contents).toEqual([{ role: 'user', parts: [{ text: 'Third.' }] }]);
    expect(conversation.entries.filter((entry) => entry.kind === 'model').map((entry) => entry.kind === 'model' && entry.state)).toEqual([
      'done',
      'done',
      'done',
    ]);
  });

  test('a restored Interactions conversation continues from its saved steps where its code ran, and starts afresh elsewhere', async () => {
    interactions.fake.script([{ reply: interactionReply('completed', [modelOutput('Hello.')]) }]);
    const first = new Conversation(() => undefined);
    await say(first, 'Hi.', onInteractions());
    const saved = first.snapshot();
    expect(saved.interactions).toEqual({
      execution: 'local',
      steps: [expect.objectContaining({ type: 'user_input' }), expect.objectContaining({ type: 'model_output' })],
    });

    interactions.fake.script([
      { reply: interactionReply('completed', [modelOutput('Again.')]) },
      { reply: interactionReply('completed', [modelOutput('Fresh.')]) },
    ]);
    const reloaded = new Conversation(() => undefined);
    reloaded.restore(saved);
    await say(reloaded, 'And?', onInteractions());
    expect(inputOf(interactions.fake.requests[1]).map((step) => step.type)).toEqual(['user_input', 'model_output', 'user_input']);

    const elsewhere = new Conversation(() => undefined);
    elsewhere.restore(saved);
    await say(elsewhere, 'On the server?', { ...onInteractions(), execution: 'server' });
    expect(inputOf(interactions.fake.requests[2]).map((step) => step.type)).toEqual(['user_input']);
  });
});
