/**
 * Real sessions with today's audio-only Live models, recorded by pydantic-ai, replayed through the
 * real SDK and the session: a tool round on gemini-3.1-flash-live-preview (audio, both
 * transcriptions, a resumption handle), a NON_BLOCKING call answered with `scheduling: INTERRUPT`
 * on 2.5 native audio, a typed question about an image on gemini-3.8-live, and the legacy js-genai
 * session whose TEXT setup every current model refuses. The server's messages go out as recorded;
 * the client's frames are compared with the recorded ones where they should match.
 *
 * Reads the recordings from ../shared/eval/recorded-gemini/live/ at run time (never copied into the repo).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FunctionDeclaration } from '@google/genai';
import { FunctionResponseScheduling } from '@google/genai';
import type { LiveCodeExecutionEvent } from '../../src/agent/index.js';
import { FakeLive } from '../fake-live/server.js';
import {
  type CassetteMessage,
  type Connected,
  RECORDED_DIR,
  connect,
  readCassette,
  readWebsocketLog,
  recordedPath,
  replayScript,
} from '../fake-live/scenarios.js';
import { ScriptedSandbox } from '../support/scripted-sandbox.js';

const FOLDER = `${RECORDED_DIR}live/`;
const TOOL_ROUND = recordedPath('live/pydantic-ai__live-3.1-flash-tool-round.yaml');
const NON_BLOCKING = recordedPath('live/pydantic-ai__live-2.5-native-audio-nonblocking-interrupt.yaml');
const IMAGE = recordedPath('live/pydantic-ai__live-3.8-image-typed-question.yaml');
const LEGACY = recordedPath('live/js-genai__live-legacy-text-modality.websocket.log');

const sandbox = new ScriptedSandbox(() => ({ output: 'not expected\n' }));

/** A fake that replays `messages`, and a session connected to it with the recording's model and setup. */
async function replay(messages: CassetteMessage[], options: Partial<Parameters<typeof connect>[1]>): Promise<{ fake: FakeLive; session: Connected }> {
  const setup = messages[0]!.data.setup;
  const fake = await FakeLive.start({ autoSetup: false });
  fake.script(replayScript(messages));
  const session = await connect(fake, {
    model: setup.model.replace(/^models\//, ''),
    sandbox,
    ...options,
    config: { systemInstruction: setup.systemInstruction, ...options.config },
  });
  return { fake, session };
}

function declarationsOf(session: Connected): FunctionDeclaration[] {
  return session.server
    .framesOf('setup')[0]!
    .message.setup.tools.flatMap((tool: { functionDeclarations?: FunctionDeclaration[] }) => tool.functionDeclarations ?? []);
}

/** The words of each model turn, its text parts joined. */
function modelTexts(session: Connected): string[] {
  return session.live.getTranscript().flatMap((content) => (content.role === 'model' ? [(content.parts ?? []).map((part) => part.text ?? '').join('')] : []));
}

/** Waits until `done` holds (a hook cannot use expect.poll). */
async function until(done: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`Not done within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function count(events: LiveCodeExecutionEvent[], type: LiveCodeExecutionEvent['type']): number {
  return events.filter((event) => event.type === type).length;
}

describe.skipIf(!TOOL_ROUND)(`a tool round on gemini-3.1-flash-live-preview (skipped: the recording is not in ${FOLDER})`, () => {
  let messages: CassetteMessage[];
  let fake: FakeLive;
  let session: Connected;

  beforeAll(async () => {
    messages = readCassette(TOOL_ROUND!);
    const declaration: FunctionDeclaration = messages[0]!.data.setup.tools[0].functionDeclarations[0];
    ({ fake, session } = await replay(messages, { functions: [{ declaration, handler: () => 'It is foggy and 12 degrees in London.' }] }));
    session.live.sendText('What is the weather in London?');
    await session.waitFor('turn-complete');
  });

  afterAll(async () => {
    session?.live.close();
    await fake?.close();
  });

  it('asks for what the recording asked for: AUDIO, both transcriptions, the function with parameters', () => {
    const ours = session.server.framesOf('setup')[0]!.message.setup;
    const theirs = messages[0]!.data.setup;
    expect(ours.generationConfig.responseModalities).toEqual(theirs.generationConfig.responseModalities);
    expect(ours.inputAudioTranscription).toEqual(theirs.inputAudioTranscription);
    expect(ours.outputAudioTranscription).toEqual(theirs.outputAudioTranscription);
    expect(declarationsOf(session)[1]).toEqual({ ...theirs.tools[0].functionDeclarations[0], behavior: 'BLOCKING' });
  });

  it('answers the recorded call as the recording did', () => {
    const recorded = messages.find((message) => message.data.tool_response)!.data.tool_response;
    expect(session.server.framesOf('toolResponse')[0]!.message.toolResponse).toEqual(recorded);
    expect(fake.failures).toEqual([]);
  });

  it('builds the model turn from the call and the transcribed words', () => {
    expect(session.live.getTranscript()).toEqual([
      { role: 'user', parts: [{ text: 'What is the weather in London?' }] },
      {
        role: 'model',
        parts: [
          { functionCall: { id: 'fc_3880303533621599938', name: 'get_weather', args: { city: 'London' } } },
          { functionResponse: { id: 'fc_3880303533621599938', name: 'get_weather', response: { output: 'It is foggy and 12 degrees in London.' } } },
          { text: 'It is foggy and 12 degrees in London.' },
        ],
      },
    ]);
  });

  it('hands every audio chunk to the app and keeps the recorded resumption handle', () => {
    const chunks = messages.filter((message) => message.data.serverContent?.modelTurn?.parts?.[0]?.inlineData).length;
    expect(count(session.events, 'audio')).toBe(chunks);
    expect(session.live.resumptionHandle).toBe('95e91930-b35b-482b-8880-17efc49ec2f2');
  });
});

describe.skipIf(!NON_BLOCKING)(`a NON_BLOCKING call on 2.5 native audio (skipped: the recording is not in ${FOLDER})`, () => {
  let messages: CassetteMessage[];
  let fake: FakeLive;
  let session: Connected;

  beforeAll(async () => {
    messages = readCassette(NON_BLOCKING!);
    const declaration: FunctionDeclaration = messages[0]!.data.setup.tools[0].functionDeclarations[0];
    const output = messages.find((message) => message.data.tool_response)!.data.tool_response.functionResponses[0].response.output;
    ({ fake, session } = await replay(messages, { functions: [{ declaration, handler: () => output }], scheduling: FunctionResponseScheduling.INTERRUPT }));
    session.live.sendText('Find me a flight to Lisbon please.');
    await until(() => count(session.events, 'turn-complete') === 2);
  });

  afterAll(async () => {
    session?.live.close();
    await fake?.close();
  });

  it('declares the function NON_BLOCKING as recorded, and answers with scheduling INTERRUPT as recorded', () => {
    expect(declarationsOf(session)[1]).toEqual(messages[0]!.data.setup.tools[0].functionDeclarations[0]);
    const recorded = messages.find((message) => message.data.tool_response)!.data.tool_response;
    expect(session.server.framesOf('toolResponse')[0]!.message.toolResponse).toEqual(recorded);
    expect(fake.failures).toEqual([]);
  });

  it('keeps what the model said while the call ran and after its result, turn by turn', () => {
    // Our response lands among the words of the first turn wherever it was sent: join each turn's words.
    expect(modelTexts(session)).toEqual([
      "I'm now searching for flights to Lisbon. It might take a moment.",
      'The cheapest flight is KLM 1234 at 9:15 for 180 euros.',
    ]);
    expect(count(session.events, 'interrupted')).toBe(1);
  });
});

describe.skipIf(!IMAGE)(`a typed question about an image on gemini-3.8-live (skipped: the recording is not in ${FOLDER})`, () => {
  let messages: CassetteMessage[];
  let fake: FakeLive;
  let session: Connected;
  let ended: Extract<LiveCodeExecutionEvent, { type: 'turn-complete' }>;

  beforeAll(async () => {
    messages = readCassette(IMAGE!);
    ({ fake, session } = await replay(messages, {}));
    const turn = messages.find((message) => message.data.client_content)!.data.client_content.turns[0];
    const [image, question] = turn.parts;
    session.live.sendClientContent({
      turns: [{ role: 'user', parts: [{ inlineData: { data: image.inlineData.data, mimeType: image.inlineData.mime_type } }, question] }],
      turnComplete: true,
    });
    ended = await session.waitFor('turn-complete');
  });

  afterAll(async () => {
    session?.live.close();
    await fake?.close();
  });

  it('answers with the transcribed words, passing the empty messages by', () => {
    expect(ended.content).toEqual({ role: 'model', parts: [{ text: 'The image shows a sliced kiwi fruit.' }] });
    expect(session.events.filter((event) => event.type === 'rejected' || event.type === 'error')).toEqual([]);
  });

  it('reports the turn usage with its thought tokens, and keeps the resumption handle', () => {
    expect(ended.usageMetadata).toMatchObject({ totalTokenCount: 898, thoughtsTokenCount: 46 });
    expect(session.live.resumptionHandle).toBe('45db4869-ac36-49aa-85de-eab56eaa878f');
  });
});

describe.skipIf(!LEGACY)(`the legacy text session (skipped: the recording is not in ${FOLDER})`, () => {
  it('sends realtime text byte for byte as the SDK recorded it', async () => {
    const frames = readWebsocketLog(LEGACY!);
    const recorded = frames.find((frame) => frame.direction === '>' && frame.text.startsWith('{"realtimeInput"'))!.text;
    const fake = await FakeLive.start();
    const session = await connect(fake, { sandbox });
    try {
      session.live.sendRealtimeInput({ text: JSON.parse(recorded).realtimeInput.text });
      expect((await session.server.next('realtimeInput')).raw).toBe(recorded);
    } finally {
      session.live.close();
      await fake.close();
    }
  });
});
