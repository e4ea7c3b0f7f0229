/**
 * Images produced by the code go back to the model inside the function response by default. A
 * model that refuses that (the fake's Gemini 2.5, with the 400 such models send) gets the same
 * request once more with the images after the responses, and the chat keeps that shape. The
 * transcript shows the images either way.
 */
import type { Content } from '@google/genai';
import { describe, expect, it } from 'vitest';
import type { PythonSandbox } from '../../dist/index.node.js';
import { createCodeExecutionChat, generateWithCodeExecution } from '../../src/agent/index.js';
import { GEMINI_25, MODEL, apiError, clientFor, functionResponses, lastTurn, reply, runPythonCall, streamReply, text } from '../fake-gemini/scenarios.js';
import type { FakeGemini } from '../fake-gemini/server.js';
import { FUNCTION_RESPONSE_PARTS_REFUSAL } from '../fake-gemini/validate.js';
import type { RecordedRequest } from '../fake-gemini/wire.js';
import { DISPLAY_PNG_CODE, collect, kindsOf, partsOf, useAgentFixture } from '../support/agent-fixtures.js';
import { lineChartSpec } from '../support/fixtures.js';

let fake: FakeGemini;
let sandbox: PythonSandbox;
useAgentFixture((started) => ({ fake, sandbox } = started));

const REFUSED = `400 INVALID_ARGUMENT: ${FUNCTION_RESPONSE_PARTS_REFUSAL}`;
const isPng = (base64: string | undefined) => atob(base64 ?? '').startsWith('\x89PNG');
const streamedText = (chunks: Awaited<ReturnType<typeof collect>>) =>
  chunks
    .flatMap(partsOf)
    .map((part) => part.text ?? '')
    .join('');
/** The first key of each part of a turn (its kind on the wire). */
const shape = (content: Content | undefined) => content?.parts?.map((part) => Object.keys(part)[0]);
/** Where the images are in a request's last turn. */
const inside = (request: RecordedRequest) => shape(lastTurn(request))?.join() === 'functionResponse' && functionResponses(request)[0].parts?.length === 1;
const after = (request: RecordedRequest) =>
  shape(lastTurn(request))?.join() === 'functionResponse,inlineData' && functionResponses(request)[0].parts === undefined;

/** The model draws once, then answers. */
function drawing(id = 'img') {
  return [{ reply: reply([runPythonCall(DISPLAY_PNG_CODE, id)]) }, { reply: reply([text('A 1x1 image.')]) }];
}

describe("images inside function responses (the default, images: 'auto')", () => {
  it('puts images inside functionResponse.parts when the model takes them', async () => {
    fake.script(drawing());
    const res = await createCodeExecutionChat({ ai: clientFor(fake), model: MODEL, sandbox }).sendMessage({ message: 'Draw.' });

    const [response] = functionResponses(fake.requests[1]);
    expect(inside(fake.requests[1])).toBe(true);
    expect(response.response).toEqual({ outcome: 'OUTCOME_OK', output: 'drawn\n', images: 1 });
    expect(response.parts?.[0].inlineData?.mimeType).toBe('image/png');
    expect(isPng(response.parts?.[0].inlineData?.data)).toBe(true);
    expect(kindsOf(partsOf(res))).toEqual(['executableCode', 'codeExecutionResult', 'inlineData', 'text']);
    expect(fake.failures).toEqual([]);
  });

  it("sends images after the responses on any model with images: 'after', or the deprecated multimodalFunctionResponse: false", async () => {
    fake.script([...drawing(), ...drawing()]);
    await createCodeExecutionChat({ ai: clientFor(fake), model: MODEL, sandbox, images: 'after' }).sendMessage({ message: 'Draw.' });
    await createCodeExecutionChat({ ai: clientFor(fake), model: MODEL, sandbox, multimodalFunctionResponse: false }).sendMessage({ message: 'Draw.' });

    expect(after(fake.requests[1])).toBe(true);
    expect(isPng(lastTurn(fake.requests[1]).parts?.[1].inlineData?.data)).toBe(true);
    expect(after(fake.requests[3])).toBe(true);
    expect(fake.failures).toEqual([]);
  });
});

describe('charts', () => {
  it("sends a chart's PNG inside the function response, drawn in Node, and keeps it in the transcript", async () => {
    const code = `display(${JSON.stringify(lineChartSpec(100))})\nprint("charted")`;
    fake.script([{ reply: reply([runPythonCall(code, 'chart')]) }, { reply: reply([text('A wave.')]) }]);
    const res = await createCodeExecutionChat({ ai: clientFor(fake), model: MODEL, sandbox }).sendMessage({ message: 'Chart it.' });

    const [response] = functionResponses(fake.requests[1]);
    expect(response.response).toEqual({ outcome: 'OUTCOME_OK', output: 'charted\n', images: 1, charts: 1 });
    expect(response.parts?.[0].inlineData?.mimeType).toBe('image/png');
    expect(isPng(response.parts?.[0].inlineData?.data)).toBe(true);
    // The transcript keeps the spec for a renderer that draws charts, then the PNG for one that does not.
    expect(kindsOf(partsOf(res))).toEqual(['executableCode', 'codeExecutionResult', 'inlineData', 'inlineData', 'text']);
    expect(partsOf(res).flatMap((part) => part.inlineData?.mimeType ?? [])).toEqual([
      expect.stringMatching(/^application\/vnd\.vegalite\.v\d\+json$/),
      'image/png',
    ]);
    expect(fake.failures).toEqual([]);
  });
});

describe('a model that refuses images inside function responses', () => {
  it('gets the refused request once more with the images after the responses, and answers', async () => {
    fake.script(drawing());
    const res = await createCodeExecutionChat({ ai: clientFor(fake), model: GEMINI_25, sandbox }).sendMessage({ message: 'Draw.' });

    expect(fake.requests).toHaveLength(3);
    expect(fake.failures).toEqual([REFUSED]);
    expect(inside(fake.requests[1])).toBe(true);
    expect(after(fake.requests[2])).toBe(true);
    // The same request otherwise: the earlier turns and the config are unchanged.
    expect(fake.requests[2].body.contents.slice(0, -1)).toEqual(fake.requests[1].body.contents.slice(0, -1));
    expect(fake.requests[2].body.tools).toEqual(fake.requests[1].body.tools);
    expect(kindsOf(partsOf(res))).toEqual(['executableCode', 'codeExecutionResult', 'inlineData', 'text']);
  });

  it('keeps the fallback shape in history, so the next message is accepted as it stands', async () => {
    fake.script(drawing());
    const chat = createCodeExecutionChat({ ai: clientFor(fake), model: GEMINI_25, sandbox });
    await chat.sendMessage({ message: 'Draw.' });

    const history = chat.getHistory();
    expect(history.map(shape)).toEqual([['text'], ['functionCall'], ['functionResponse', 'inlineData'], ['text']]);
    fake.reset().script([{ reply: reply([text('Still here.')]) }]);
    expect((await chat.sendMessage({ message: 'And now?' })).text).toBe('Still here.');
    expect(fake.requests).toHaveLength(1);
    expect(fake.failures).toEqual([]);
  });

  it('answers in the fallback shape directly for the rest of the chat', async () => {
    fake.script(drawing('img-1'));
    const chat = createCodeExecutionChat({ ai: clientFor(fake), model: GEMINI_25, sandbox });
    await chat.sendMessage({ message: 'Draw.' });
    fake.reset().script(drawing('img-2'));
    await chat.sendMessage({ message: 'Draw again.' });

    expect(fake.requests).toHaveLength(2);
    expect(after(fake.requests[1])).toBe(true);
    expect(fake.failures).toEqual([]);
  });

  it('falls back on a streamed step too', async () => {
    fake.script([{ reply: streamReply([[runPythonCall(DISPLAY_PNG_CODE, 'img')]]) }, { reply: streamReply([[text('A 1x1 '), text('image.')]]) }]);
    const chat = createCodeExecutionChat({ ai: clientFor(fake), model: GEMINI_25, sandbox });
    const chunks = await collect(await chat.sendMessageStream({ message: 'Draw.' }));

    expect(streamedText(chunks)).toBe('A 1x1 image.');
    expect(fake.failures).toEqual([REFUSED]);
    expect(after(fake.requests[2])).toBe(true);
    expect(chat.getHistory().map(shape)[2]).toEqual(['functionResponse', 'inlineData']);
  });

  it('falls back on the first stream of a message, which the chat opens itself, rewriting earlier turns', async () => {
    const history: Content[] = [
      { role: 'user', parts: [{ text: 'Draw.' }] },
      { role: 'model', parts: [runPythonCall('draw()', 'old')] },
      {
        role: 'user',
        parts: [
          {
            functionResponse: {
              id: 'old',
              name: 'run_python',
              response: { outcome: 'OUTCOME_OK', images: 1 },
              parts: [{ inlineData: { mimeType: 'image/png', data: 'AA==' } }],
            },
          },
        ],
      },
      { role: 'model', parts: [{ text: 'Drawn.' }] },
    ];
    fake.script([{ reply: streamReply([[text('Hello again.')]]) }]);
    const chat = createCodeExecutionChat({ ai: clientFor(fake), model: GEMINI_25, sandbox, history });
    const chunks = await collect(await chat.sendMessageStream({ message: 'Hi.' }));

    expect(streamedText(chunks)).toBe('Hello again.');
    expect(fake.failures).toEqual([REFUSED]);
    expect(fake.requests[1].body.contents[2]).toEqual({
      role: 'user',
      parts: [
        { functionResponse: { id: 'old', name: 'run_python', response: { outcome: 'OUTCOME_OK', images: 1 } } },
        { inlineData: { mimeType: 'image/png', data: 'AA==' } },
      ],
    });
    expect(chat.getHistory()[2]).toEqual(fake.requests[1].body.contents[2]);
  });

  it('falls back in the one-shot form, whose automaticFunctionCallingHistory holds the fallback shape', async () => {
    fake.script(drawing());
    const res = await generateWithCodeExecution({ ai: clientFor(fake), model: GEMINI_25, sandbox, contents: 'Draw.' });

    expect(fake.failures).toEqual([REFUSED]);
    expect(res.automaticFunctionCallingHistory?.map(shape)[2]).toEqual(['functionResponse', 'inlineData']);
  });

  it.each([{ images: 'inside' as const }, { multimodalFunctionResponse: true }])(
    'with %o, the refusal is thrown as the ApiError and history is rolled back',
    async (option) => {
      fake.script(drawing());
      const chat = createCodeExecutionChat({ ai: clientFor(fake), model: GEMINI_25, sandbox, ...option });

      await expect(chat.sendMessage({ message: 'Draw.' })).rejects.toMatchObject({
        name: 'ApiError',
        status: 400,
        message: expect.stringContaining('function_response.parts'),
      });
      expect(fake.requests).toHaveLength(2);
      expect(chat.getHistory()).toEqual([]);
    },
  );
});

describe('400s that are not about images', () => {
  it('are not retried when the request carries no function-response parts', async () => {
    fake.script([
      { reply: reply([runPythonCall('print(1)', 'p1')]) },
      { reply: apiError(400, 'INVALID_ARGUMENT', 'Thinking level MINIMAL is not supported for this model.') },
    ]);
    const chat = createCodeExecutionChat({ ai: clientFor(fake), model: MODEL, sandbox });

    await expect(chat.sendMessage({ message: 'Print 1.' })).rejects.toMatchObject({ name: 'ApiError', status: 400 });
    expect(fake.requests).toHaveLength(2);
    expect(chat.getHistory()).toEqual([]);
  });
});
