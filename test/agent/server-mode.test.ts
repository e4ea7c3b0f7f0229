/**
 * Server mode (Gemini's own codeExecution tool), and the seed prompt in both modes.
 */
import { Language, Outcome } from '@google/genai';
import { describe, expect, it } from 'vitest';
import type { PythonSandbox } from '../../dist/index.node.js';
import { createCodeExecutionChat } from '../../src/agent/index.js';
import { MODEL, SEED_PROMPT, clientFor, declaredFunctions, reply, seedLocalTurns, seedServerTurns, streamReply, text } from '../fake-gemini/scenarios.js';
import type { FakeGemini } from '../fake-gemini/server.js';
import type { Part } from '../fake-gemini/wire.js';
import { collect, kindsOf, partsOf, useAgentFixture } from '../support/agent-fixtures.js';
import { PNG_1X1_BASE64 } from '../support/png.js';

let fake: FakeGemini;
let sandbox: PythonSandbox;
useAgentFixture((started) => ({ fake, sandbox } = started));

const CHART = PNG_1X1_BASE64;

describe('server-side code execution', () => {
  it('enables codeExecution and passes its parts through untouched', async () => {
    const serverParts: Part[] = [
      text('Plotting.'),
      { executableCode: { language: Language.PYTHON, code: 'plt.plot([1, 2])', id: 'e1' } },
      { codeExecutionResult: { outcome: Outcome.OUTCOME_OK, output: '', id: 'e1' } },
      { inlineData: { mimeType: 'image/png', data: CHART } },
      text('Here is the chart.', { thoughtSignature: fake.newSignature() }),
    ];
    fake.script([
      {
        expect: (request) => {
          expect(request.body.tools).toEqual([{ codeExecution: {} }]);
          expect(declaredFunctions(request)).toEqual([]);
        },
        reply: reply(serverParts),
      },
    ]);
    const chat = createCodeExecutionChat({ ai: clientFor(fake), model: MODEL, execution: 'server', config: { temperature: 0 } });
    const res = await chat.sendMessage({ message: 'Plot [1, 2].' });

    expect(partsOf(res)).toEqual(serverParts);
    expect(chat.getHistory()).toEqual([
      { role: 'user', parts: [{ text: 'Plot [1, 2].' }] },
      { role: 'model', parts: serverParts },
    ]);
    expect(fake.requests[0].body.generationConfig).toMatchObject({ temperature: 0 });
    expect(fake.failures).toEqual([]);
  });

  it('streams server-side parts through untouched', async () => {
    const code = { executableCode: { language: Language.PYTHON, code: 'print(2 + 2)' } };
    const result = { codeExecutionResult: { outcome: Outcome.OUTCOME_OK, output: '4\n' } };
    fake.script([{ reply: streamReply([[text('Computing.')], [code], [result], [text('It is 4.')]]) }]);
    const chat = createCodeExecutionChat({ ai: clientFor(fake), model: MODEL, execution: 'server' });
    const chunks = await collect(await chat.sendMessageStream({ message: '2 + 2?' }));

    expect(chunks.flatMap((chunk) => partsOf(chunk))).toEqual([text('Computing.'), code, result, text('It is 4.')]);
    expect(chat.getHistory()[1].parts).toEqual([text('Computing.'), code, result, text('It is 4.')]);
  });

  it('round-trips the seed prompt in both modes with the same transcript shape', async () => {
    fake.script(seedLocalTurns());
    const local = await createCodeExecutionChat({ ai: clientFor(fake), model: MODEL, sandbox }).sendMessage({ message: SEED_PROMPT });
    fake.script(seedServerTurns());
    const server = await createCodeExecutionChat({ ai: clientFor(fake), model: MODEL, execution: 'server' }).sendMessage({ message: SEED_PROMPT });

    expect(kindsOf(partsOf(local))).toEqual(['text', 'executableCode', 'codeExecutionResult', 'text']);
    expect(kindsOf(partsOf(local))).toEqual(kindsOf(partsOf(server)));
    for (const res of [local, server]) {
      const parts = partsOf(res);
      expect(parts[1].executableCode?.language).toBe('PYTHON');
      expect(parts[2].codeExecutionResult).toMatchObject({ outcome: 'OUTCOME_OK', output: '5117\n' });
      expect(parts[3].text).toContain('5117');
    }
    expect(fake.failures).toEqual([]);
  });
});
