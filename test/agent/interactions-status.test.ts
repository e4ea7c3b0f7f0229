/**
 * Every interaction status and every broken answer ends in a clear result or a named error, with
 * the chat's history as it was before the message.
 */
import { FinishReason } from '@google/genai';
import { describe, expect, it } from 'vitest';
import { createCodeExecutionChat } from '../../src/agent/index.js';
import { MODEL, clientFor, codeResult, modelOutput, reply, runPython } from '../fake-interactions/scenarios.js';
import { partsOf } from '../support/agent-fixtures.js';
import { failure, localChat, useFakeInteractions } from './interactions-fixtures.js';

const ctx = useFakeInteractions();

describe('interaction statuses', () => {
  it.each(['failed', 'cancelled', 'budget_exceeded', 'requires_continuation', 'some_future_status'])(
    '%s ends the message with an InteractionError (reason status) and leaves history as it was',
    async (status) => {
      const { fake } = ctx;
      fake.script([{ reply: reply(status, [modelOutput('partial')]) }]);
      const chat = localChat(fake);
      const error = await failure(chat.sendMessage({ message: 'Hi.' }));
      expect(error).toMatchObject({ reason: 'status', status });
      expect(chat.getInteractionHistory().steps).toEqual([]);
    },
  );

  it('incomplete without calls is an answer cut short: MAX_TOKENS, history kept', async () => {
    const { fake } = ctx;
    fake.script([{ reply: reply('incomplete', [modelOutput('A partial ans')]) }]);
    const chat = localChat(fake);
    const res = await chat.sendMessage({ message: 'Hi.' });
    expect(res.candidates?.[0]?.finishReason).toBe(FinishReason.MAX_TOKENS);
    expect(partsOf(res)).toEqual([{ text: 'A partial ans' }]);
    expect(chat.getInteractionHistory().steps.map((step) => step.type)).toEqual(['user_input', 'model_output']);
  });

  it('incomplete with a call it could not finish is an InteractionError, not a half-answered call in history', async () => {
    const { fake } = ctx;
    fake.script([{ reply: reply('incomplete', [runPython('print(', 'i1')]) }]);
    const error = await failure(localChat(fake).sendMessage({ message: 'Hi.' }));
    expect(error).toMatchObject({ reason: 'status', status: 'incomplete' });
  });

  it('requires_action without a call is a protocol error', async () => {
    const { fake } = ctx;
    fake.script([{ reply: reply('requires_action', [modelOutput('?')]) }]);
    expect(await failure(localChat(fake).sendMessage({ message: 'Hi.' }))).toMatchObject({ reason: 'protocol' });
  });
});

describe('a hostile or broken server', () => {
  it('a call without an id is a protocol error (no result could answer it)', async () => {
    const { fake } = ctx;
    fake.script([{ reply: reply('requires_action', [runPython('print(1)', '')]) }]);
    expect(await failure(localChat(fake).sendMessage({ message: 'Hi.' }))).toMatchObject({ reason: 'protocol' });
  });

  it('a result for an unknown call id is left out of history, so the next request is not refused', async () => {
    const { fake } = ctx;
    fake.script([
      { reply: reply('completed', [codeResult('stray', 'nobody'), modelOutput('Hello.')]) },
      { reply: reply('completed', [modelOutput('Again.')]) },
    ]);
    const chat = localChat(fake);
    await chat.sendMessage({ message: 'Hi.' });
    expect(chat.getInteractionHistory().steps.map((step) => step.type)).toEqual(['user_input', 'model_output']);
    await chat.sendMessage({ message: 'Again.' });
    expect(fake.failures).toEqual([]);
  });

  it('an unknown step type is kept for the server and left out of the transcript', async () => {
    const { fake } = ctx;
    fake.script([{ reply: reply('completed', [{ type: 'hologram', beams: 3 } as never, modelOutput('Hi.')]) }]);
    const chat = localChat(fake);
    const res = await chat.sendMessage({ message: 'Hi.' });
    expect(partsOf(res)).toEqual([{ text: 'Hi.' }]);
    expect(chat.getInteractionHistory().steps[1]).toEqual({ type: 'hologram', beams: 3 });
  });

  it('a stream event for a step never started is a protocol error and rolls back', async () => {
    const { fake } = ctx;
    fake.script([
      {
        reply: {
          events: [
            { event_type: 'interaction.created', interaction: { id: '', status: 'in_progress' } },
            { event_type: 'step.delta', index: 7, delta: { type: 'text', text: 'x' } },
          ],
        },
      },
    ]);
    const chat = localChat(fake);
    const stream = await chat.sendMessageStream({ message: 'Hi.' });
    const error = await failure(
      (async () => {
        for await (const _ of stream) void _;
      })(),
    );
    expect(error.reason).toBe('protocol');
    expect(chat.getInteractionHistory().steps).toEqual([]);
  });

  it('an endless stream stops at the event bound (limit) and rolls back', async () => {
    const { fake } = ctx;
    const noise = Array.from({ length: 100_001 }, () => ({ event_type: 'interaction.status_update', interaction_id: '', status: 'in_progress' }));
    fake.script([{ reply: { events: noise } }]);
    const chat = localChat(fake);
    const stream = await chat.sendMessageStream({ message: 'Hi.' });
    const error = await failure(
      (async () => {
        for await (const _ of stream) void _;
      })(),
    );
    expect(error.reason).toBe('limit');
  }, 60_000);

  it('a huge step stops at the character bound (limit)', async () => {
    const { fake } = ctx;
    fake.script([{ reply: reply('completed', [modelOutput('x'.repeat(64 * 1024 * 1024 + 1))]) }]);
    expect(await failure(localChat(fake).sendMessage({ message: 'Hi.' }))).toMatchObject({ reason: 'limit' });
  }, 60_000);

  it('an API error passes through as the SDK raised it, history unchanged', async () => {
    const { fake } = ctx;
    fake.script([{ reply: { error: { code: 400, status: 'INVALID_ARGUMENT', message: 'bad request' } } }]);
    const chat = localChat(fake);
    const error = await chat.sendMessage({ message: 'Hi.' }).catch((caught: unknown) => caught as Error & { status: number });
    expect(error).toMatchObject({ status: 400 });
    expect(chat.getInteractionHistory().steps).toEqual([]);
  });

  it('refuses a client without ai.interactions, and generateContent history, with a TypeError', () => {
    const ai = { models: clientFor(ctx.fake).models };
    expect(() => createCodeExecutionChat({ ai, model: MODEL, api: 'interactions', execution: 'server' })).toThrow(/ai.interactions/);
    expect(() =>
      // Does not compile (generateContent history on an Interactions chat); JavaScript callers get the TypeError.
      // @ts-expect-error history needs api: 'generateContent'
      createCodeExecutionChat({
        ai: clientFor(ctx.fake),
        model: MODEL,
        api: 'interactions',
        execution: 'server',
        history: [{ role: 'user', parts: [{ text: 'x' }] }],
      }),
    ).toThrow(/interactionHistory/);
  });
});
