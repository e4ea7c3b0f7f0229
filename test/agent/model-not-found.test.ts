/**
 * A model the API no longer serves (retired, or misspelled): the SDK's own error, its message
 * leading with the model's name and what to do, in both API modes and on both paths.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createCodeExecutionChat, isApiError } from '../../src/agent/index.js';
import { apiError, clientFor, modelNotFoundMessage } from '../fake-gemini/scenarios.js';
import { FakeGemini } from '../fake-gemini/server.js';
import { localChat, useFakeInteractions } from './interactions-fixtures.js';
import { collect } from '../support/agent-fixtures.js';
import { ScriptedSandbox } from '../support/scripted-sandbox.js';

const GONE = 'gemini-3.6-flahs';
const ADVICE = `Model "${GONE}" is not available (retired or misspelled): pass another model, e.g. "gemini-flash-latest"; ai.models.list() lists them. `;
const NOT_FOUND = { error: { code: 404, status: 'NOT_FOUND', message: modelNotFoundMessage(GONE) } };
const sandbox = new ScriptedSandbox(() => ({}));

async function rejection(promise: Promise<unknown>): Promise<Error & { status?: number }> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof Error)) throw new Error('expected a rejection with an Error');
  return error;
}

describe('generateContent: a model the API does not serve', () => {
  let fake: FakeGemini;
  beforeAll(async () => {
    fake = await FakeGemini.start();
  });
  afterAll(() => fake?.close());
  beforeEach(() => {
    fake.reset();
  });

  it.each([false, true])('rejects with the SDK ApiError, status 404, its message leading with the model and what to do (stream: %s)', async (stream) => {
    fake.script([{ reply: NOT_FOUND }]);
    const chat = createCodeExecutionChat({ ai: clientFor(fake), model: GONE, sandbox });
    const error = await rejection(stream ? chat.sendMessageStream({ message: 'Hi.' }).then(collect) : chat.sendMessage({ message: 'Hi.' }));

    expect(isApiError(error)).toBe(true);
    expect(error).toMatchObject({ name: 'ApiError', status: 404 });
    expect(error.message.startsWith(ADVICE)).toBe(true);
    expect(error.message).toContain(modelNotFoundMessage(GONE));
    expect(error.stack).toContain(ADVICE);
    expect(chat.getHistory()).toEqual([]);
  });

  it('leaves a 404 that does not name the model as the SDK raised it', async () => {
    fake.script([{ reply: apiError(404, 'NOT_FOUND', 'Requested entity was not found.') }]);
    const error = await rejection(createCodeExecutionChat({ ai: clientFor(fake), model: GONE, sandbox }).sendMessage({ message: 'Hi.' }));

    expect(error).toMatchObject({ name: 'ApiError', status: 404 });
    expect(error.message).not.toContain('is not available');
  });
});

describe('Interactions API: a model the API does not serve', () => {
  const ctx = useFakeInteractions();

  it.each([false, true])("rejects with the SDK's error, status 404, its message leading with the model and what to do (stream: %s)", async (stream) => {
    // No Interactions 404 was recorded; the generateContent wording stands in (it names the model).
    ctx.fake.script([{ reply: NOT_FOUND }]);
    const chat = localChat(ctx.fake, sandbox, { model: GONE });
    const error = await rejection(stream ? chat.sendMessageStream({ message: 'Hi.' }).then(collect) : chat.sendMessage({ message: 'Hi.' }));

    expect(isApiError(error)).toBe(true);
    expect(error.status).toBe(404);
    expect(error.message.startsWith(ADVICE)).toBe(true);
    expect(error.message).toContain(modelNotFoundMessage(GONE));
    expect(chat.getInteractionHistory().steps).toEqual([]);
  });
});
