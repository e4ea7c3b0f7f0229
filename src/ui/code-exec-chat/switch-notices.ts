/**
 * The notes a conversation gets when a setting changes under it: where code runs, or which API
 * messages go through. The two APIs keep histories that do not convert (Contents vs. steps), and
 * Interactions steps hold `run_python` calls only one execution mode declares, so in those cases
 * the model starts afresh and the note says so.
 */
import type { ExecutionMode, GeminiApi } from '../../agent/index.js';

const FRESH_START = 'The model does not see the messages above.';

/** The note for a change of where code runs, on a chat that speaks `api`. */
export function executionSwitchNotice(execution: ExecutionMode, api: GeminiApi): string {
  const where = execution === 'server' ? "Code now runs on Gemini's servers (server-side code execution)." : 'Code now runs here, in your browser.';
  return api === 'interactions' ? `${where} ${FRESH_START}` : where;
}

/** The note for a change of API, or undefined when nothing really switched (a first value, or one that means the same API). */
export function apiSwitchNotice(previous: GeminiApi | undefined, api: GeminiApi): string | undefined {
  if (previous === undefined || (previous === 'interactions') === (api === 'interactions')) return undefined;
  return `Messages now go through the ${api === 'interactions' ? 'Interactions' : 'generateContent'} API; ${FRESH_START.charAt(0).toLowerCase()}${FRESH_START.slice(1)}`;
}
