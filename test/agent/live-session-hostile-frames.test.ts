/**
 * Frames no real Live server sends: not JSON, binary garbage, nested 20,000 deep, oversized. Each
 * is dropped before the SDK parses it (or skipped by the session's own handler) and reported as an
 * `error` event; the process lives on (vitest fails a run on any unhandled rejection), and the
 * good call sent after it is run and answered. A call inside a message too deep to read is
 * answered with an error rather than run or left waiting.
 */
import { GoogleGenAI } from '@google/genai';
import { describe, expect, it } from 'vitest';
import { createLiveCodeExecution, type LiveCodeExecutionEvent } from '../../src/agent/index.js';
import { MAX_LIVE_MESSAGE_BYTES, MAX_LIVE_MESSAGE_DEPTH } from '../../src/agent/live/frame-guard.js';
import { MAX_CALL_ARGS_DEPTH } from '../../src/agent/live/live-calls.js';
import { type Connected, connect, LIVE_MODEL, runPythonCall, toolCall } from '../fake-live/scenarios.js';
import { API_VERSION, type FakeLive, type FakeLiveConnection } from '../fake-live/server.js';
import { useFakeLive } from '../support/agent-fixtures.js';
import { ScriptedSandbox } from '../support/scripted-sandbox.js';

let fake: FakeLive;

const live = useFakeLive((made) => {
  fake = made;
});

const DEEP = 20_000;

/** JSON text nested `depth` objects deep. */
function nested(depth: number): string {
  return `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
}

function echoSandbox(): ScriptedSandbox {
  return new ScriptedSandbox(async (code) => ({ output: `ran ${code}\n` }));
}

function responses(server: FakeLiveConnection): { id: string; name: string; response: Record<string, unknown> }[] {
  return server.framesOf('toolResponse').flatMap((frame) => frame.message.toolResponse.functionResponses);
}

function errors(events: readonly LiveCodeExecutionEvent[]): string[] {
  return events.flatMap((event) => (event.type === 'error' ? [event.message] : []));
}

/** Sends `frame`, then a good call; resolves once that call is answered. */
async function sendThenGoodCall(session: Connected, frame: () => void): Promise<void> {
  frame();
  session.server.send(toolCall(runPythonCall('good', 'print(1)')));
  await expect.poll(() => responses(session.server).map((response) => response.id)).toContain('good');
}

describe('frames no Live server should send', () => {
  it('drops a frame that is not JSON, reports it, and answers the next call', async () => {
    const sandbox = echoSandbox();
    const session = await live.open({ sandbox });
    await sendThenGoodCall(session, () => session.server.send('this is not JSON {'));
    expect(errors(session.events)).toEqual(['A Live message was not JSON and was dropped']);
    expect(sandbox.runs).toEqual(['print(1)']);
  });

  it('drops a binary frame that is not UTF-8 text, reports it, and answers the next call', async () => {
    const sandbox = echoSandbox();
    const session = await live.open({ sandbox });
    await sendThenGoodCall(session, () => session.server.sendBinary(new Uint8Array([0xff, 0xfe, 0x00, 0x80, 0xc3])));
    expect(errors(session.events)).toEqual(['A Live message was binary and not UTF-8 text, and was dropped']);
    expect(sandbox.runs).toEqual(['print(1)']);
  });

  it('reads a binary frame that holds a JSON message as that message', async () => {
    const sandbox = echoSandbox();
    const session = await live.open({ sandbox });
    session.server.sendBinary(new TextEncoder().encode(JSON.stringify(toolCall(runPythonCall('binary', 'print(2)')))));
    await expect.poll(() => responses(session.server).map((response) => response.id)).toEqual(['binary']);
    expect(errors(session.events)).toEqual([]);
  });

  it('drops a JSON frame that is not an object, reports it, and answers the next call', async () => {
    const session = await live.open({ sandbox: echoSandbox() });
    await sendThenGoodCall(session, () => session.server.send('[1, 2, 3]'));
    expect(errors(session.events)).toEqual(['A Live message was JSON but not an object and was dropped']);
  });

  it(`drops a model part nested ${DEEP.toLocaleString('en')} deep, reports it, and answers the next call`, async () => {
    const session = await live.open({ sandbox: echoSandbox() });
    await sendThenGoodCall(session, () => session.server.send(`{"serverContent":{"modelTurn":{"parts":[{"text":"hi","x":${nested(DEEP)}}]}}}`));
    expect(errors(session.events)).toEqual([`A Live message nested deeper than ${MAX_LIVE_MESSAGE_DEPTH} levels was dropped`]);
  });

  it(`drops a goAway nested ${DEEP.toLocaleString('en')} deep, reports it, and answers the next call`, async () => {
    const session = await live.open({ sandbox: echoSandbox() });
    await sendThenGoodCall(session, () => session.server.send(`{"goAway":{"timeLeft":${nested(DEEP)}}}`));
    expect(errors(session.events)).toEqual([`A Live message nested deeper than ${MAX_LIVE_MESSAGE_DEPTH} levels was dropped`]);
    expect(session.events.some((event) => event.type === 'go-away')).toBe(false);
  });

  it(`answers a call whose arguments are nested ${DEEP.toLocaleString('en')} deep with an error, without running it`, async () => {
    const sandbox = echoSandbox();
    const session = await live.open({ sandbox });
    await sendThenGoodCall(session, () =>
      session.server.send(`{"toolCall":{"functionCalls":[{"id":"deep","name":"run_python","args":{"code":"print(0)","x":${nested(DEEP)}}}]}}`),
    );
    const deep = responses(session.server).find((response) => response.id === 'deep');
    expect(deep).toEqual({ id: 'deep', name: 'run_python', response: { error: expect.stringMatching(/nested deeper than .* call it again/i) } });
    expect(sandbox.runs).toEqual(['print(1)']);
    expect(errors(session.events)).toEqual([
      `A Live message nested deeper than ${MAX_LIVE_MESSAGE_DEPTH} levels was dropped; the calls in it were answered with an error: deep`,
    ]);
    expect(fake.failures).toEqual([]);
  });

  it(`drops a message over ${MAX_LIVE_MESSAGE_BYTES / 2 ** 20} MiB, reports it, and answers the next call`, async () => {
    const session = await live.open({ sandbox: echoSandbox() });
    const frame = `{"serverContent":{"modelTurn":{"parts":[{"text":"${'x'.repeat(MAX_LIVE_MESSAGE_BYTES)}"}]}}}`;
    await sendThenGoodCall(session, () => session.server.send(frame));
    expect(errors(session.events)).toEqual([`A Live message of ${frame.length} bytes (more than ${MAX_LIVE_MESSAGE_BYTES}) was dropped`]);
  });
});

describe('a session the app connects itself (no frame guard: its own handler is guarded)', () => {
  /** A session wired in by hand, through an SDK client whose frames are not guarded. */
  async function openByHand(sandbox: ScriptedSandbox, events: LiveCodeExecutionEvent[]) {
    const session = createLiveCodeExecution({ sandbox, onEvent: (event) => events.push(event) });
    const ai = new GoogleGenAI({ apiKey: 'test-key', apiVersion: API_VERSION, httpOptions: { baseUrl: fake.baseUrl } });
    const connection = fake.connection();
    session.attach(await ai.live.connect({ model: LIVE_MODEL, config: session.connectConfig(), callbacks: session.callbacks() }));
    return { session, server: await connection };
  }

  it('reports a field of a message it cannot read, and acts on the message’s other fields', async () => {
    const events: LiveCodeExecutionEvent[] = [];
    const sandbox = echoSandbox();
    const { session, server } = await openByHand(sandbox, events);
    try {
      const call = JSON.stringify(runPythonCall('good', 'print(1)'));
      server.send(`{"serverContent":{"turnComplete":true},"usageMetadata":${nested(DEEP)},"toolCall":{"functionCalls":[${call}]}}`);
      await expect.poll(() => responses(server).map((response) => response.id)).toEqual(['good']);
      expect(errors(events)).toEqual([expect.stringMatching(/^The Live message's serverContent could not be read and was skipped: /)]);
      expect(sandbox.runs).toEqual(['print(1)']);
    } finally {
      session.close();
    }
  });

  it(`answers a call whose arguments are nested ${DEEP.toLocaleString('en')} deep with an error, without running it`, async () => {
    const events: LiveCodeExecutionEvent[] = [];
    const sandbox = echoSandbox();
    const { session, server } = await openByHand(sandbox, events);
    try {
      server.send(`{"toolCall":{"functionCalls":[{"id":"deep","name":"run_python","args":{"x":${nested(DEEP)}}}]}}`);
      await expect.poll(() => responses(server).map((response) => response.id)).toEqual(['deep']);
      expect(responses(server)[0]!.response.error).toBe(
        `The arguments of run_python are nested deeper than ${MAX_CALL_ARGS_DEPTH} levels, so the call was not run. Call it again with simpler arguments.`,
      );
      expect(sandbox.runs).toEqual([]);
    } finally {
      session.close();
    }
  });
});

describe('a Live server that never answers the setup', () => {
  it('fails the connect after limits.setupTimeoutMs with a LiveConnectError, and closes the socket', async () => {
    fake.silent = true;
    const started = Date.now();
    const connecting = connect(fake, { sandbox: echoSandbox(), limits: { setupTimeoutMs: 300 } });
    await expect(connecting).rejects.toMatchObject({
      name: 'LiveConnectError',
      message: 'The Live session could not be opened: the server never answered the setup within 300 ms (limits.setupTimeoutMs); the socket was closed',
    });
    expect(Date.now() - started).toBeLessThan(5_000);
    await fake.connections.at(-1)!.closed;
  });

  it('counts a reconnect whose setup is never answered as a failed try, and ends the session saying so (the deprecated top-level names)', async () => {
    const session = await live.open({ sandbox: echoSandbox(), setupTimeoutMs: 300, maxReconnectAttempts: 1 });
    await expect.poll(() => session.live.resumptionHandle).toBeDefined();
    fake.silent = true;
    session.server.goAway(5_000);
    const info = await session.live.closed;
    expect(info).toEqual({
      by: 'server',
      reason:
        'The Live session could not be resumed on a new connection: the server never answered the setup within 300 ms (limits.setupTimeoutMs); the socket was closed',
    });
    await fake.connections.at(-1)!.closed;
  });

  it.each([0, 1.5, Number.NaN, 2 ** 31])('refuses limits.setupTimeoutMs %s', async (setupTimeoutMs) => {
    await expect(live.open({ sandbox: echoSandbox(), limits: { setupTimeoutMs } })).rejects.toThrow(
      /limits.setupTimeoutMs must be a whole number of milliseconds from 1 to 2147483647/,
    );
  });

  it('refuses a limit given under both names, and one that only connecting takes given to createLiveCodeExecution', async () => {
    await expect(live.open({ sandbox: echoSandbox(), setupTimeoutMs: 300, limits: { setupTimeoutMs: 300 } })).rejects.toThrow(
      'setupTimeoutMs and limits.setupTimeoutMs are both given; keep limits.setupTimeoutMs (setupTimeoutMs is deprecated)',
    );
    // @ts-expect-error: setupTimeoutMs is connectLiveCodeExecution's.
    expect(() => createLiveCodeExecution({ sandbox: echoSandbox(), limits: { setupTimeoutMs: 300 } })).toThrow(
      'limits.setupTimeoutMs is not a limit of createLiveCodeExecution (its limits: maxPendingCalls)',
    );
  });
});
