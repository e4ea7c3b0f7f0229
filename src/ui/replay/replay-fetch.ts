/**
 * The replay provider: a `fetch` for `new GoogleGenAI({ httpOptions: { fetch } })` that answers
 * generateContent / streamGenerateContent requests from a {@link Recording} instead of Gemini.
 *
 * Nothing above the HTTP layer knows: the real SDK parses the answers and the real agent loop runs
 * unchanged, including the code in the recorded function calls, live, in the sandbox.
 *
 * Which turn answers a request is read from the request itself (stateless, so a retried or
 * abandoned message replays the same turn): the number of user messages in `contents` picks the
 * recorded message, the number of model turns after it picks the step.
 */
import type { Content, GenerateContentResponse, Part } from '@google/genai';
import type { Recording } from './recording.js';
import { fillTurn } from './template.js';

export interface ReplayFetchOptions {
  /** Pause between streamed chunks, for a natural typing pace (default 25 ms; 0 in tests is fine). */
  chunkDelayMs?: number;
  /** Characters per streamed text chunk (default 24). */
  chunkChars?: number;
}

const ROUTE = /\/models\/([^/:]+):(generateContent|streamGenerateContent)$/;

/** Which recorded turn answers a request with these contents. */
export function turnIndexFor(contents: readonly Content[]): { message: number; step: number } {
  let message = -1;
  let step = 0;
  for (const content of contents) {
    const isMessage = content.role === 'user' && !(content.parts ?? []).some((part) => part.functionResponse);
    if (isMessage) {
      message++;
      step = 0;
    } else if (content.role === 'model') {
      step++;
    }
  }
  return { message, step };
}

/** A `fetch` that answers Gemini requests from `recording`. Other URLs get a 404. */
export function createReplayFetch(recording: Recording, options: ReplayFetchOptions = {}): typeof fetch {
  const chunkDelayMs = options.chunkDelayMs ?? 25;
  const chunkChars = options.chunkChars ?? 24;
  return async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const route = ROUTE.exec(url.pathname);
    if (!route) return errorResponse(404, 'NOT_FOUND', `The demo player only answers generateContent requests (got ${url.pathname}).`);
    const bodyText = typeof init?.body === 'string' ? init.body : input instanceof Request ? await input.text() : '';
    let contents: Content[];
    try {
      contents = (JSON.parse(bodyText) as { contents?: Content[] }).contents ?? [];
    } catch {
      return errorResponse(400, 'INVALID_ARGUMENT', 'Invalid JSON payload received.');
    }
    const { message, step } = turnIndexFor(contents);
    const turn = recording.messages[message]?.turns[step];
    if (!turn) {
      const where =
        message >= recording.messages.length
          ? `message ${message + 1} (the demo has ${recording.messages.length})`
          : `step ${step + 1} of message ${message + 1}`;
      return errorResponse(
        400,
        'FAILED_PRECONDITION',
        `The recorded demo "${recording.title}" has no answer for ${where}. Restart the demo, or add an API key to chat live.`,
      );
    }
    const content = fillTurn(structuredClone(turn), contents);
    const modelVersion = recording.model;
    if (route[2] === 'generateContent') return jsonResponse(responseFor(content.parts ?? [], modelVersion, true));
    return sseResponse(
      chunkParts(content.parts ?? [], chunkChars).map((parts, i, all) => responseFor(parts, modelVersion, i === all.length - 1)),
      chunkDelayMs,
      init?.signal ?? undefined,
    );
  };
}

function responseFor(parts: Part[], modelVersion: string, last: boolean): GenerateContentResponse {
  return {
    candidates: [{ content: { role: 'model', parts }, index: 0, ...(last && { finishReason: 'STOP' }) }],
    modelVersion,
  } as GenerateContentResponse;
}

/**
 * Splits a turn into stream chunks the way Gemini streams: text in small deltas, every other
 * part whole and in its own chunk (a part with a thought signature is never split).
 */
export function chunkParts(parts: readonly Part[], chunkChars: number): Part[][] {
  const chunks: Part[][] = [];
  for (const part of parts) {
    const plainText = typeof part.text === 'string' && Object.keys(part).every((key) => key === 'text' || key === 'thought');
    if (!plainText || part.text!.length <= chunkChars) {
      chunks.push([part]);
      continue;
    }
    const words = part.text!.match(/\S+\s*|\s+/g) ?? [part.text!];
    let current = '';
    for (const word of words) {
      if (current.length + word.length > chunkChars && current) {
        chunks.push([{ ...part, text: current }]);
        current = '';
      }
      current += word;
    }
    if (current) chunks.push([{ ...part, text: current }]);
  }
  return chunks.length > 0 ? chunks : [[]];
}

function jsonResponse(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json; charset=UTF-8' } });
}

function errorResponse(code: number, status: string, message: string): Response {
  return jsonResponse({ error: { code, status, message } }, code);
}

function sseResponse(events: unknown[], delayMs: number, signal: AbortSignal | undefined): Response {
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    async start(controller) {
      for (const [index, event] of events.entries()) {
        if (index > 0 && delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
        if (signal?.aborted) {
          controller.error(signal.reason ?? new DOMException('Aborted', 'AbortError'));
          return;
        }
        controller.enqueue(encoder.encode(`data: ${JSON.stringify(event)}\r\n\r\n`));
      }
      controller.close();
    },
  });
  return new Response(body, { status: 200, headers: { 'content-type': 'text/event-stream' } });
}
