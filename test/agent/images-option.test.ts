/**
 * One `images` option, one default (`'auto'`) on every entry: the chat and one-shot form on the
 * Interactions API (here; its default shape, inside, in interactions-local.test.ts; generateContent
 * in images.test.ts), `sandboxAsCallableTool` and Live.
 * `'inside'` puts a run's images in the function response, `'after'` sends them as ordinary input
 * right after it, and `'auto'` is inside where a refusal can be sent again the other way, else
 * the shape that cannot be refused. The deprecated `multimodalFunctionResponse` still works.
 * The sandbox is scripted: where the images go does not depend on Python.
 */
import type { Part } from '@google/genai';
import { describe, expect, it } from 'vitest';
import { createLiveCodeExecution, generateWithCodeExecution, sandboxAsCallableTool } from '../../src/agent/index.js';
import { MODEL, clientFor, inputOf, modelOutput, reply, runPython } from '../fake-interactions/scenarios.js';
import { RESULT_IMAGES_REFUSAL } from '../fake-interactions/validate.js';
import type { RecordedRequest, Step } from '../fake-interactions/wire.js';
import { runPythonCall, toolCall } from '../fake-live/scenarios.js';
import type { FakeLive } from '../fake-live/server.js';
import { kindsOf, partsOf, useFakeLive } from '../support/agent-fixtures.js';
import { ScriptedSandbox } from '../support/scripted-sandbox.js';
import { expectCleanRun, localChat, useFakeInteractions } from './interactions-fixtures.js';

const PNG = Buffer.from('\x89PNG fake').toString('base64');
const drawing = () => new ScriptedSandbox(() => ({ output: 'drawn\n', images: [{ mimeType: 'image/png', data: PNG }] }));
const LEGACY = 'gemini-2.5-flash';
const IMAGE_BLOCK = { type: 'image', data: PNG, mime_type: 'image/png' };

const ctx = useFakeInteractions();

/** The model draws once (call `id`), then answers. */
function draws(id = 'img-1') {
  return [{ reply: reply('requires_action', [runPython('plot()', id)]) }, { reply: reply('completed', [modelOutput('A plot.')]) }];
}

/** A request's input after its last function call: the results and what follows them, by type, with image blocks marked. */
function answer(request: RecordedRequest): string[] {
  const input = inputOf(request);
  const from = input.findLastIndex((step) => step.type === 'function_call') + 1;
  return input.slice(from).map(describeStep);
}

function describeStep(step: Step): string {
  const blocks = step.type === 'function_result' ? step.result : step.type === 'user_input' ? step.content : undefined;
  const images = Array.isArray(blocks) ? blocks.filter((block) => block.type === 'image') : [];
  expect(images.every((image) => JSON.stringify(image) === JSON.stringify(IMAGE_BLOCK))).toBe(true);
  return `${step.type}${images.length > 0 ? '+image' : ''}`;
}

/** A chat's steps once a refused request was sent again with its images after the results. */
const STEPS_AFTER_FALLBACK = ['user_input', 'function_call', 'function_result', 'user_input+image', 'model_output'];
describe('images on the Interactions API', () => {
  it("'after': a user_input step of the images right after the function results", async () => {
    const { fake } = ctx;
    fake.script(draws());
    const res = await localChat(fake, drawing(), { images: 'after' }).sendMessage({ message: 'Plot.' });

    expect(answer(fake.requests[1])).toEqual(['function_result', 'user_input+image']);
    expect(kindsOf(partsOf(res))).toEqual(['executableCode', 'codeExecutionResult', 'inlineData', 'text']);
    expectCleanRun(fake);
  });

  it("'auto' on a model that refuses them: the request once more with the images after, and that shape for the rest of the chat", async () => {
    const { fake } = ctx;
    fake.script(draws());
    const chat = localChat(fake, drawing(), { model: LEGACY });
    await chat.sendMessage({ message: 'Plot.' });

    expect(fake.failures).toEqual([expect.stringContaining(RESULT_IMAGES_REFUSAL)]);
    expect(answer(fake.requests[1])).toEqual(['function_result+image']);
    expect(answer(fake.requests[2])).toEqual(['function_result', 'user_input+image']);
    expect(chat.getInteractionHistory().steps.map(describeStep)).toEqual(STEPS_AFTER_FALLBACK);

    fake.reset().script(draws('img-2'));
    await chat.sendMessage({ message: 'Again.' });
    expect(fake.requests).toHaveLength(2);
    expect(answer(fake.requests[1])).toEqual(['function_result', 'user_input+image']);
    expectCleanRun(fake);
  });

  it("'auto' falls back on a streamed message, and with store: true moves only the steps not yet stored", async () => {
    const { fake } = ctx;
    fake.script(draws());
    const chat = localChat(fake, drawing(), { model: LEGACY, store: true });
    for await (const chunk of await chat.sendMessageStream({ message: 'Plot.' })) void chunk;

    expect(fake.failures).toHaveLength(1);
    expect(inputOf(fake.requests[2]).map(describeStep)).toEqual(['function_result', 'user_input+image']);
    expect(fake.requests[2].body.previous_interaction_id).toBe(fake.requests[1].body.previous_interaction_id);
    expect(chat.getInteractionHistory().steps.map(describeStep)).toEqual(STEPS_AFTER_FALLBACK);
  });

  it("'inside' never falls back: the refusal is thrown and the history is as before", async () => {
    const { fake } = ctx;
    fake.script(draws());
    const chat = localChat(fake, drawing(), { model: LEGACY, images: 'inside' });

    await expect(chat.sendMessage({ message: 'Plot.' })).rejects.toMatchObject({ status: 400, message: expect.stringContaining(RESULT_IMAGES_REFUSAL) });
    expect(fake.requests).toHaveLength(2);
    expect(chat.getInteractionHistory().steps).toEqual([]);
  });

  it('the deprecated multimodalFunctionResponse: false is honoured (images after), in the one-shot form too', async () => {
    const { fake } = ctx;
    fake.script(draws());
    await generateWithCodeExecution({
      ai: clientFor(fake),
      model: MODEL,
      api: 'interactions',
      sandbox: drawing(),
      multimodalFunctionResponse: false,
      contents: 'Plot.',
    });

    expect(answer(fake.requests[1])).toEqual(['function_result', 'user_input+image']);
    expectCleanRun(fake);
  });
});

describe('images from sandboxAsCallableTool', () => {
  const call = { name: 'run_python', args: { code: 'plot()' }, id: 'c1' };
  const shape = (parts: Part[]) =>
    parts.map((part) => (part.functionResponse ? `functionResponse${part.functionResponse.parts?.length ? '+image' : ''}` : 'inlineData'));

  it("default 'auto' is 'after' (the SDK sends the request, so a refusal could not be sent again): ordinary parts after the responses", async () => {
    expect(shape(await sandboxAsCallableTool(drawing()).callTool([call]))).toEqual(['functionResponse', 'inlineData']);
    expect(shape(await sandboxAsCallableTool(drawing(), { images: 'after' }).callTool([call]))).toEqual(['functionResponse', 'inlineData']);
  });

  it("'inside' and the deprecated multimodalFunctionResponse: true put them in functionResponse.parts", async () => {
    expect(shape(await sandboxAsCallableTool(drawing(), { images: 'inside' }).callTool([call]))).toEqual(['functionResponse+image']);
    expect(shape(await sandboxAsCallableTool(drawing(), { multimodalFunctionResponse: true }).callTool([call]))).toEqual(['functionResponse+image']);
  });

  it('refuses both names at once, and a value that is not one of the three', () => {
    expect(() => sandboxAsCallableTool(drawing(), { images: 'inside', multimodalFunctionResponse: true })).toThrow(
      'multimodalFunctionResponse and images are both given; keep images (multimodalFunctionResponse is deprecated)',
    );
    // @ts-expect-error not a value of images
    expect(() => sandboxAsCallableTool(drawing(), { images: true })).toThrow(/images must be "auto" or "inside" or "after"/);
  });
});

describe('images on Live', () => {
  let fake: FakeLive;
  const live = useFakeLive((made) => {
    fake = made;
  });
  const responseTo = async (options: Parameters<typeof live.open>[0]) => {
    const { server } = await live.open(options);
    server.send(toolCall(runPythonCall('img', 'plot()')));
    return (await server.next('toolResponse')).message.toolResponse.functionResponses[0];
  };

  it("default 'auto' sends no image (a refused tool response would close the session): the response counts them", async () => {
    const response = await responseTo({ sandbox: drawing() });
    expect(response.response).toEqual({ outcome: 'OUTCOME_OK', output: 'drawn\n', images: 1 });
    expect(response.parts).toBeUndefined();
    expect((await responseTo({ sandbox: drawing(), multimodalFunctionResponse: false })).parts).toBeUndefined();
    expect(fake.failures).toEqual([]);
  });

  it("'inside' and the deprecated multimodalFunctionResponse: true send them in functionResponse.parts", async () => {
    expect((await responseTo({ sandbox: drawing(), images: 'inside' })).parts).toEqual([{ inlineData: { mimeType: 'image/png', data: PNG } }]);
    expect((await responseTo({ sandbox: drawing(), multimodalFunctionResponse: true })).parts).toHaveLength(1);
  });

  it("has no 'after': the type refuses it, and so does the session", () => {
    // @ts-expect-error Live cannot send images after a tool response
    expect(() => createLiveCodeExecution({ sandbox: drawing(), images: 'after' })).toThrow(/images must be "auto" or "inside"; got "after"/);
  });
});
