/**
 * The fake service rejects what the real one rejects, so the loop's tests mean something.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Content } from '@google/genai';
import { GEMINI_25, MODEL, clientFor, reply, runPythonCall, text } from '../fake-gemini/scenarios.js';
import { FakeGemini } from '../fake-gemini/server.js';
import { FUNCTION_RESPONSE_PARTS_REFUSAL } from '../fake-gemini/validate.js';

let fake: FakeGemini;
beforeAll(async () => {
  fake = await FakeGemini.start();
});
afterAll(() => fake?.close());
beforeEach(() => {
  fake.reset();
});

/** Gets a signed function-call turn from the fake model. */
async function signedCallTurn(): Promise<Content> {
  fake.script([{ reply: reply([runPythonCall('print(1)', 'c1')]) }]);
  const res = await clientFor(fake).models.generateContent({ model: MODEL, contents: 'Run.' });
  const content = res.candidates?.[0]?.content;
  if (!content) throw new Error('no content');
  return content;
}

const responseTurn = (id: string | undefined): Content => ({
  role: 'user',
  parts: [{ functionResponse: { id, name: 'run_python', response: { output: '1\n' } } }],
});

async function send(contents: Content[], model = MODEL) {
  fake.script([{ reply: reply([text('ok')]) }]);
  return clientFor(fake).models.generateContent({ model, contents });
}

describe('fake Gemini service', () => {
  it('accepts a function-call turn sent back verbatim', async () => {
    const turn = await signedCallTurn();
    await expect(send([{ role: 'user', parts: [{ text: 'Run.' }] }, turn, responseTurn('c1')])).resolves.toBeDefined();
    expect(fake.failures).toEqual([]);
  });

  it('rejects a function-call turn rebuilt without its thought signature (400 INVALID_ARGUMENT)', async () => {
    const turn = await signedCallTurn();
    const rebuilt: Content = { role: 'model', parts: [{ functionCall: turn.parts?.[0].functionCall }] };
    await expect(send([{ role: 'user', parts: [{ text: 'Run.' }] }, rebuilt, responseTurn('c1')])).rejects.toMatchObject({
      name: 'ApiError',
      status: 400,
      message: expect.stringContaining('missing a thought_signature'),
    });
  });

  it('rejects a function response whose id does not match the call', async () => {
    const turn = await signedCallTurn();
    await expect(send([{ role: 'user', parts: [{ text: 'Run.' }] }, turn, responseTurn('other')])).rejects.toMatchObject({
      status: 400,
      message: expect.stringContaining('no function response has id'),
    });
  });

  it('rejects a function-call turn without its response turn, and turns that do not alternate', async () => {
    const turn = await signedCallTurn();
    await expect(send([{ role: 'user', parts: [{ text: 'Run.' }] }, turn, { role: 'user', parts: [{ text: 'And?' }] }])).rejects.toMatchObject({ status: 400 });
    await expect(
      send([
        { role: 'user', parts: [{ text: 'a' }] },
        { role: 'user', parts: [{ text: 'b' }] },
      ]),
    ).rejects.toMatchObject({ status: 400, message: expect.stringContaining('alternate') });
  });

  it('takes a Gemini 2.5 function-call turn back without a signature, as the recorded 2.5 traffic shows', async () => {
    const unsigned: Content = { role: 'model', parts: [runPythonCall('print(1)', 'c1')] };
    await expect(send([{ role: 'user', parts: [{ text: 'Run.' }] }, unsigned, responseTurn('c1')], GEMINI_25)).resolves.toBeDefined();
    expect(fake.failures).toEqual([]);
  });

  it('takes images inside function responses from current models, and refuses them for Gemini 2.5 with a bare 400 INVALID_ARGUMENT body', async () => {
    const turn = await signedCallTurn();
    const withImage: Content = {
      role: 'user',
      parts: [{ functionResponse: { id: 'c1', name: 'run_python', response: {}, parts: [{ inlineData: { mimeType: 'image/png', data: 'AA==' } }] } }],
    };
    const contents = [{ role: 'user', parts: [{ text: 'Run.' }] }, turn, withImage];
    await expect(send(contents)).resolves.toBeDefined();

    const res = await fetch(`${fake.baseUrl}/v1beta/models/${GEMINI_25}:generateContent`, {
      method: 'POST',
      headers: { 'x-goog-api-key': 'test-key' },
      body: JSON.stringify({ contents }),
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: { code: 400, message: FUNCTION_RESPONSE_PARTS_REFUSAL, status: 'INVALID_ARGUMENT' } });
  });

  it('requires the x-goog-api-key header', async () => {
    fake.script([{ reply: reply([text('ok')]) }]);
    const res = await fetch(`${fake.baseUrl}/v1beta/models/${MODEL}:generateContent`, {
      method: 'POST',
      body: JSON.stringify({ contents: [{ role: 'user', parts: [{ text: 'hi' }] }] }),
    });
    expect(res.status).toBe(403);
    expect(fake.requests[0].headers['x-goog-api-key']).toBeUndefined();
  });

  it('records the api key, the model and the streaming flag of each request', async () => {
    fake.script([{ reply: reply([text('ok')]) }]);
    for await (const _ of await clientFor(fake).models.generateContentStream({ model: MODEL, contents: 'hi' })) void _;
    expect(fake.requests[0]).toMatchObject({ model: MODEL, stream: true, url: expect.stringContaining('alt=sse'), headers: { 'x-goog-api-key': 'test-key' } });
  });
});
