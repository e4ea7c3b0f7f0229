/**
 * A `tools/call` result as Python gets it. Everything in it is the server's, so hostile: read as
 * `unknown`, bounded before it is copied (`MAX_RESULT_CHARS` of text in all, `MAX_BLOCKS` content
 * blocks), and only strings, numbers and plain objects go on, as JSON (nothing is rendered here).
 *
 * - `structuredContent` (an object): that object, a Python `dict`;
 * - content of text blocks only: their text, joined by newlines, a `str` (none: `None`);
 * - other content: a `list`, a text block as its `str` and any other block as a `dict` with its
 *   `type`: `image` and `audio` with `mimeType` and base64 `data`; `resource` with `uri`,
 *   `mimeType` and `text` or base64 `blob`; `resource_link` with `uri`, `name`, `mimeType`,
 *   `description`; a type this does not know, its `type` alone.
 * - `isError`: an `Error` whose message is the server's text (up to `MAX_ERROR_CHARS`), which
 *   Python raises as `default_api.FunctionCallError`.
 */
import { FUNCTION_LIMITS } from '../../shared/function-limits.js';
import { isObject } from '../../common/json-object.js';

/** The most characters of strings one result may carry to Python (the sandbox's bound for a result). */
export const MAX_RESULT_CHARS = FUNCTION_LIMITS.maxResultChars;

/** The most content blocks one result may have. */
const MAX_BLOCKS = 1_000;

/** The most of a server's error text Python is told. */
export const MAX_ERROR_CHARS = 2_000;

/** Fields of a non-text block passed on, each a string. */
const BLOCK_FIELDS: Record<string, readonly string[]> = {
  image: ['mimeType', 'data'],
  audio: ['mimeType', 'data'],
  resource_link: ['uri', 'name', 'mimeType', 'description'],
};
const RESOURCE_FIELDS = ['uri', 'mimeType', 'text', 'blob'] as const;

/**
 * The Python value of a tool's `result`. (Python's exception names the function: the messages do not.)
 * @throws {Error} the server reported an error (`isError`), or the result is not one or is too large.
 */
export function pythonValue(result: unknown): unknown {
  if (!isObject(result)) throw new Error("the server's answer is not a tool result");
  const budget = new Budget();
  if (result.isError === true) throw new Error(errorText(result.content));
  if (isObject(result.structuredContent)) return budget.json(result.structuredContent);
  // The protocol's earliest result shape, which the SDK still accepts.
  if (!('content' in result) && 'toolResult' in result) return budget.json(result.toolResult);
  const content = result.content;
  if (!Array.isArray(content)) throw new Error("the server's result has no content list");
  if (content.length > MAX_BLOCKS) throw new Error(`the server's result has ${content.length} content blocks, over ${MAX_BLOCKS}`);
  const values = content.map((block) => blockValue(block, budget));
  if (values.every((value) => typeof value === 'string')) return values.length === 0 ? null : values.join('\n');
  return values;
}

/** The text of an error result's text blocks, bounded (what Python's exception says). */
export function errorText(content: unknown): string {
  const texts = (Array.isArray(content) ? content.slice(0, MAX_BLOCKS) : [])
    .filter((block): block is { text: string } => isObject(block) && block.type === 'text' && typeof block.text === 'string')
    .map((block) => block.text.slice(0, MAX_ERROR_CHARS));
  return bounded(texts.join('\n').trim() || 'the server reported an error without a message');
}

/** `text` cut to `MAX_ERROR_CHARS`, saying so. */
export function bounded(text: string): string {
  return text.length > MAX_ERROR_CHARS ? `${text.slice(0, MAX_ERROR_CHARS)}… (${text.length} characters)` : text;
}

function blockValue(block: unknown, budget: Budget): unknown {
  if (!isObject(block)) return { type: 'unknown' };
  const type = typeof block.type === 'string' ? block.type.slice(0, 100) : 'unknown';
  if (type === 'text') return budget.string(block.text);
  const out: Record<string, string> = { type };
  const fields = BLOCK_FIELDS[type];
  const source = type === 'resource' && isObject(block.resource) ? block.resource : block;
  for (const field of type === 'resource' ? RESOURCE_FIELDS : (fields ?? [])) {
    if (typeof source[field] === 'string') out[field] = budget.string(source[field]);
  }
  return out;
}

/** Counts the characters a result carries, and refuses it past `MAX_RESULT_CHARS`. */
class Budget {
  private used = 0;

  string(value: unknown): string {
    const text = typeof value === 'string' ? value : '';
    this.take(text.length);
    return text;
  }

  /** A JSON value the SDK parsed: measured by its JSON text, passed on as it is. */
  json(value: unknown): unknown {
    let text: string | undefined;
    try {
      text = JSON.stringify(value);
    } catch {
      throw new Error("the server's structured result is not JSON");
    }
    this.take(text?.length ?? 0);
    return value ?? null;
  }

  private take(chars: number): void {
    this.used += chars;
    if (this.used > MAX_RESULT_CHARS)
      throw new Error(`the server returned more than ${MAX_RESULT_CHARS.toLocaleString('en-US')} characters; ask it for less per call`);
  }
}
