/**
 * Placeholders in recorded model text. A recorded answer cannot know numbers computed live at
 * replay time, so it quotes them: `{{output}}` (the latest run's output, trimmed), `{{last_line}}`
 * (the last line it printed: a summary, where the output's tables are already on screen in the
 * cell), `{{result}}` (its trailing expression's repr) and `{{error}}` (its error, if any). They are
 * filled from the most recent function response in the request, i.e. what the model would have seen.
 *
 * The values come from the sandbox, which runs untrusted code (a cell can patch `print`, even in
 * an earlier conversation on the same interpreter): they go in as text, never as Markdown or HTML.
 */
import type { Content, FunctionResponse } from '@google/genai';
import { literal } from '../markdown-literal.js';

const PLACEHOLDER = /\{\{\s*(output|last_line|result|error)\s*\}\}/g;

/** The latest `run_python`-style response in the request contents (searching backwards). */
export function latestFunctionResponse(contents: readonly Content[]): FunctionResponse | undefined {
  for (let i = contents.length - 1; i >= 0; i--) {
    const parts = contents[i].parts ?? [];
    for (let p = parts.length - 1; p >= 0; p--) if (parts[p].functionResponse) return parts[p].functionResponse;
  }
  return undefined;
}

/**
 * Replaces the placeholders in `text` with values from `response` (nothing when missing), each as
 * literal text: a code span for one line, a fenced block for several.
 */
export function fillTemplate(text: string, response: FunctionResponse | undefined): string {
  return text.replace(PLACEHOLDER, (_match, key: string) => {
    const value = key === 'last_line' ? lastLine(response?.response?.output) : response?.response?.[key];
    if (value === undefined || value === '') return '';
    return literal(typeof value === 'string' ? value : JSON.stringify(value));
  });
}

function lastLine(output: unknown): string | undefined {
  return typeof output === 'string' ? output.trimEnd().split('\n').at(-1) : undefined;
}

/** A copy of a model turn with the placeholders in its text parts filled. */
export function fillTurn(turn: Content, contents: readonly Content[]): Content {
  const response = latestFunctionResponse(contents);
  return {
    ...turn,
    parts: (turn.parts ?? []).map((part) =>
      typeof part.text === 'string' && !part.thought ? { ...part, text: fillTemplate(part.text, response) } : { ...part },
    ),
  };
}
