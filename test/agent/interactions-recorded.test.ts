/**
 * The fake Interactions server and the loop against the traffic recorded from the live API
 * (../shared/eval/recorded-gemini/interactions/, read in place): the fake's events have the
 * recorded shapes, and the recorded function-call exchange replays through the loop byte for byte.
 */
import { expect, it } from 'vitest';
import { createCodeExecutionChat } from '../../src/agent/index.js';
import { describeRecordedInteractions, quotedErrors, recordedEvents, recordedInteraction, recordedStreamBody } from '../fake-interactions/recorded.js';
import { clientFor, eventsFor, functionResults, inputOf, interaction, modelOutput, runPython, thought } from '../fake-interactions/scenarios.js';
import { TOOL_MIX_MESSAGE } from '../fake-interactions/validate.js';
import { collect, kindsOf, partsOf } from '../support/agent-fixtures.js';
import { expectCleanRun, printingSandbox, useFakeInteractions } from './interactions-fixtures.js';

const ctx = useFakeInteractions();
const STEP1 = 'vercel-ai__interactions-function-call-step1.chunks.txt';
const STEP2 = 'vercel-ai__interactions-function-call-step2.chunks.txt';
const STATELESS = 'vercel-ai__interactions-stateless-turn2.chunks.txt';
/** The model the Interactions traffic was recorded from: the replays below send what it was sent. */
const RECORDED_MODEL = 'gemini-2.5-flash';

/** Each event's type with its keys (and its step's or delta's type and keys), sorted: the shape without the values. */
const shapeOf = (event: Record<string, unknown>) => {
  const inner = (event.step ?? event.delta) as Record<string, unknown> | undefined;
  return `${String(event.event_type)} {${Object.keys(event).sort().join(',')}}${inner ? ` ${String(inner.type)} {${Object.keys(inner).sort().join(',')}}` : ''}`;
};

/** The recorded step-1 stream with its getWeather call renamed to run_python and new arguments, every other byte kept. */
const step1AsRunPython = () =>
  recordedStreamBody(STEP1)
    .replace('"name":"getWeather"', '"name":"run_python"')
    .replace(JSON.stringify(JSON.stringify({ location: 'San Francisco' })), JSON.stringify(JSON.stringify({ code: 'print(6 * 7)' })));

describeRecordedInteractions('recorded Interactions traffic', () => {
  it("the fake's events for a thought and a function call have the recorded stream's shapes, in its order", () => {
    const recorded = recordedEvents(STEP1);
    const signature = String((recorded[3].delta as { signature: string }).signature);
    const fake = eventsFor(
      'v1_x',
      RECORDED_MODEL,
      interaction('requires_action', [thought(signature), runPython('print(1)', '61nzpsv4')], (recorded.at(-1)!.interaction as { usage: never }).usage),
    );
    const strip = (shape: string) => shape.replace(/,?(created|updated|service_tier)/g, '');
    expect(fake.map(shapeOf).map(strip)).toEqual(recorded.map(shapeOf).map(strip));
  });

  it("the fake's text output events have the recorded answer's shapes", () => {
    const recorded = recordedEvents(STEP2);
    const fake = eventsFor(
      'v1_y',
      RECORDED_MODEL,
      interaction('completed', [thought('c2ln'), modelOutput('The weather in San Francisco right now is sunny.')]),
    );
    expect(new Set(fake.map(shapeOf).map((shape) => shape.replace(/,?(created|updated|service_tier|usage)/g, '')))).toEqual(
      new Set(recorded.map(shapeOf).map((shape) => shape.replace(/,?(created|updated|service_tier|usage)/g, ''))),
    );
  });

  it('replays the recorded call (requires_action, one arguments_delta, signature "", no event ids) and the recorded answer through the loop', async () => {
    const { fake } = ctx;
    const signature = String((recordedEvents(STEP1)[3].delta as { signature: string }).signature);
    fake.acceptSignature(signature);
    fake.script([
      { reply: { raw: { status: 200, contentType: 'text/event-stream', body: step1AsRunPython() } } },
      {
        expect: (request) => {
          expect(inputOf(request).slice(1, 3)).toEqual([
            { type: 'thought', signature },
            { id: '61nzpsv4', signature: '', type: 'function_call', name: 'run_python', arguments: { code: 'print(6 * 7)' } },
          ]);
          expect(functionResults(request)[0]).toMatchObject({ call_id: '61nzpsv4', name: 'run_python' });
        },
        reply: { raw: { status: 200, contentType: 'text/event-stream', body: recordedStreamBody(STEP2) } },
      },
    ]);
    const chat = createCodeExecutionChat({ ai: clientFor(fake), model: RECORDED_MODEL, api: 'interactions', sandbox: printingSandbox() });
    const chunks = await collect(await chat.sendMessageStream({ message: 'Weather?' }));
    const parts = chunks.flatMap((chunk) => chunk.candidates?.[0]?.content?.parts ?? []);
    expect(kindsOf(parts)).toEqual(['executableCode', 'codeExecutionResult', 'text', 'text']);
    expect(
      parts
        .slice(2)
        .map((part) => part.text)
        .join(''),
    ).toBe('The weather in San Francisco right now is sunny with a temperature of 27 degrees Celsius.');
    expect(chunks.at(-1)?.usageMetadata?.totalTokenCount).toBe(133 + 180);
    expectCleanRun(fake);
  });

  it('replays the recorded JSON call and answer (not streamed)', async () => {
    const { fake } = ctx;
    const step1 = recordedInteraction('vercel-ai__interactions-function-call-step1.json');
    const body = JSON.stringify(step1).replace('"name":"getWeather"', '"name":"run_python"').replace('{"location":"San Francisco"}', '{"code":"print(1)"}');
    fake.acceptSignature(String((step1.steps as Array<{ signature?: string }>)[0].signature));
    fake.script([
      { reply: { raw: { status: 200, contentType: 'application/json', body } } },
      {
        reply: {
          raw: { status: 200, contentType: 'application/json', body: JSON.stringify(recordedInteraction('vercel-ai__interactions-function-call-step2.json')) },
        },
      },
    ]);
    const chat = createCodeExecutionChat({ ai: clientFor(fake), model: RECORDED_MODEL, api: 'interactions', sandbox: printingSandbox() });
    const res = await chat.sendMessage({ message: 'Weather?' });
    expect(kindsOf(partsOf(res))).toEqual(['executableCode', 'codeExecutionResult', 'text']);
    expectCleanRun(fake);
  });

  it('reads the store: false stream, whose ids are all "", and keeps nothing to continue by id', async () => {
    const { fake } = ctx;
    fake.acceptSignature(String((recordedEvents(STATELESS)[3].delta as { signature: string }).signature));
    fake.script([{ reply: { raw: { status: 200, contentType: 'text/event-stream', body: recordedStreamBody(STATELESS) } } }]);
    const chat = createCodeExecutionChat({ ai: clientFor(fake), model: RECORDED_MODEL, api: 'interactions', execution: 'server' });
    const chunks = await collect(await chat.sendMessageStream({ message: 'Landmark?' }));
    expect(
      chunks
        .flatMap((chunk) => chunk.candidates?.[0]?.content?.parts ?? [])
        .map((part) => part.text)
        .join(''),
    ).toContain('Sagrada Familia');
    expect(chat.getInteractionHistory().previousInteractionId).toBeUndefined();
  });

  it("the fake's tool-mix refusal is the text users quoted from the service", () => {
    expect(quotedErrors()).toContain(TOOL_MIX_MESSAGE);
  });
});
