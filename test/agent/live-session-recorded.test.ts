/**
 * A real recorded Live session replayed through the real SDK: with only function declarations,
 * gemini-live-2.5-flash-preview first sends an `executableCode` part calling `default_api.…`
 * (which nobody runs) and then the `toolCall`. The server's frames go out byte for byte as
 * recorded; the client's frames are compared with the recorded ones where they should match.
 *
 * Reads the log from ../shared/eval/recorded-gemini/ at run time (never copied into the repo).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Content, FunctionDeclaration } from '@google/genai';
import { isNotRunCode } from '../../src/agent/index.js';
import { FakeLive } from '../fake-live/server.js';
import { type Connected, RECORDED_DIR, type RecordedFrame, connect, readWebsocketLog, recordedPath } from '../fake-live/scenarios.js';
import { ScriptedSandbox } from '../support/scripted-sandbox.js';

const LOG = 'js-genai__live-api-executablecode-before-toolcall.websocket.log';
const path = recordedPath(LOG);

describe.skipIf(!path)(`the recorded Live session (skipped: ${LOG} is not in ${RECORDED_DIR})`, () => {
  let fake: FakeLive;
  let recorded: RecordedFrame[];
  let session: Connected;
  let transcript: Content[];
  const sandbox = new ScriptedSandbox(() => ({ output: 'not expected\n' }));

  beforeAll(async () => {
    recorded = readWebsocketLog(path!);
    const setup = JSON.parse(recorded[0]!.text).setup;
    const declaration: FunctionDeclaration = setup.tools[0].functionDeclarations[0];
    fake = await FakeLive.start({ autoSetup: false, audioOnly: false });
    // The recording's client sent its turn before setupComplete arrived; SDK 2.x waits for
    // setupComplete before connect resolves, so setupComplete answers the setup, and every other
    // server frame follows the client frames recorded before it. All go out verbatim.
    const [setupComplete, ...rest] = recorded.filter((frame) => frame.direction === '<');
    const clientFrames = recorded.filter((frame) => frame.direction === '>');
    fake.script([
      { await: 'setup' },
      { send: setupComplete!.text },
      ...clientFrames.slice(1).map((frame) => ({ await: kindOf(frame) })),
      ...rest.map((frame) => ({ send: frame.text })),
    ]);
    // The recording's model (shut down since) and its text-only config, as recorded.
    session = await connect(fake, {
      model: setup.model.replace(/^models\//, ''),
      config: {
        responseModalities: setup.generationConfig?.responseModalities,
        inputAudioTranscription: undefined,
        outputAudioTranscription: undefined,
        contextWindowCompression: undefined,
        sessionResumption: undefined,
      },
      sandbox,
      functions: [{ declaration, handler: () => 'Sunny, 18 °C' }],
    });
    session.live.sendText(JSON.parse(recorded[1]!.text).clientContent.turns[0].parts[0].text);
    await session.server.next('toolResponse');
    transcript = session.live.getTranscript();
  });

  afterAll(async () => {
    session?.live.close();
    await fake?.close();
  });

  it('sends the recorded setup, with run_python added to the recorded declaration', () => {
    const ours = session.server.framesOf('setup')[0]!.message.setup;
    const theirs = JSON.parse(recorded[0]!.text).setup;
    expect(ours.model).toBe(theirs.model);
    const declarations = ours.tools.flatMap((tool: { functionDeclarations?: unknown[] }) => tool.functionDeclarations ?? []);
    expect(declarations.map((fn: { name: string }) => fn.name)).toEqual(['run_python', 'get_current_weather']);
    // Sent as declared, with the behavior made explicit (3.8 would take an omitted one as NON_BLOCKING).
    expect(declarations[1]).toEqual({ ...theirs.tools[0].functionDeclarations[0], behavior: 'BLOCKING' });
  });

  it('sends the user turn byte for byte as recorded', () => {
    expect(session.server.framesOf('clientContent')[0]!.raw).toBe(recorded[1]!.text);
  });

  it('keeps the executableCode part that nobody ran, marked as not run', () => {
    const code = transcript.at(-1)!.parts![0]!;
    expect(code.executableCode?.code).toBe("print(default_api.get_current_weather(location='Redmond, WA'))");
    expect(isNotRunCode(code)).toBe(true);
    expect(session.events.find((event) => event.type === 'model-part')).toMatchObject({ notRun: true });
    expect(sandbox.runs).toEqual([]);
  });

  it('answers the recorded toolCall with its id and the handler output', () => {
    const response = session.server.framesOf('toolResponse')[0]!.message;
    expect(response).toEqual({
      toolResponse: { functionResponses: [{ id: 'function-call-14999314136682553409', name: 'get_current_weather', response: { output: 'Sunny, 18 °C' } }] },
    });
    expect(fake.failures).toEqual([]);
  });

  it('shows the call and its response after the unrun code in the transcript', () => {
    expect(transcript.map((content) => content.role)).toEqual(['user', 'model']);
    expect(transcript[1]!.parts!.map((part) => Object.keys(part).filter((key) => key !== 'partMetadata')[0])).toEqual([
      'executableCode',
      'functionCall',
      'functionResponse',
    ]);
  });
});

function kindOf(frame: RecordedFrame): 'setup' | 'clientContent' | 'toolResponse' {
  return Object.keys(JSON.parse(frame.text))[0] as 'setup' | 'clientContent' | 'toolResponse';
}
