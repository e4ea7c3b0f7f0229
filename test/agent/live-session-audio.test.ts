/**
 * A Live session on today's audio-only models (gemini-3.8-live) with the default config: what the
 * setup asks for, how run_python and app functions are declared, the transcript and events built
 * from transcriptions, audio handed to the app, NON_BLOCKING responses with their scheduling, the
 * turn's status fields, realtime input, and the error a TEXT modality gets. Nothing here runs
 * code, so the sandbox is scripted.
 */
import { Behavior, FunctionResponseScheduling, Modality, Type } from '@google/genai';
import { describe, expect, it } from 'vitest';
import { type LiveCodeExecutionEvent, connectLiveCodeExecution, createLiveCodeExecution } from '../../src/agent/index.js';
import { MAX_TEXT_PART_BYTES } from '../../src/agent/live/live-transcript.js';
import type { FakeLive } from '../fake-live/server.js';
import { type Connected, LIVE_MODEL, type connect, heard, liveClient, runPythonCall, spoken, toolCall, turnComplete } from '../fake-live/scenarios.js';
import { useFakeLive } from '../support/agent-fixtures.js';
import { ScriptedSandbox } from '../support/scripted-sandbox.js';

let fake: FakeLive;
const sandbox = new ScriptedSandbox(() => ({ output: '5117\n' }));

const live = useFakeLive((made) => {
  fake = made;
});
const open = (options: Partial<Parameters<typeof connect>[1]> = {}): Promise<Connected> => live.open({ sandbox, ...options });

function setupOf(connected: Connected): Record<string, any> {
  return connected.server.framesOf('setup')[0]!.message.setup;
}

function texts(events: LiveCodeExecutionEvent[]): { role: string; text: string; transcription: boolean }[] {
  return events.flatMap((event) => (event.type === 'text' ? [{ role: event.role, text: event.text, transcription: event.transcription }] : []));
}

describe('the default config on gemini-3.8-live', () => {
  it('asks for AUDIO, both transcriptions, a sliding context window and resumption handles', async () => {
    const setup = setupOf(await open());
    expect(setup.model).toBe(`models/${LIVE_MODEL}`);
    expect(setup.generationConfig.responseModalities).toEqual(['AUDIO']);
    expect(setup.inputAudioTranscription).toEqual({});
    expect(setup.outputAudioTranscription).toEqual({});
    expect(setup.contextWindowCompression).toEqual({ slidingWindow: {} });
    expect(setup.sessionResumption).toEqual({});
  });

  it('leaves a default out when the config has its key set to undefined', async () => {
    const setup = setupOf(await open({ config: { inputAudioTranscription: undefined } }));
    expect(setup).not.toHaveProperty('inputAudioTranscription');
    expect(setup.outputAudioTranscription).toEqual({});
  });

  it('declares run_python with parameters (the SDK Schema) and behavior BLOCKING', async () => {
    const setup = setupOf(await open());
    const [runPython] = setup.tools.at(-1).functionDeclarations;
    expect(runPython).not.toHaveProperty('parametersJsonSchema');
    expect(runPython.parameters).toEqual({
      type: 'OBJECT',
      properties: { code: { type: 'STRING', description: 'Python source to run.' } },
      required: ['code'],
    });
    expect(runPython.behavior).toBe('BLOCKING');
    expect(fake.failures).toEqual([]);
  });

  it("converts an app function's parametersJsonSchema into parameters and makes its behavior explicit", async () => {
    const declaration = {
      name: 'lookup',
      description: 'Looks a word up',
      parametersJsonSchema: {
        type: 'object',
        properties: { word: { type: 'string' }, limit: { type: ['integer', 'null'], minimum: 1 } },
        required: ['word'],
        additionalProperties: false,
      },
    };
    const setup = setupOf(await open({ functions: [{ declaration, handler: () => 'found' }] }));
    expect(setup.tools.at(-1).functionDeclarations[1]).toEqual({
      name: 'lookup',
      description: 'Looks a word up',
      behavior: 'BLOCKING',
      parameters: { type: 'OBJECT', properties: { word: { type: 'STRING' }, limit: { type: 'INTEGER', nullable: true, minimum: 1 } }, required: ['word'] },
    });
    expect(fake.failures).toEqual([]);
  });

  it('refuses a JSON Schema keyword Live cannot express, naming it and the fix', () => {
    const declaration = { name: 'tagged', parametersJsonSchema: { type: 'object', properties: { tag: { $ref: '#/$defs/tag' } } } };
    expect(() => createLiveCodeExecution({ sandbox, functions: [{ declaration, handler: () => '' }] })).toThrow(/"\$ref".*declare parameters/);
  });
});

describe('the transcript and events of an audio session', () => {
  it('builds the model turn from its output transcription, one text part per stretch of speech', async () => {
    const { server, waitFor } = await open();
    server.send(spoken('Let me'));
    server.send(spoken(' compute that.'));
    server.send(toolCall(runPythonCall('c1', 'print(sum(primes))')));
    await server.next('toolResponse');
    server.send(spoken('It is'));
    server.send(spoken(' 5117.'));
    server.send(turnComplete());
    const { content } = await waitFor('turn-complete');
    expect(content.parts).toEqual([
      { text: 'Let me compute that.' },
      { executableCode: { code: 'print(sum(primes))', language: 'PYTHON', id: 'c1' } },
      { codeExecutionResult: { outcome: 'OUTCOME_OK', output: '5117\n', id: 'c1' } },
      { text: 'It is 5117.' },
    ]);
  });

  it("records the user's transcribed speech as one user turn before the model's answer", async () => {
    const { live, server, waitFor } = await open();
    server.send(heard('What is'));
    server.send(heard(' two plus two?'));
    server.send(spoken('Four.'));
    server.send(turnComplete());
    await waitFor('turn-complete');
    expect(live.getTranscript()).toEqual([
      { role: 'user', parts: [{ text: 'What is two plus two?' }] },
      { role: 'model', parts: [{ text: 'Four.' }] },
    ]);
  });

  it('emits text events for both sides, marked as transcriptions', async () => {
    const { server, events, waitFor } = await open();
    server.send(heard('Hi'));
    server.send(spoken('Hello'));
    server.send(turnComplete());
    await waitFor('turn-complete');
    expect(texts(events)).toEqual([
      { role: 'user', text: 'Hi', transcription: true },
      { role: 'model', text: 'Hello', transcription: true },
    ]);
  });

  it('hands model audio to the app as audio events and keeps it out of the transcript', async () => {
    const { server, events, waitFor } = await open();
    server.send(spoken('Hi'));
    server.send(turnComplete());
    const { content } = await waitFor('turn-complete');
    expect(events.filter((event) => event.type === 'audio')).toEqual([{ type: 'audio', turn: 1, mimeType: 'audio/pcm;rate=24000', data: 'AAAAAA==' }]);
    expect(content.parts).toEqual([{ text: 'Hi' }]);
  });

  it('bounds a transcribed text part in bytes and marks it truncated', async () => {
    const { server, waitFor } = await open();
    const chunk = 'é'.repeat(10_000);
    for (let i = 0; i < 5; i++) server.send(spoken(chunk));
    server.send(turnComplete());
    const [part] = (await waitFor('turn-complete')).content.parts!;
    expect(new TextEncoder().encode(part!.text).length).toBe(MAX_TEXT_PART_BYTES);
    expect(part!.partMetadata).toEqual({ truncated: true });
  });

  it('reports interactionStatus, turnCompleteReason and waitingForInput', async () => {
    const { server, events, waitFor } = await open();
    server.send({ serverContent: { waitingForInput: true } });
    server.send(turnComplete({ turnCompleteReason: 'NEED_MORE_INPUT', interactionStatus: 'IN_PROGRESS' }));
    server.send(turnComplete({ interactionStatus: 'IDLE' }));
    await expect.poll(() => events.filter((event) => event.type === 'interaction-status').length).toBe(2);
    expect(await waitFor('waiting-for-input')).toEqual({ type: 'waiting-for-input', turn: 1 });
    expect((await waitFor('turn-complete')).reason).toBe('NEED_MORE_INPUT');
    expect(events.flatMap((event) => (event.type === 'interaction-status' ? [[event.turn, event.status]] : []))).toEqual([
      [1, 'IN_PROGRESS'],
      [2, 'IDLE'],
    ]);
  });
});

describe('function responses on gemini-3.8-live', () => {
  it('sends a NON_BLOCKING run_python response with the scheduling asked for', async () => {
    const { server } = await open({ runPythonBehavior: Behavior.NON_BLOCKING, scheduling: FunctionResponseScheduling.INTERRUPT });
    expect(setupOf(live.session!).tools.at(-1).functionDeclarations[0].behavior).toBe('NON_BLOCKING');
    server.send(toolCall(runPythonCall('nb1', 'print(1)')));
    const frame = await server.next('toolResponse');
    expect(frame.message.toolResponse.functionResponses[0]).toMatchObject({ id: 'nb1', scheduling: 'INTERRUPT' });
    expect(fake.failures).toEqual([]);
  });

  it('sends WHEN_IDLE for a NON_BLOCKING app function by default, and no scheduling for BLOCKING ones', async () => {
    const nonBlocking = { name: 'slow', behavior: Behavior.NON_BLOCKING, parameters: { type: Type.OBJECT, properties: {} } };
    const { server } = await open({ functions: [{ declaration: nonBlocking, handler: () => 'done' }] });
    server.send(toolCall({ id: 's1', name: 'slow', args: {} }, runPythonCall('b1', 'print(1)')));
    const first = await server.next('toolResponse');
    const second = await server.next('toolResponse');
    expect(first.message.toolResponse.functionResponses[0]).toEqual({ id: 's1', name: 'slow', response: { output: 'done' }, scheduling: 'WHEN_IDLE' });
    expect(second.message.toolResponse.functionResponses[0]).not.toHaveProperty('scheduling');
    expect(fake.failures).toEqual([]);
  });

  it('refuses the scheduling spelling INTERRUPTED before connecting (the service closes with 1007 on it)', () => {
    expect(() => createLiveCodeExecution({ sandbox, scheduling: 'INTERRUPTED' as FunctionResponseScheduling })).toThrow(
      /SILENT, WHEN_IDLE or INTERRUPT; got INTERRUPTED/,
    );
  });
});

describe('input and refusals', () => {
  it('sends realtime text and records it as a user turn', async () => {
    const { live, server } = await open();
    live.sendRealtimeInput({ text: 'Are you there?' });
    expect((await server.next('realtimeInput')).message).toEqual({ realtimeInput: { text: 'Are you there?' } });
    expect(live.getTranscript()).toEqual([{ role: 'user', parts: [{ text: 'Are you there?' }] }]);
  });

  it('fails a TEXT modality connect with an error that says current Live models are audio-only', async () => {
    const events: LiveCodeExecutionEvent[] = [];
    const connecting = connectLiveCodeExecution({
      ai: liveClient(fake),
      model: LIVE_MODEL,
      sandbox,
      config: { responseModalities: [Modality.TEXT] },
      onEvent: (e) => events.push(e),
    });
    await expect(connecting).rejects.toMatchObject({
      name: 'LiveConnectError',
      message: expect.stringMatching(/response modalities \(TEXT\) is not supported by the model.*answer in audio only.*output transcription/),
    });
    expect(events.at(-1)).toMatchObject({ type: 'closed', info: { by: 'server', code: 1007 } });
  });
});
