/**
 * The Interactions API traffic recorded from the live API by outside projects, read from
 * `../shared/eval/recorded-gemini/interactions/` beside the repository (never copied into it; see
 * its README): `.chunks.txt` files hold one SSE `data:` payload per line, `.json` files one
 * `Interaction` body.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe } from 'vitest';

export const RECORDED_INTERACTIONS_DIR = fileURLToPath(new URL('../../../shared/eval/recorded-gemini/interactions/', import.meta.url));

/** Why suites on the recordings are skipped (a clone without `../shared`), or undefined when the folder is there. */
export const RECORDED_INTERACTIONS_MISSING: string | undefined = existsSync(RECORDED_INTERACTIONS_DIR)
  ? undefined
  : `skipped: the recordings are not in ${RECORDED_INTERACTIONS_DIR} (../shared/eval/recorded-gemini/interactions beside the repository)`;

/** A suite on the recordings: skipped, saying why, where they are not there. */
export function describeRecordedInteractions(name: string, suite: () => void): void {
  describe.skipIf(RECORDED_INTERACTIONS_MISSING)(RECORDED_INTERACTIONS_MISSING ? `${name} (${RECORDED_INTERACTIONS_MISSING})` : name, suite);
}

const read = (file: string) => readFileSync(`${RECORDED_INTERACTIONS_DIR}${file}`, 'utf8');

/** A `.chunks.txt` recording's events, parsed. */
export function recordedEvents(file: string): Array<Record<string, unknown>> {
  return read(file)
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** A `.chunks.txt` recording as the SSE body the service sent (`event:` lines restored, which the SDK ignores). */
export function recordedStreamBody(file: string): string {
  return recordedEvents(file)
    .map((event) => `event: ${String(event.event_type)}\ndata: ${JSON.stringify(event)}\n\n`)
    .join('');
}

/** A `.json` recording: one interaction body. */
export function recordedInteraction(file: string): Record<string, unknown> {
  return JSON.parse(read(file)) as Record<string, unknown>;
}

/** The quoted error texts (not a recording: texts from issue threads). */
export function quotedErrors(): string {
  return read('quoted__interactions-errors.md');
}
