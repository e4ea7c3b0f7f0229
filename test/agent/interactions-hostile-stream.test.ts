/**
 * A hostile Interactions server's responses are bounded before they cost memory, time or runs:
 * content counted at any depth, a stalled stream given up, one response's calls capped, one
 * event's bytes bounded while it is read. Each ends in a clear error or an answer the model can
 * act on, with the chat's history as it was.
 */
import { describe, expect, it, vi } from 'vitest';
import { DEFAULT_MAX_PENDING_CALLS, DEFAULT_STREAM_IDLE_TIMEOUT_MS, INTERACTION_LIMITS, createCodeExecutionChat } from '../../src/agent/index.js';
import { collect } from '../support/agent-fixtures.js';
import { MODEL, clientFor, eventsFor, functionResults, interaction, modelOutput, reply, resultJson, runPython } from '../fake-interactions/scenarios.js';
import { boundEventBytes } from '../../src/agent/interactions/event-bytes.js';
import { contentChars } from '../../src/agent/interactions/limits.js';
import { expectCleanRun, failure, localChat, printingSandbox, serverChat, useFakeInteractions } from './interactions-fixtures.js';

const ctx = useFakeInteractions();

/** `leaf` inside `depth` levels of objects. */
function nested(depth: number, leaf: unknown): unknown {
  let value = leaf;
  for (let level = 0; level < depth; level++) value = { deeper: value };
  return value;
}

/** An SSE body of `text`, sent in chunks of `size` bytes. */
function body(text: string, size = 1000): ReadableStream<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  let at = 0;
  return new ReadableStream({
    pull(controller) {
      if (at >= bytes.length) return controller.close();
      controller.enqueue(bytes.slice(at, (at += size)));
    },
  });
}

async function readAll(stream: ReadableStream<Uint8Array>): Promise<{ bytes: number; error?: unknown }> {
  let bytes = 0;
  try {
    for await (const chunk of stream) bytes += chunk.length;
    return { bytes };
  } catch (error) {
    return { bytes, error };
  }
}

describe('content at any depth counts against maxChars', () => {
  it.each([true, false])(
    'content over maxChars nested 40 levels deep is refused (limit), nothing kept (streamed: %s)',
    async (streamed) => {
      const { fake } = ctx;
      // Two steps of just over half the bound each, so that no one event passes maxEventBytes.
      const deep = () => ({ type: 'hologram', beams: nested(40, 'x'.repeat(INTERACTION_LIMITS.maxChars / 2 + 1)) }) as never;
      fake.script([{ reply: reply('completed', [modelOutput('Hi.'), deep(), deep()]) }]);
      const chat = localChat(fake);
      const sent = streamed ? chat.sendMessageStream({ message: 'Hi.' }).then(collect) : chat.sendMessage({ message: 'Hi.' });
      const error = await failure(sent);
      expect(error.reason).toBe('limit');
      expect(error.message).toMatch(/more than 67108864 characters/);
      expect(chat.getInteractionHistory().steps).toEqual([]);
    },
    60_000,
  );

  it('counts strings and keys at every depth, and every other value as one', () => {
    expect(contentChars(nested(40, 'x'.repeat(1000)))).toBe(40 * 'deeper'.length + 40 + 1000);
    expect(contentChars([0, true, null, {}, []])).toBe(6);
    expect(contentChars(nested(INTERACTION_LIMITS.maxDepth + 1, 'x'))).toBeUndefined();
  });

  it('a step nested deeper than maxDepth is refused (limit), not walked or cloned', async () => {
    const { fake } = ctx;
    fake.script([{ reply: reply('completed', [{ type: 'hologram', beams: nested(INTERACTION_LIMITS.maxDepth + 1, 'x') } as never]) }]);
    const chat = localChat(fake);
    const error = await failure(chat.sendMessageStream({ message: 'Hi.' }).then(collect));
    expect(error).toMatchObject({ reason: 'limit', message: expect.stringMatching(/nested deeper than 100 levels/) });
    expect(chat.getInteractionHistory().steps).toEqual([]);
  });
});

describe('one event is bounded in bytes while it is read', () => {
  it('passes events within the bound, whatever their line ends (LF, CRLF, CR)', async () => {
    const event = (n: number, end: string) => `event: step.delta${end}data: ${'x'.repeat(n)}${end}${end}`;
    const text = [event(900, '\n'), event(900, '\r\n'), event(900, '\r'), event(900, '\n')].join('');
    expect(await readAll(boundEventBytes(body(text, 7), 1000))).toEqual({ bytes: text.length });
  });

  it('fails as soon as one event passes the bound, without reading the rest of it', async () => {
    const read = await readAll(boundEventBytes(body(`data: ${'x'.repeat(1_000_000)}\n\n`), 10_000));
    expect(read.error).toMatchObject({ name: 'InteractionError', reason: 'limit', message: expect.stringMatching(/more than 10000 bytes/) });
    expect(read.bytes).toBeLessThanOrEqual(10_000);
  });

  it('a chat refuses an event over maxEventBytes (limit) even when it parses to almost nothing', async () => {
    const { fake } = ctx;
    // Whitespace: before the bound, the SDK buffered and parsed all of it, and the message completed.
    const padded = `{"event_type":"interaction.status_update","status":"in_progress"${' '.repeat(INTERACTION_LIMITS.maxEventBytes)}}`;
    const [created, ...rest] = eventsFor('', 'm', interaction('completed', [modelOutput('Hi.')]));
    fake.script([{ reply: { events: [created, padded, ...rest] } }]);
    const chat = localChat(fake);
    const error = await failure(chat.sendMessageStream({ message: 'Hi.' }).then(collect));
    expect(error).toMatchObject({ reason: 'limit', message: expect.stringMatching(/an event of more than 67108864 bytes/) });
    expect(chat.getInteractionHistory().steps).toEqual([]);
  }, 60_000);
});

describe('the calls of one response are capped', () => {
  it.each([true, false])('runs the first DEFAULT_MAX_PENDING_CALLS calls and answers the rest with an error, as Live does (streamed: %s)', async (streamed) => {
    const { fake } = ctx;
    const calls = Array.from({ length: 40 }, (_, n) => runPython(`print(${n})`, `c${n}`));
    fake.script([{ reply: reply('requires_action', calls) }, { reply: reply('completed', [modelOutput('Done.')]) }]);
    const sandbox = printingSandbox();
    const chat = localChat(fake, sandbox);
    await (streamed ? chat.sendMessageStream({ message: 'Print.' }).then(collect) : chat.sendMessage({ message: 'Print.' }));
    expect(sandbox.runs).toHaveLength(DEFAULT_MAX_PENDING_CALLS);
    expect(sandbox.runs.at(-1)).toBe(`print(${DEFAULT_MAX_PENDING_CALLS - 1})`);
    // Every call is answered, in order: the server refuses a response with calls left open.
    expect(functionResults(fake.requests[1]).map((result) => result.call_id)).toEqual(calls.map((call) => (call as { id: string }).id));
    expect(resultJson(fake.requests[1], DEFAULT_MAX_PENDING_CALLS).error).toMatch(
      /^Too many calls at once: at most 16 may wait or run, so this call was not run/,
    );
    expectCleanRun(fake);
  });
});

describe('a stream that goes quiet fails after limits.streamIdleTimeoutMs', () => {
  it('a stream stalled mid-event fails (limit) after limits.streamIdleTimeoutMs, its connection closed, nothing kept', async () => {
    const { fake } = ctx;
    const events = eventsFor('', MODEL, interaction('completed', [modelOutput('Never finished.')]));
    fake.script([{ reply: { events, stallAfter: 3 } }, { reply: reply('completed', [modelOutput('Fine.')]) }]);
    const chat = localChat(fake, printingSandbox(), { limits: { streamIdleTimeoutMs: 300 } });
    const started = Date.now();
    const error = await failure(chat.sendMessageStream({ message: 'Hi.' }).then(collect));
    expect(error).toMatchObject({
      reason: 'limit',
      message: 'The interaction stream sent nothing for 300 ms (limits.streamIdleTimeoutMs); stopped reading it.',
    });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(chat.getInteractionHistory().steps).toEqual([]);
    await vi.waitFor(() => expect(fake.openResponses).toBe(0));
    // Not resumed; the chat goes on.
    await chat.sendMessage({ message: 'Again.' });
    expect(fake.requests.map((request) => request.method)).toEqual(['POST', 'POST']);
  }, 10_000);

  it('defaults to 5 minutes and takes whole milliseconds, on api: "interactions" only', () => {
    expect(DEFAULT_STREAM_IDLE_TIMEOUT_MS).toBe(300_000);
    expect(() => serverChat(ctx.fake, { limits: { streamIdleTimeoutMs: 0 } })).toThrow(RangeError);
    expect(() => serverChat(ctx.fake, { limits: { streamIdleTimeoutMs: 1.5 } })).toThrow(/limits.streamIdleTimeoutMs must be a whole number of milliseconds/);
    // The deprecated top-level name is read the same way.
    expect(() => serverChat(ctx.fake, { streamIdleTimeoutMs: 1.5 })).toThrow(/limits.streamIdleTimeoutMs must be a whole number of milliseconds/);
    // Does not compile (an option of the other API); JavaScript callers get the TypeError.
    const ai = clientFor(ctx.fake);
    // @ts-expect-error streamIdleTimeoutMs needs api: 'interactions'
    expect(() => createCodeExecutionChat({ ai, model: MODEL, execution: 'server', limits: { streamIdleTimeoutMs: 1000 } })).toThrow(
      /limits.streamIdleTimeoutMs is not a limit of the agent loop on api: "generateContent" \(its limits: maxSteps\)/,
    );
    // @ts-expect-error streamIdleTimeoutMs needs api: 'interactions'
    expect(() => createCodeExecutionChat({ ai, model: MODEL, execution: 'server', streamIdleTimeoutMs: 1000 })).toThrow(
      /streamIdleTimeoutMs applies to api: "interactions" only/,
    );
  });
});
