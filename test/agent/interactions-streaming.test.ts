/**
 * sendMessageStream on the Interactions API: SSE events assembled into steps, text streamed as it
 * comes, runs shown as they finish; a cut stream resumed by event id where the interaction is
 * stored, rolled back where not.
 */
import { FinishReason, type GenerateContentResponse } from '@google/genai';
import { describe, expect, it } from 'vitest';
import { codeCall, codeResult, inputOf, modelOutput, reply, resultJson, runPython, thought } from '../fake-interactions/scenarios.js';
import { collect, kindsOf } from '../support/agent-fixtures.js';
import { expectCleanRun, localChat, printingSandbox, serverChat, useFakeInteractions } from './interactions-fixtures.js';

const ctx = useFakeInteractions();
const partsOfChunks = (chunks: GenerateContentResponse[]) => chunks.flatMap((chunk) => chunk.candidates?.[0]?.content?.parts ?? []);

describe('streaming on the Interactions API', () => {
  it('streams text deltas, then the run, then the answer (local mode), with one finishReason at the end', async () => {
    const { fake } = ctx;
    fake.script([
      {
        expect: (request) => expect(request.stream).toBe(true),
        reply: reply('requires_action', [thought(fake.newSignature()), modelOutput('Let me compute.'), runPython('print(6 * 7)', 's1')]),
      },
      { reply: (request) => reply('completed', [modelOutput(`The answer is ${String(resultJson(request).output).trim()}.`)]) },
    ]);
    const chat = localChat(fake);
    const chunks = await collect(await chat.sendMessageStream({ message: 'What is 6 * 7?' }));
    const parts = partsOfChunks(chunks);
    expect(kindsOf(parts)).toEqual(['text', 'text', 'executableCode', 'codeExecutionResult', 'text', 'text']);
    expect(parts.map((part) => part.text ?? '').join('')).toBe('Let me compute.The answer is 42.');
    expect(chunks.map((chunk) => chunk.candidates?.[0]?.finishReason).filter(Boolean)).toEqual([FinishReason.STOP]);
    // The call's arguments came as one arguments_delta and were parsed at its stop; the call step went back with signature "".
    expect(inputOf(fake.requests[1])[3]).toEqual({ id: 's1', signature: '', type: 'function_call', name: 'run_python', arguments: { code: 'print(6 * 7)' } });
    expectCleanRun(fake);
  });

  it('streams server-side runs as the same parts as the JSON response', async () => {
    const { fake } = ctx;
    const steps = [modelOutput('Running.'), codeCall('print(2)', 'k1'), codeResult('2\n', 'k1'), modelOutput('Two.')];
    fake.script([{ reply: reply('completed', steps) }, { reply: reply('completed', steps) }]);
    const streamed = partsOfChunks(await collect(await serverChat(fake).sendMessageStream({ message: 'Two?' })));
    const whole = (await serverChat(fake).sendMessage({ message: 'Two?' })).candidates?.[0]?.content?.parts ?? [];
    expect(kindsOf(streamed).filter((kind, i, all) => kind !== 'text' || all[i - 1] !== 'text')).toEqual(kindsOf(whole));
    expect(streamed.find((part) => part.codeExecutionResult)).toEqual(whole.find((part) => part.codeExecutionResult));
  });

  it('resumes a stream cut mid-way with interactions.get and last_event_id when the interaction is stored', async () => {
    const { fake } = ctx;
    fake.script([{ reply: reply('completed', [modelOutput('A long answer, cut in the middle.')], { cutAfter: 4, eventIds: true }) }]);
    const chat = localChat(fake, printingSandbox(), { store: true });
    const chunks = await collect(await chat.sendMessageStream({ message: 'Talk.' }));
    expect(
      partsOfChunks(chunks)
        .map((part) => part.text)
        .join(''),
    ).toBe('A long answer, cut in the middle.');
    const resume = fake.requests[1];
    expect(resume).toMatchObject({ method: 'GET', stream: true });
    expect(resume.url).toContain('last_event_id=evt-4');
    expect(chat.getInteractionHistory()).toMatchObject({ previousInteractionId: resume.id, storedSteps: 2 });
  });

  it('rolls a cut stream back where it cannot be resumed (store: false): history unchanged, the error thrown', async () => {
    const { fake } = ctx;
    fake.script([
      { reply: reply('completed', [modelOutput('Cut here, never finished.')], { cutAfter: 4 }) },
      { reply: reply('completed', [modelOutput('Fine.')]) },
    ]);
    const chat = localChat(fake);
    const stream = await chat.sendMessageStream({ message: 'Talk.' });
    await expect(collect(stream)).rejects.toThrow();
    expect(chat.getInteractionHistory().steps).toEqual([]);
    expect(fake.requests).toHaveLength(1);
    await chat.sendMessage({ message: 'Again.' });
    expect(inputOf(fake.requests[1]).map((step) => step.type)).toEqual(['user_input']);
  });

  it('continues a stored conversation by previous_interaction_id, sending only the new steps', async () => {
    const { fake } = ctx;
    fake.script([
      { reply: reply('requires_action', [runPython('print(1)', 'r1')]) },
      {
        expect: (request) => {
          expect(request.body.previous_interaction_id).toBeTruthy();
          expect(inputOf(request).map((step) => step.type)).toEqual(['function_result']);
        },
        reply: reply('completed', [modelOutput('One.')]),
      },
    ]);
    const chunks = await collect(await localChat(fake, printingSandbox(), { store: true }).sendMessageStream({ message: 'Print 1.' }));
    expect(kindsOf(partsOfChunks(chunks))).toEqual(['executableCode', 'codeExecutionResult', 'text', 'text']);
    expectCleanRun(fake);
  });
});
