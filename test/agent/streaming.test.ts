/**
 * sendMessageStream against the fake server's SSE endpoint and the real sandbox.
 */
import { FinishReason, type GenerateContentResponse } from '@google/genai';
import { describe, expect, it } from 'vitest';
import type { PythonSandbox } from '../../dist/index.node.js';
import { createCodeExecutionChat } from '../../src/agent/index.js';
import { MODEL, clientFor, functionResponses, reply, runPythonCall, streamReply, text } from '../fake-gemini/scenarios.js';
import type { FakeGemini } from '../fake-gemini/server.js';
import { collect, kindsOf, useAgentFixture } from '../support/agent-fixtures.js';

let fake: FakeGemini;
let sandbox: PythonSandbox;
useAgentFixture((started) => ({ fake, sandbox } = started));

const chunkParts = (chunks: GenerateContentResponse[]) => chunks.flatMap((chunk) => chunk.candidates?.[0]?.content?.parts ?? []);

describe('streaming', () => {
  it('streams text as it comes, then each run, and keeps a signature on an empty text part in history', async () => {
    const signature = fake.newSignature();
    // The server holds the second chunk until the client has the first one: delivery must be incremental.
    let firstChunkReceived!: () => void;
    const gate = new Promise<void>((resolve) => {
      firstChunkReceived = resolve;
    });
    let heldUntilReceived = false;
    const beforeChunk = async (index: number) => {
      if (index !== 1) return;
      heldUntilReceived = await Promise.race([gate.then(() => true), new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 5_000))]);
    };
    fake.script([
      { reply: streamReply([[text('Let me ')], [text('compute.')], [runPythonCall('print(6 * 7)', 's1')]], { beforeChunk }) },
      {
        expect: (request) => {
          expect(request.stream).toBe(true);
          expect(functionResponses(request)[0].response).toEqual({ outcome: 'OUTCOME_OK', output: '42\n' });
        },
        reply: streamReply([[text('The answer ')], [text('is 42.')], [text('', { thoughtSignature: signature })]]),
      },
    ]);
    const chat = createCodeExecutionChat({ ai: clientFor(fake), model: MODEL, sandbox });
    const stream = await chat.sendMessageStream({ message: 'What is 6 * 7? Run code.' });
    const chunks: GenerateContentResponse[] = [];
    for await (const chunk of stream) {
      chunks.push(chunk);
      firstChunkReceived();
    }

    const parts = chunkParts(chunks);
    expect(kindsOf(parts)).toEqual(['text', 'text', 'executableCode', 'codeExecutionResult', 'text', 'text', 'text']);
    expect(parts.map((part) => part.text ?? '').join('')).toBe('Let me compute.The answer is 42.');
    expect(parts[3].codeExecutionResult).toEqual({ outcome: 'OUTCOME_OK', output: '42\n', id: 's1' });
    // The first text delta reached the reader while the model was still "writing".
    expect(heldUntilReceived).toBe(true);
    // Only the last chunk ends the message; the step that called a function does not.
    expect(chunks.map((chunk) => chunk.candidates?.[0]?.finishReason).filter(Boolean)).toEqual([FinishReason.STOP]);
    // Usage is a running total across steps: step 1 ended at 13, step 2's chunks add to that.
    expect(chunks.at(-1)?.usageMetadata?.totalTokenCount).toBe(13 + 13);

    const history = chat.getHistory();
    expect(history.map((content) => content.role)).toEqual(['user', 'model', 'user', 'model']);
    expect(history[1].parts?.map((part) => Object.keys(part).sort().join('+'))).toEqual(['text', 'functionCall+thoughtSignature']);
    expect(history[1].parts?.[0].text).toBe('Let me compute.');
    expect(history[3].parts).toEqual([{ text: 'The answer is 42.' }, { text: '', thoughtSignature: signature }]);

    // The next request carries the signature back, unchanged (the fake service checks it).
    fake.script([{ reply: reply([text('You are welcome.')]) }]);
    await collect(await chat.sendMessageStream({ message: 'Thanks!' }));
    expect(fake.requests.at(-1)?.body.contents[3].parts).toEqual([{ text: 'The answer is 42.' }, { text: '', thoughtSignature: signature }]);
    expect(fake.failures).toEqual([]);
  });

  it('surfaces a stream cut mid-way as an error and leaves history as it was', async () => {
    fake.script([
      { reply: streamReply([[text('Hi.')]]) },
      { reply: streamReply([[runPythonCall('print(1)', 'c1')]]) },
      { reply: streamReply([[text('The answer')], [text(' is')], [text(' 1.')]], { cutAfter: 1 }) },
    ]);
    const chat = createCodeExecutionChat({ ai: clientFor(fake), model: MODEL, sandbox });
    await collect(await chat.sendMessageStream({ message: 'Hello' }));
    const before = chat.getHistory();

    const stream = await chat.sendMessageStream({ message: 'Print 1.' });
    const received: GenerateContentResponse[] = [];
    const error = await (async () => {
      try {
        for await (const chunk of stream) received.push(chunk);
      } catch (caught) {
        return caught as Error;
      }
      return undefined;
    })();

    expect(error).toBeInstanceOf(Error);
    expect(error?.message).toMatch(/terminated/);
    // What streamed before the cut was delivered, including the run.
    expect(kindsOf(chunkParts(received))).toEqual(['executableCode', 'codeExecutionResult', 'text']);
    expect(chat.getHistory()).toEqual(before);

    // The chat is still usable, and the API accepts its history.
    fake.script([{ reply: streamReply([[text('Still here.')]]) }]);
    const chunks = await collect(await chat.sendMessageStream({ message: 'Are you there?' }));
    expect(chunkParts(chunks).map((part) => part.text)).toEqual(['Still here.']);
    expect(chat.getHistory().map((content) => content.role)).toEqual(['user', 'model', 'user', 'model']);
    expect(fake.failures).toEqual([]);
  });

  it('drops the message from history when the reader stops early, and takes the next message', async () => {
    fake.script([{ reply: streamReply([[text('One, ')], [text('two, ')], [text('three.')]], { delayMs: 20 }) }]);
    const chat = createCodeExecutionChat({ ai: clientFor(fake), model: MODEL, sandbox });
    for await (const _chunk of await chat.sendMessageStream({ message: 'Count.' })) break;
    expect(chat.getHistory()).toEqual([]);

    fake.script([{ reply: reply([text('Hello.')]) }]);
    const res = await chat.sendMessage({ message: 'Hi' });
    expect(res.text).toBe('Hello.');
    expect(chat.getHistory().map((content) => content.role)).toEqual(['user', 'model']);
  });
});
