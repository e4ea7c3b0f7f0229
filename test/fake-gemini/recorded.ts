/**
 * Responses recorded from the live Gemini API and Vertex AI by outside projects, read from
 * `../shared/eval/recorded-gemini/` beside the repository (never copied into it; see its README).
 * Every container format (vercel/ai JSON and chunk lists, googleapis/js-genai replays, pydantic-ai
 * VCR cassettes) becomes the same list of exchanges; the model's JSON stays as recorded.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe } from 'vitest';
import YAML from 'yaml';
import type { Content, WireResponse } from './wire.js';

export const RECORDED_DIR = fileURLToPath(new URL('../../../shared/eval/recorded-gemini/', import.meta.url));

/**
 * Why suites on the recordings are skipped (a clone without `../shared`, as users have), or
 * undefined when the folder is there. CI always has it.
 */
export const RECORDED_MISSING: string | undefined = existsSync(RECORDED_DIR)
  ? undefined
  : `skipped: the recordings are not in ${RECORDED_DIR} (../shared/eval/recorded-gemini beside the repository)`;

/** A suite on the recordings: skipped, saying why, where they are not there. */
export function describeRecorded(name: string, suite: () => void): void {
  describe.skipIf(RECORDED_MISSING)(RECORDED_MISSING ? `${name} (${RECORDED_MISSING})` : name, suite);
}

/** One generateContent request and what came back. */
export interface Exchange {
  /** The recording's file name, and which of its exchanges this is. */
  file: string;
  index: number;
  /** The request body, where recorded. */
  request?: { contents?: Content[]; tools?: unknown[] };
  stream: boolean;
  status: number;
  /** Status 200: the SSE events (stream) or the one body. */
  events: WireResponse[];
  /** Other statuses: the error body. */
  error?: { error: { code: number; message: string; status: string } };
  /** A streamed body exactly as it went over the wire (pydantic-ai cassettes keep it). */
  raw?: string;
}

const read = (file: string) => readFileSync(`${RECORDED_DIR}${file}`, 'utf8');
const isGenerate = (url: string) => /:(stream)?[gG]enerateContent/.test(url);

/** The payloads of an SSE body's `data:` events. */
export function sseEvents(raw: string): WireResponse[] {
  return raw
    .split(/\r?\n\r?\n/)
    .map((event) => event.replace(/^data: /, '').trim())
    .filter(Boolean)
    .map((json) => JSON.parse(json) as WireResponse);
}

/** Every generateContent exchange of one recording file (none for other files, e.g. the Live API log). */
export function exchangesOf(file: string): Exchange[] {
  const base = { file };
  const exchange = (index: number, stream: boolean, status: number, body: unknown, request?: Exchange['request'], raw?: string): Exchange =>
    status === 200
      ? {
          ...base,
          index,
          stream,
          status,
          events: stream ? (raw !== undefined ? sseEvents(raw) : (body as WireResponse[])) : [body as WireResponse],
          request,
          raw,
        }
      : { ...base, index, stream, status, events: [], error: body as Exchange['error'], request };
  if (file.endsWith('.chunks.txt')) {
    return [
      exchange(
        0,
        true,
        200,
        read(file)
          .split('\n')
          .filter((line) => line.trim())
          .map((line) => JSON.parse(line)),
      ),
    ];
  }
  if (file.startsWith('js-genai__') && file.endsWith('.json')) {
    const replay = JSON.parse(read(file)) as {
      interactions: Array<{ request: { url: string; bodySegments?: unknown[] }; response: { statusCode: number; bodySegments: unknown[] } }>;
    };
    return replay.interactions
      .filter((i) => isGenerate(i.request.url))
      .map((i, index) => {
        const stream = i.request.url.includes('streamGenerateContent');
        return exchange(
          index,
          stream,
          i.response.statusCode,
          stream && i.response.statusCode === 200 ? i.response.bodySegments : i.response.bodySegments[0],
          i.request.bodySegments?.[0] as Exchange['request'],
        );
      });
  }
  if (file.endsWith('.yaml')) {
    const cassette = YAML.parse(read(file)) as {
      interactions: Array<{
        request: { uri: string; parsed_body?: unknown };
        response: { status: { code: number }; body?: { string?: string }; parsed_body?: unknown };
      }>;
    };
    return cassette.interactions
      .filter((i) => isGenerate(i.request.uri))
      .map((i, index) => {
        const stream = i.request.uri.includes('streamGenerateContent');
        return exchange(
          index,
          stream,
          i.response.status.code,
          i.response.parsed_body,
          i.request.parsed_body as Exchange['request'],
          stream ? i.response.body?.string : undefined,
        );
      });
  }
  if (file.startsWith('vercel-ai__') && file.endsWith('.json')) {
    const body = JSON.parse(read(file)) as Record<string, unknown>;
    if (Array.isArray(body.calls)) {
      // Two shapes: { url, requestBody, responseStatus, responseBody } and { request: { url, body }, response: { status, body } }.
      type Call = {
        url?: string;
        requestBody?: Exchange['request'];
        responseStatus?: number;
        responseBody?: unknown;
        request?: { url: string; body: Exchange['request'] };
        response?: { status: number; body: unknown };
      };
      return (body.calls as Call[]).map((call, index) => {
        const url = call.url ?? call.request?.url ?? '';
        return exchange(
          index,
          url.includes('streamGenerateContent'),
          call.responseStatus ?? call.response?.status ?? 200,
          call.responseBody ?? call.response?.body,
          call.requestBody ?? call.request?.body,
        );
      });
    }
    if ('candidates' in body) return [exchange(0, false, 200, body)];
    if ('error' in body) return [exchange(0, false, (body.error as { code: number }).code, body)];
    // Named cases, each { status, body }.
    return Object.values(body as Record<string, { status: number; body: unknown }>).map((named, index) => exchange(index, false, named.status, named.body));
  }
  return [];
}

/** Every generateContent exchange in the folder, file by file. */
export function allExchanges(): Exchange[] {
  if (RECORDED_MISSING) return [];
  return readdirSync(RECORDED_DIR)
    .filter((file) => !file.endsWith('.SOURCE.txt') && file !== 'README.md')
    .sort()
    .flatMap(exchangesOf);
}

/** The response a non-streaming request would have had: the events' parts in one candidate, the last event's finish and usage. */
export function asOneResponse(events: WireResponse[]): WireResponse {
  const last = events.at(-1)!;
  const parts = events.flatMap((event) => event.candidates?.[0]?.content?.parts ?? []);
  const candidate = { ...last.candidates?.[0], content: { role: 'model', parts } };
  return { ...last, candidates: [candidate] };
}

/** A google js-genai replay's events (for tests that name one recording). */
export function jsGenaiInteractions(file: string): Array<{ request: unknown; events: WireResponse[] }> {
  return exchangesOf(file).map((e) => ({ request: e.request, events: e.events }));
}

/** A vercel/ai `.chunks.txt` file: one SSE event payload per line. */
export function chunkLines(file: string): WireResponse[] {
  return exchangesOf(file)[0].events;
}
