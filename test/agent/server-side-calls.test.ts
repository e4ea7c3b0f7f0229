/**
 * Calls the server answered itself (server-side tools) are left to the server, on recorded
 * traffic (../shared/eval/recorded-gemini). Streamed function-call arguments are refused clearly.
 */
import type { Part } from '@google/genai';
import { describe, expect, it } from 'vitest';
import { createCodeExecutionChat } from '../../src/agent/index.js';
import { openCalls } from '../../src/agent/server-side-calls.js';
import { RECORDED_MISSING, asOneResponse, chunkLines, describeRecorded, jsGenaiInteractions } from '../fake-gemini/recorded.js';
import { MODEL, clientFor } from '../fake-gemini/scenarios.js';
import { collect, partsOf, useRecordedFake } from '../support/agent-fixtures.js';
import { ScriptedSandbox } from '../support/scripted-sandbox.js';

/** A server-side MCP tool: the model's turn streams the server's call, its response, then the answer. */
const MCP = RECORDED_MISSING ? [] : jsGenaiInteractions('js-genai__server-side-mcp-stream-gemini25flash.json')[0].events;
/** Vertex with streamed function-call arguments (partialArgs), four parallel calls. */
const PARTIAL_ARGS = RECORDED_MISSING ? [] : chunkLines('vercel-ai__vertex-stream-parallel-calls-partialargs.chunks.txt');
/** Two parallel calls in one turn, which are the caller's to answer. */
const PARALLEL = RECORDED_MISSING ? [] : jsGenaiInteractions('js-genai__parallel-calls-gemini25pro.json')[0].events;

const ctx = useRecordedFake();

const chatFor = () => createCodeExecutionChat({ ai: clientFor(ctx.fake), model: MODEL, sandbox: new ScriptedSandbox(() => ({ output: 'ran' })) });
const kinds = (parts: Part[]) => parts.map((part) => Object.keys(part).find((key) => key !== 'thoughtSignature' && key !== 'thought'));

describeRecorded('calls on recorded traffic', () => {
  describe('which calls are ours to answer', () => {
    it('a call the same turn answers (recorded server-side MCP tool) is not', () => {
      expect(openCalls(asOneResponse(MCP).candidates![0].content!.parts!).size).toBe(0);
    });

    it('recorded parallel calls without responses are', () => {
      const parts = asOneResponse(PARALLEL).candidates![0].content!.parts!;
      expect([...openCalls(parts)]).toEqual(parts.filter((part) => part.functionCall));
    });

    it('a response answers the call with its id, not another of the same name', () => {
      const first = { functionCall: { name: 'search', id: 'a' } };
      const second = { functionCall: { name: 'search', id: 'b' } };
      expect([...openCalls([first, second, { functionResponse: { name: 'search', id: 'b', response: {} } }])]).toEqual([first]);
    });
  });

  describe('a server-side tool turn (recorded MCP)', () => {
    it('streamed: makes no extra request, keeps the turn verbatim in history, and hands the caller its STOP', async () => {
      ctx.fake.script([{ reply: { chunks: MCP } }]);
      const chat = chatFor();
      const chunks = await collect(await chat.sendMessageStream({ message: 'What is the weather like in New York ON 02/02/2026?' }));
      expect(ctx.fake.requests).toHaveLength(1);
      expect(ctx.fake.failures).toEqual([]);
      expect(chunks.at(-1)?.candidates?.[0]?.finishReason).toBe('STOP');
      const transcript = chunks.flatMap(partsOf);
      expect(kinds(transcript)).toEqual(expect.arrayContaining(['functionCall', 'functionResponse', 'text']));
      expect(transcript.map((part) => part.text ?? '').join('')).toContain('-13');
      // The model's turn, merged as streamed turns are (adjacent text joined), with the server's call and response as recorded.
      const recorded = asOneResponse(MCP).candidates![0].content!.parts!;
      const turn = chat.getHistory()[1];
      expect(turn.parts?.slice(0, 2)).toEqual(recorded.slice(0, 2));
      expect(turn.parts?.[2].text).toBe(
        recorded
          .slice(2)
          .map((part) => part.text)
          .join(''),
      );
    });

    it('not streamed: makes no extra request and keeps the turn in order', async () => {
      ctx.fake.script([{ reply: { response: asOneResponse(MCP) } }]);
      const chat = chatFor();
      const res = await chat.sendMessage({ message: 'What is the weather like in New York ON 02/02/2026?' });
      expect(ctx.fake.requests).toHaveLength(1);
      expect(res.candidates?.[0]?.finishReason).toBe('STOP');
      expect(kinds(partsOf(res))).toEqual(['functionCall', 'functionResponse', 'text', 'text']);
      expect(chat.getHistory()).toHaveLength(2);
    });
  });

  describe('streamed function-call arguments (recorded Vertex partialArgs)', () => {
    it('are refused with a message that names the setting, sending nothing more and leaving history as it was', async () => {
      ctx.fake.script([{ reply: { chunks: PARTIAL_ARGS } }]);
      const chat = chatFor();
      await expect(collect(await chat.sendMessageStream({ message: 'Read the theme and the screens.' }))).rejects.toThrow(
        /partialArgs.*streamFunctionCallArguments/,
      );
      expect(ctx.fake.requests).toHaveLength(1);
      expect(chat.getHistory()).toEqual([]);
    });
  });
});
