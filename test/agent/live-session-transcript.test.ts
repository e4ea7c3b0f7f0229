/**
 * The transcript and events of a Live session, built from the server's messages: model text as it
 * streams, server-side code execution passed through, unrun code marked, audio left out, turn
 * ends, interruptions, goAway and session resumption passed on. Nothing here runs code, so the
 * sandbox is scripted.
 */
import { GoogleGenAI } from '@google/genai';
import { describe, expect, it } from 'vitest';
import { type LiveCodeExecutionEvent, connectLiveCodeExecution, isNotRunCode } from '../../src/agent/index.js';
import type { FakeLive } from '../fake-live/server.js';
import { type Connected, LIVE_MODEL, type connect, modelTurn, turnComplete } from '../fake-live/scenarios.js';
import { useFakeLive } from '../support/agent-fixtures.js';
import { ScriptedSandbox } from '../support/scripted-sandbox.js';

let fake: FakeLive;
const sandbox = new ScriptedSandbox(() => ({}));

const live = useFakeLive((made) => {
  fake = made;
});
const open = (options: Partial<Parameters<typeof connect>[1]> = {}): Promise<Connected> => live.open({ sandbox, ...options });

const serverCode = { executableCode: { language: 'PYTHON', code: 'print(2 + 2)' } };
const serverResult = { codeExecutionResult: { outcome: 'OUTCOME_OK', output: '4\n' } };
const chart = { inlineData: { mimeType: 'image/png', data: 'iVBORw0KGgo=' } };

describe('the transcript of a Live session', () => {
  it('passes server-side code execution parts through as sent when the session enables codeExecution', async () => {
    const { server, waitFor } = await open({ config: { tools: [{ codeExecution: {} }] } });
    server.send(modelTurn(serverCode, serverResult, chart));
    server.send(modelTurn({ text: 'The answer is 4.' }));
    server.send(turnComplete());
    const { content } = await waitFor('turn-complete');
    expect(content).toEqual({ role: 'model', parts: [serverCode, serverResult, chart, { text: 'The answer is 4.' }] });
  });

  it('declares codeExecution and run_python side by side when the app enables both', async () => {
    const { server } = await open({ config: { tools: [{ codeExecution: {} }] } });
    const tools = server.framesOf('setup')[0]!.message.setup.tools;
    expect(tools).toEqual([{ codeExecution: {} }, { functionDeclarations: [expect.objectContaining({ name: 'run_python' })] }]);
  });

  it('marks a model executableCode part as not run when the session has no codeExecution tool', async () => {
    const { server, waitFor } = await open();
    server.send(modelTurn(serverCode));
    server.send(turnComplete());
    const part = (await waitFor('turn-complete')).content.parts![0]!;
    expect(part.executableCode).toEqual(serverCode.executableCode);
    expect(isNotRunCode(part)).toBe(true);
  });

  it('emits model text as it streams and joins it in the transcript', async () => {
    const { server, events, waitFor } = await open();
    server.send(modelTurn({ text: 'Hel' }));
    server.send(modelTurn({ text: 'lo.' }));
    server.send(turnComplete());
    const { content } = await waitFor('turn-complete');
    expect(events.filter((event) => event.type === 'text').map((event) => (event as { text: string }).text)).toEqual(['Hel', 'lo.']);
    expect(content.parts).toEqual([{ text: 'Hello.' }]);
  });

  it('leaves audio parts out of the transcript', async () => {
    const { server, waitFor } = await open();
    server.send(modelTurn({ inlineData: { mimeType: 'audio/pcm;rate=24000', data: 'AAAA' } }, { text: 'spoken' }));
    server.send(turnComplete());
    expect((await waitFor('turn-complete')).content.parts).toEqual([{ text: 'spoken' }]);
  });

  it('records the user turns the app sends, then the model turn', async () => {
    const { live, server, waitFor } = await open();
    live.sendText('Hi there');
    await server.next('clientContent');
    server.send(modelTurn({ text: 'Hello!' }));
    server.send(turnComplete());
    await waitFor('turn-complete');
    expect(live.getTranscript()).toEqual([
      { role: 'user', parts: [{ text: 'Hi there' }] },
      { role: 'model', parts: [{ text: 'Hello!' }] },
    ]);
  });

  it('reports the turn end with its usage and counts turns', async () => {
    const { server, events, waitFor } = await open();
    server.send(turnComplete());
    server.send(modelTurn({ text: 'second' }));
    server.send(turnComplete());
    await expect.poll(() => events.filter((event) => event.type === 'turn-complete').length).toBe(2);
    const ends = events.filter((event) => event.type === 'turn-complete');
    expect(ends.map((event) => event.turn)).toEqual([1, 2]);
    expect((await waitFor('turn-complete')).usageMetadata?.totalTokenCount).toBe(15);
  });

  it('reports an interruption', async () => {
    const { server, waitFor } = await open();
    server.send({ serverContent: { interrupted: true } });
    expect(await waitFor('interrupted')).toEqual({ type: 'interrupted', turn: 1 });
  });

  it('passes goAway and sessionResumptionUpdate through when reconnecting is off', async () => {
    const { server, waitFor } = await open({ limits: { maxReconnectAttempts: 0 } });
    server.send({ goAway: { timeLeft: '10s' } });
    expect((await waitFor('go-away')).goAway).toEqual({ timeLeft: '10s' });
    expect((await waitFor('session-resumption-update')).update).toEqual({ newHandle: expect.stringMatching(/^handle-/), resumable: true });
  });

  it('hands every raw message to onMessage after acting on it', async () => {
    const seen: unknown[] = [];
    const { server, waitFor } = await open({ limits: { maxReconnectAttempts: 0 }, onMessage: (message) => seen.push(message) });
    server.send({ goAway: { timeLeft: '5s' } });
    await waitFor('go-away');
    // setupComplete, the first resumption handle, goAway.
    await expect.poll(() => seen.length).toBe(3);
    expect(seen[2]).toMatchObject({ goAway: { timeLeft: '5s' } });
  });
});

describe('a Live connection refused before its setup', () => {
  it('fails the connect with a reason that names the API version the client needs', async () => {
    const ai = new GoogleGenAI({ apiKey: 'test-key', apiVersion: 'v1', httpOptions: { baseUrl: fake.baseUrl } });
    const events: LiveCodeExecutionEvent[] = [];
    const connecting = connectLiveCodeExecution({ ai, model: LIVE_MODEL, sandbox, onEvent: (event) => events.push(event) });

    await expect(connecting).rejects.toMatchObject({ name: 'LiveConnectError', message: expect.stringContaining("apiVersion: 'v1beta'") });
    expect(events.at(-1)).toMatchObject({ type: 'closed', info: { by: 'server', code: 1008 } });
    expect(fake.failures).toEqual([expect.stringContaining('.v1.GenerativeService')]);
    fake.failures.length = 0;
  });
});
