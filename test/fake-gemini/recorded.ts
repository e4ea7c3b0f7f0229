/**
 * Responses recorded from the live Gemini API by outside projects, read from
 * `../shared/eval/recorded-gemini/` beside the repository (never copied into it; see its README).
 * Each loader returns the recording's own JSON, parsed, untouched.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { WireResponse } from './wire.js';

export const RECORDED_DIR = fileURLToPath(new URL('../../../shared/eval/recorded-gemini/', import.meta.url));

/** Whether the recordings are beside the repository (they are on every machine of this project). */
export const haveRecordings = existsSync(RECORDED_DIR);

/** A googleapis/js-genai replay file: per interaction, the request body and the response's SSE events (or body). */
export function jsGenaiInteractions(file: string): Array<{ request: unknown; events: WireResponse[] }> {
  const replay = JSON.parse(readFileSync(`${RECORDED_DIR}${file}`, 'utf8')) as { interactions: Array<{ request: { bodySegments?: unknown[] }; response: { bodySegments?: WireResponse[] } }> };
  return replay.interactions.map((interaction) => ({ request: interaction.request.bodySegments?.[0], events: interaction.response.bodySegments ?? [] }));
}

/** A vercel/ai `.chunks.txt` file: one SSE event payload per line. */
export function chunkLines(file: string): WireResponse[] {
  return readFileSync(`${RECORDED_DIR}${file}`, 'utf8')
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line) as WireResponse);
}

/** The response a non-streaming request would have had: the events' parts in one candidate, the last event's finish and usage. */
export function asOneResponse(events: WireResponse[]): WireResponse {
  const last = events.at(-1)!;
  const parts = events.flatMap((event) => event.candidates?.[0]?.content?.parts ?? []);
  const candidate = { ...last.candidates?.[0], content: { role: 'model', parts } };
  return { ...last, candidates: [candidate] };
}
