/**
 * Images produced by the code go back to the model: inside the function response for Gemini 3,
 * as parts after the function responses for older models. The transcript shows them either way.
 */
import { describe, expect, it } from 'vitest';
import type { PythonSandbox } from '../../dist/index.node.js';
import { createCodeExecutionChat } from '../../src/agent/index.js';
import { GEMINI_3, MODEL, clientFor, functionResponses, lastTurn, reply, runPythonCall, text } from '../fake-gemini/scenarios.js';
import type { FakeGemini } from '../fake-gemini/server.js';
import { DISPLAY_PNG_CODE, kindsOf, partsOf, useAgentFixture } from '../support/agent-fixtures.js';

let fake: FakeGemini;
let sandbox: PythonSandbox;
useAgentFixture((started) => ({ fake, sandbox } = started));

const isPng = (base64: string | undefined) => atob(base64 ?? '').startsWith('\x89PNG');

function imageScript(check: Parameters<typeof fake.script>[0][number]['expect']) {
  return [{ reply: reply([runPythonCall(DISPLAY_PNG_CODE, 'img')]) }, { expect: check, reply: reply([text('A 1x1 image.')]) }];
}

describe('images to the model', () => {
  it('puts images inside functionResponse.parts for Gemini 3 models', async () => {
    fake.script(
      imageScript((request) => {
        const turn = lastTurn(request);
        expect(turn.parts).toHaveLength(1);
        const [response] = functionResponses(request);
        expect(response.response).toEqual({ outcome: 'OUTCOME_OK', output: 'drawn\n', images: 1 });
        expect(response.parts).toHaveLength(1);
        expect(response.parts?.[0].inlineData?.mimeType).toBe('image/png');
        expect(isPng(response.parts?.[0].inlineData?.data)).toBe(true);
      }),
    );
    const res = await createCodeExecutionChat({ ai: clientFor(fake), model: GEMINI_3, sandbox }).sendMessage({ message: 'Draw.' });

    expect(kindsOf(partsOf(res))).toEqual(['executableCode', 'codeExecutionResult', 'inlineData', 'text']);
    expect(isPng(partsOf(res)[2].inlineData?.data)).toBe(true);
    expect(fake.failures).toEqual([]);
  });

  it('sends images as inlineData parts after the function responses for older models', async () => {
    fake.script(
      imageScript((request) => {
        const turn = lastTurn(request);
        expect(turn.parts?.map((part) => Object.keys(part)[0])).toEqual(['functionResponse', 'inlineData']);
        expect(functionResponses(request)[0].parts).toBeUndefined();
        expect(turn.parts?.[1].inlineData?.mimeType).toBe('image/png');
        expect(isPng(turn.parts?.[1].inlineData?.data)).toBe(true);
      }),
    );
    const res = await createCodeExecutionChat({ ai: clientFor(fake), model: MODEL, sandbox }).sendMessage({ message: 'Draw.' });

    expect(kindsOf(partsOf(res))).toEqual(['executableCode', 'codeExecutionResult', 'inlineData', 'text']);
    expect(fake.failures).toEqual([]);
  });

  it('uses the older style on Gemini 3 when multimodalFunctionResponse is false', async () => {
    fake.script(
      imageScript((request) => {
        expect(lastTurn(request).parts?.map((part) => Object.keys(part)[0])).toEqual(['functionResponse', 'inlineData']);
      }),
    );
    await createCodeExecutionChat({ ai: clientFor(fake), model: GEMINI_3, sandbox, multimodalFunctionResponse: false }).sendMessage({ message: 'Draw.' });
    expect(fake.failures).toEqual([]);
  });
});
