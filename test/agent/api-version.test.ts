/**
 * Which API version the loop's requests go to. SDK 3.x sends to `v1` by default, whose published
 * schema has no tools or function calls; the loop sends its own requests to `v1beta` unless the
 * request's config names a version. Runs against both SDK majors (npm test's two passes).
 */
import { GoogleGenAI } from '@google/genai';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { GEMINI_API_VERSION, createCodeExecutionChat, generateWithCodeExecution } from '../../src/agent/index.js';
import { requestConfig, resolveSetup } from '../../src/agent/setup.js';
import { MODEL, reply, runPythonCall, streamReply, text } from '../fake-gemini/scenarios.js';
import { FakeGemini } from '../fake-gemini/server.js';
import { SDK_MAJOR, SDK_VERSION } from '../support/genai-sdk.js';
import { ScriptedSandbox } from '../support/scripted-sandbox.js';
import { collect } from '../support/agent-fixtures.js';

let fake: FakeGemini;
beforeAll(async () => {
  fake = await FakeGemini.start();
});
afterAll(() => fake.close());
beforeEach(() => {
  fake.reset();
});

/** A client as a new user writes it: no `apiVersion`, so the SDK's default. */
function defaultClient(): GoogleGenAI {
  return new GoogleGenAI({ apiKey: 'test-key', httpOptions: { baseUrl: fake.baseUrl } });
}

const sandbox = new ScriptedSandbox(() => ({ output: '4\n', stdout: '4\n' }));

describe(`API versions (@google/genai ${SDK_VERSION})`, () => {
  test('the SDK left on its default sends its own requests to v1 from 3.x on, v1beta before', async () => {
    fake.script([{ reply: reply([text('hi')]) }]);
    await defaultClient().models.generateContent({ model: MODEL, contents: 'hi' });
    expect(fake.requests[0].apiVersion).toBe(SDK_MAJOR >= 3 ? 'v1' : 'v1beta');
  });

  test('a chat on a client left on the default sends every request of the loop to v1beta', async () => {
    fake.script([{ reply: reply([runPythonCall('print(2 + 2)', 'c1')]) }, { reply: reply([text('It is 4.')]) }]);
    const chat = createCodeExecutionChat({ ai: defaultClient(), model: MODEL, execution: 'local', sandbox });
    const res = await chat.sendMessage({ message: '2 + 2?' });

    expect(res.candidates?.[0]?.content?.parts?.at(-1)).toEqual(text('It is 4.'));
    expect(fake.requests.map((request) => request.apiVersion)).toEqual([GEMINI_API_VERSION, GEMINI_API_VERSION]);
    expect(fake.failures).toEqual([]);
  });

  test('a streamed message on a client left on the default goes to v1beta', async () => {
    fake.script([{ reply: streamReply([[text('It is')], [text(' 4.')]]) }]);
    const chat = createCodeExecutionChat({ ai: defaultClient(), model: MODEL, execution: 'server' });
    await collect(await chat.sendMessageStream({ message: '2 + 2?' }));
    expect(fake.requests.map((request) => [request.apiVersion, request.stream])).toEqual([[GEMINI_API_VERSION, true]]);
  });

  test('the one-shot form on a client left on the default goes to v1beta', async () => {
    fake.script([{ reply: reply([text('It is 4.')]) }]);
    await generateWithCodeExecution({ ai: defaultClient(), model: MODEL, execution: 'server', contents: '2 + 2?' });
    expect(fake.requests[0].apiVersion).toBe(GEMINI_API_VERSION);
  });

  test('a version named in the request config is the one used', async () => {
    fake.script([{ reply: reply([text('It is 4.')]) }]);
    const chat = createCodeExecutionChat({ ai: defaultClient(), model: MODEL, execution: 'server', config: { httpOptions: { apiVersion: 'v1' } } });
    await chat.sendMessage({ message: '2 + 2?' });
    expect(fake.requests[0].apiVersion).toBe('v1');
  });

  test("the client's other HTTP options (base URL, headers) still apply to the pinned requests", async () => {
    fake.script([{ reply: reply([text('ok')]) }]);
    const ai = new GoogleGenAI({ apiKey: 'test-key', httpOptions: { baseUrl: fake.baseUrl, headers: { 'x-app': 'mine' } } });
    await createCodeExecutionChat({ ai, model: MODEL, execution: 'server' }).sendMessage({ message: 'hi' });
    expect(fake.requests[0].headers['x-app']).toBe('mine');
  });

  test('a Vertex AI client keeps its own API version', () => {
    const setup = resolveSetup({ ai: { vertexai: true, models: defaultClient().models }, model: MODEL, execution: 'server' });
    expect(requestConfig(setup, {}, []).httpOptions).toBeUndefined();
  });
});
