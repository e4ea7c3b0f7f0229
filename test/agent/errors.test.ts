/**
 * Failures: API errors and retries (the SDK's retryOptions through our loop), and aborts of the
 * model request and of running code. History is rolled back to before the failed message.
 */
import { describe, expect, it } from 'vitest';
import type { PythonSandbox } from '../../dist/index.node.js';
import { createCodeExecutionChat, isAbortError, isApiError } from '../../src/agent/index.js';
import { MODEL, apiError, clientFor, outputOf, reply, runPythonCall, streamReply, text } from '../fake-gemini/scenarios.js';
import type { FakeGemini } from '../fake-gemini/server.js';
import { eventLog, kindsOf, partsOf, useAgentFixture } from '../support/agent-fixtures.js';

let fake: FakeGemini;
let sandbox: PythonSandbox;
useAgentFixture((started) => ({ fake, sandbox } = started));

const TOO_MANY = apiError(429, 'RESOURCE_EXHAUSTED', 'Resource has been exhausted (e.g. check quota).');

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

describe('API errors', () => {
  it('retries a 429 mid-loop through the SDK retryOptions, then answers', async () => {
    fake.script([
      { reply: reply([runPythonCall('print(2 ** 10)', 'p1')]) },
      { reply: TOO_MANY },
      { reply: (request) => reply([text(`2 ** 10 = ${outputOf(request).trim()}`)]) },
    ]);
    const ai = clientFor(fake, { retryOptions: { attempts: 3, initialDelay: 0.01, maxDelay: 0.05, jitter: 0 } });
    const chat = createCodeExecutionChat({ ai, model: MODEL, sandbox });
    const res = await chat.sendMessage({ message: 'Compute 2 ** 10.' });

    expect(partsOf(res).at(-1)?.text).toBe('2 ** 10 = 1024');
    expect(fake.requests).toHaveLength(3);
    // The retry is the same request again.
    expect(fake.requests[2].body).toEqual(fake.requests[1].body);
    expect(chat.getHistory().map((content) => content.role)).toEqual(['user', 'model', 'user', 'model']);
    expect(fake.failures).toEqual([]);
  });

  it('surfaces a 429 without retryOptions as ApiError with status 429 and rolls history back', async () => {
    fake.script([{ reply: reply([text('First answer.')]) }, { reply: reply([runPythonCall('print(1)', 'p1')]) }, { reply: TOO_MANY }]);
    const chat = createCodeExecutionChat({ ai: clientFor(fake), model: MODEL, sandbox });
    await chat.sendMessage({ message: 'Hello' });
    const before = chat.getHistory();

    const error = await rejection(chat.sendMessage({ message: 'Print 1.' }));
    expect(isApiError(error)).toBe(true);
    expect(error).toMatchObject({ name: 'ApiError', status: 429 });
    expect((error as Error).message).toContain('RESOURCE_EXHAUSTED');
    // The function call turn that already happened is dropped with the message: no call without its response.
    expect(chat.getHistory()).toEqual(before);

    fake.script([{ reply: reply([text('Back.')]) }]);
    expect((await chat.sendMessage({ message: 'Again?' })).text).toBe('Back.');
    expect(fake.failures).toEqual([]);
  });

  it('rejects sendMessageStream itself when the first request fails', async () => {
    fake.script([{ reply: apiError(400, 'INVALID_ARGUMENT', 'API key not valid. Please pass a valid API key.') }]);
    const chat = createCodeExecutionChat({ ai: clientFor(fake), model: MODEL, sandbox });

    const error = await rejection(chat.sendMessageStream({ message: 'Hi' }));
    expect(error).toMatchObject({ name: 'ApiError', status: 400 });
    expect(chat.getHistory()).toEqual([]);
  });
});

describe('abort', () => {
  it('stops a long-running cell (while True: pass) and the message, keeping the sandbox usable', async () => {
    fake.script([{ reply: reply([runPythonCall('spin = 0\nwhile True: pass', 'loop')]) }]);
    const controller = new AbortController();
    const log = eventLog();
    const chat = createCodeExecutionChat({
      ai: clientFor(fake),
      model: MODEL,
      sandbox,
      onEvent: (event) => {
        log.onEvent(event);
        if (event.type === 'run-start') setTimeout(() => controller.abort(), 200);
      },
    });

    const started = performance.now();
    const error = await rejection(chat.sendMessage({ message: 'Spin.', config: { abortSignal: controller.signal } }));
    expect(isAbortError(error)).toBe(true);
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(log.types()).toContain('run-start');
    expect(log.types()).not.toContain('run-end');
    expect(chat.getHistory()).toEqual([]);
    // Only the first request went out: the stopped run was not sent to the model.
    expect(fake.requests).toHaveLength(1);

    // The interpreter was interrupted (KeyboardInterrupt), not lost.
    const after = await sandbox.run('print(spin)');
    expect(after).toMatchObject({ outcome: 'OUTCOME_OK', output: '0\n', stateLost: false });
  });

  it('stops a streamed message while its code runs', async () => {
    fake.script([{ reply: streamReply([[text('Spinning.')], [runPythonCall('while True: pass', 'loop')]]) }]);
    const controller = new AbortController();
    const chat = createCodeExecutionChat({
      ai: clientFor(fake),
      model: MODEL,
      sandbox,
      onEvent: (event) => {
        if (event.type === 'run-start') setTimeout(() => controller.abort(), 100);
      },
    });
    const kinds: string[] = [];
    const stream = await chat.sendMessageStream({ message: 'Spin.', config: { abortSignal: controller.signal } });
    const error = await rejection(
      (async () => {
        for await (const chunk of stream) kinds.push(...kindsOf(partsOf(chunk)));
      })(),
    );
    expect(isAbortError(error)).toBe(true);
    expect(kinds).toEqual(['text', 'executableCode']);
    expect(chat.getHistory()).toEqual([]);
    expect((await sandbox.run('print("alive")')).output).toBe('alive\n');
  });

  it('stops a model request that is taking long', async () => {
    fake.script([{ reply: { hang: true } }]);
    const chat = createCodeExecutionChat({ ai: clientFor(fake), model: MODEL, sandbox });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 200);

    const error = await rejection(chat.sendMessage({ message: 'Hello?', config: { abortSignal: controller.signal } }));
    expect(isAbortError(error)).toBe(true);
    expect(fake.requests).toHaveLength(1);
    expect(chat.getHistory()).toEqual([]);
  });
});
