/**
 * Every generateContent exchange recorded from the live API (../shared/eval/recorded-gemini, read
 * in place) goes through the loop, streamed and not, through the fake server:
 * - a model turn with calls of ours: local mode, each call renamed `run_python` with new
 *   arguments and everything else kept byte for byte; the next request must carry the turn's
 *   signatures and ids unchanged, and answer each call by its id;
 * - any other model turn (answers, server-side code execution, server-side tools): one request,
 *   its parts passed through, its finish handed on;
 * - an error: the loop rejects with the API's status and message, history untouched.
 * Pydantic-ai streams are served as recorded bytes (CRLF framing, JSON spacing, key order).
 */
import type { Part } from '@google/genai';
import { describe, expect, it } from 'vitest';
import { createCodeExecutionChat } from '../../src/agent/index.js';
import { openCalls } from '../../src/agent/server-side-calls.js';
import { type Exchange, allExchanges, asOneResponse, describeRecorded, sseEvents } from '../fake-gemini/recorded.js';
import { clientFor } from '../fake-gemini/scenarios.js';
import type { Reply } from '../fake-gemini/server.js';
import type { WireResponse } from '../fake-gemini/wire.js';
import { collect, partsOf, useRecordedFake } from '../support/agent-fixtures.js';
import { ScriptedSandbox } from '../support/scripted-sandbox.js';

/** Streamed call arguments are refused by design (server-side-calls.test.ts). */
const exchanges = allExchanges().filter((e) => !e.file.includes('partialargs'));
const ok = exchanges.filter((e) => e.status === 200);
const errors = exchanges.filter((e) => e.status !== 200);
const label = (e: Exchange) => `${e.file} #${e.index}`;

const ctx = useRecordedFake();

const partsOfEvents = (events: WireResponse[]): Part[] => events.flatMap((event) => event.candidates?.[0]?.content?.parts ?? []);
const ownCalls = (events: WireResponse[]) => [...openCalls(partsOfEvents(events))];
/** The model the recording came from: the fake checks requests by model (signatures, multimodal responses). */
const modelOf = (e: Exchange) => e.events.find((event) => event.modelVersion)?.modelVersion ?? 'gemini-2.5-flash';

/** Our own calls renamed to `run_python`, every other byte of the envelope kept. */
function asRunPython(events: WireResponse[]): WireResponse[] {
  const ours = new Set(ownCalls(events));
  return events.map((event) => ({
    ...event,
    candidates: event.candidates?.map((candidate) => ({
      ...candidate,
      content: candidate.content && {
        ...candidate.content,
        parts: candidate.content.parts?.map((part) =>
          ours.has(part) ? { ...part, functionCall: { ...part.functionCall, name: 'run_python', args: { code: 'print(6 * 7)' } } } : part,
        ),
      },
    })),
  }));
}

/** The reply for an exchange: recorded bytes where the recording kept them, else the events as SSE or one body. */
function replyFor(e: Exchange, events: WireResponse[], stream: boolean): Reply {
  if (stream && e.raw !== undefined && events === e.events) return { raw: { status: 200, contentType: 'text/event-stream', body: e.raw, events } };
  return stream ? { chunks: events } : { response: asOneResponse(events) };
}

const chatFor = (e: Exchange, execution: 'local' | 'server') =>
  execution === 'server'
    ? createCodeExecutionChat({ ai: clientFor(ctx.fake), model: modelOf(e), execution })
    : createCodeExecutionChat({ ai: clientFor(ctx.fake), model: modelOf(e), sandbox: new ScriptedSandbox(() => ({ output: '42\n', stdout: '42\n' })) });

async function send(e: Exchange, execution: 'local' | 'server', stream: boolean) {
  const chat = chatFor(e, execution);
  const message = { message: 'Go.' };
  const parts = stream ? (await collect(await chat.sendMessageStream(message))).flatMap(partsOf) : partsOf(await chat.sendMessage(message));
  return { chat, parts };
}

describeRecorded('recorded Gemini traffic', () => {
  describe.each([false, true])('recorded exchanges through the loop (stream: %s)', (stream) => {
    const withCalls = ok.filter((e) => ownCalls(e.events).length > 0);
    const answers = ok.filter((e) => ownCalls(e.events).length === 0);

    it.each(withCalls.map((e) => [label(e), e] as const))('%s: signatures and ids come back unchanged, each call answered by its id', async (_name, e) => {
      const recorded = asRunPython(e.events);
      ctx.fake.script([
        { reply: replyFor(e, recorded, stream) },
        { reply: { response: { candidates: [{ content: { role: 'model', parts: [{ text: 'Done.' }] }, finishReason: 'STOP' as never }] } } },
      ]);
      await send(e, 'local', stream);
      expect(ctx.fake.failures).toEqual([]);
      expect(ctx.fake.requests).toHaveLength(2);
      const [, modelTurn, responses] = ctx.fake.requests[1].body.contents;
      const sentCalls = (modelTurn.parts ?? []).filter((part) => part.functionCall);
      const recordedCalls = partsOfEvents(recorded).filter((part) => part.functionCall);
      expect(sentCalls.map((part) => [part.thoughtSignature, part.functionCall?.id, part.functionCall?.name])).toEqual(
        recordedCalls.map((part) => [part.thoughtSignature, part.functionCall?.id, 'run_python']),
      );
      const answered = (responses.parts ?? []).filter((part) => part.functionResponse).map((part) => part.functionResponse?.id);
      expect(answered).toEqual(recordedCalls.map((part) => part.functionCall?.id));
      // Every signed part of the turn, not only the calls, goes back with its signature.
      const signed = (parts: Part[]) => parts.filter((part) => part.thoughtSignature).map((part) => part.thoughtSignature);
      expect(signed(modelTurn.parts ?? [])).toEqual(signed(partsOfEvents(recorded)).filter((signature) => signature !== undefined));
    });

    it.each(answers.map((e) => [label(e), e] as const))('%s: one request, the parts passed through, the finish handed on', async (_name, e) => {
      const server = partsOfEvents(e.events).some((part) => part.executableCode || part.codeExecutionResult);
      ctx.fake.script([{ reply: replyFor(e, e.events, stream) }]);
      const { parts } = await send(e, server ? 'server' : 'local', stream);
      expect(ctx.fake.failures).toEqual([]);
      expect(ctx.fake.requests).toHaveLength(1);
      const recorded = partsOfEvents(e.events);
      const kinds = (list: Part[]) =>
        list.filter((part) => part.text === undefined).map((part) => Object.keys(part).filter((key) => key !== 'thoughtSignature' && key !== 'thought'));
      expect(kinds(parts)).toEqual(kinds(recorded));
      expect(parts.map((part) => part.text ?? '').join('')).toBe(recorded.map((part) => part.text ?? '').join(''));
      const nonText = (list: Part[]) =>
        list
          .filter((part) => part.text === undefined)
          .map(({ executableCode, codeExecutionResult, inlineData, functionCall, functionResponse }) => ({
            executableCode,
            codeExecutionResult,
            inlineData,
            functionCall,
            functionResponse,
          }));
      expect(nonText(parts)).toEqual(nonText(recorded));
    });
  });

  describe.each([false, true])('recorded errors through the loop (stream: %s)', (stream) => {
    it.each(errors.map((e) => [label(e), e] as const))('%s: rejects with the API status and message, history untouched', async (_name, e) => {
      // As recorded: on the streaming endpoint, plain JSON with an event-stream content type.
      ctx.fake.script([
        {
          reply: {
            raw: { status: e.status, contentType: stream ? 'text/event-stream' : 'application/json; charset=UTF-8', body: JSON.stringify(e.error, null, 2) },
          },
        },
      ]);
      const chat = chatFor(e, 'local');
      const sent = stream ? chat.sendMessageStream({ message: 'Go.' }).then(collect) : chat.sendMessage({ message: 'Go.' });
      await expect(sent).rejects.toMatchObject({ name: 'ApiError', status: e.status, message: expect.stringContaining(e.error!.error.message.slice(0, 40)) });
      expect(chat.getHistory()).toEqual([]);
    });
  });

  /** The wire quirks the recordings show (their README), each checked on the data the fake serves: dropping one fails here. */
  describe('the fake serves the live wire as recorded', () => {
    const find = (file: string, index = 0) => exchanges.find((e) => e.file === file && e.index === index)!;

    it('streams byte for byte: CRLF-framed data: events, no [DONE], JSON spaced as Google sends it', async () => {
      const e = find('pydantic-ai__code-execution-stream-gemini3flash.yaml');
      ctx.fake.script([{ reply: { raw: { status: 200, contentType: 'text/event-stream', body: e.raw! } } }]);
      const res = await fetch(`${ctx.fake.baseUrl}/v1beta/models/m:streamGenerateContent?alt=sse`, {
        method: 'POST',
        headers: { 'x-goog-api-key': 'k' },
        body: JSON.stringify({ contents: [{ role: 'user', parts: [{ text: 'x' }] }] }),
      });
      const body = await res.text();
      expect(body).toBe(e.raw);
      expect(body).toMatch(/^data: \{"candidates": \[/);
      expect(body).toContain('\r\n\r\n');
      expect(body).not.toContain('[DONE]');
      expect(sseEvents(body)).toEqual(e.events);
    });

    it('has finishReason before the last event, content without parts, ids shared by code and result on Gemini 3 only, and one code with two results', () => {
      const stopAt = find('pydantic-ai__code-execution-stream-gemini25pro.yaml').events.findIndex((event) => event.candidates?.[0]?.finishReason);
      expect(stopAt).toBeLessThan(find('pydantic-ai__code-execution-stream-gemini25pro.yaml').events.length - 1);
      expect(find('pydantic-ai__max-tokens-no-parts-gemini25pro.yaml').events[0].candidates?.[0]?.content).toEqual({ role: 'model' });
      const g3 = partsOfEvents(find('pydantic-ai__code-execution-stream-gemini3flash.yaml').events);
      expect(g3.find((part) => part.executableCode)?.executableCode?.id).toBe(g3.find((part) => part.codeExecutionResult)?.codeExecutionResult?.id);
      expect(
        partsOfEvents(find('pydantic-ai__code-execution-gemini25pro.yaml').events).find((part) => part.executableCode)?.executableCode?.id,
      ).toBeUndefined();
      expect(partsOfEvents(find('vercel-ai__code-execution-two-results-reported.json').events).filter((part) => part.codeExecutionResult)).toHaveLength(2);
    });

    it('has thought code parts, server-assigned call ids, a 1.3 MB event, and a 5,488-character signature on a call', () => {
      expect(partsOfEvents(find('pydantic-ai__code-execution-stream-gemini25pro.yaml').events).some((part) => part.thought && part.executableCode)).toBe(true);
      expect(partsOfEvents(find('vercel-ai__function-call-roundtrip-gemini31flashlite.json').events)[0].functionCall?.id).toBe('PPik6Btt');
      expect(Math.max(...find('js-genai__stream-image-output-1.3MB.json').events.map((event) => JSON.stringify(event).length))).toBeGreaterThan(1_300_000);
      expect(partsOfEvents(find('vercel-ai__tool-call-gemini3pro.chunks.txt').events)[0].thoughtSignature).toHaveLength(5488);
    });
  });
});
