/**
 * Interactions steps as the transcript parts every renderer already knows: text (and thought
 * summaries), `executableCode`, `codeExecutionResult` with its outcome, and `inlineData` /
 * `fileData` for media. Function calls and their results are not mapped here: the loop answers
 * the calls and shows each as the generateContent loop does.
 */
import { type GenerateContentResponseUsageMetadata, type Interactions, Language, Outcome, type Part } from '@google/genai';
import type { InteractionStep } from './types.js';

/** Longest `language` kept from a `code_execution_call` (it is shown, and sent back). */
const MAX_LANGUAGE_CHARS = 32;

/**
 * The transcript parts of one step (none for input, calls, results of function calls and step
 * types this library does not know).
 *
 * A `code_execution_result` becomes `OUTCOME_FAILED` when the step says `is_error`, else
 * `OUTCOME_OK`: the Interactions API has no outcome for a run stopped at its deadline, so
 * `OUTCOME_DEADLINE_EXCEEDED` never appears in server mode here.
 */
export function stepParts(step: InteractionStep): Part[] {
  switch (step.type) {
    case 'model_output':
      return contentParts(step.content ?? []);
    case 'thought':
      return contentParts(step.summary ?? []).map((part) => (typeof part.text === 'string' ? { ...part, thought: true } : part));
    case 'code_execution_call':
      return [codePart(step)];
    case 'code_execution_result':
      return resultParts(step);
    default:
      return [];
  }
}

/** The `executableCode` part of a server-side run. Its language is kept as sent (`bash` shows as `BASH`, not as Python). */
export function codePart(step: Interactions.CodeExecutionCallStep): Part {
  const language = typeof step.arguments?.language === 'string' ? step.arguments.language.slice(0, MAX_LANGUAGE_CHARS).toUpperCase() : Language.PYTHON;
  const code = typeof step.arguments?.code === 'string' ? step.arguments.code : '';
  return { executableCode: { code, language: language as Language, ...(step.id && { id: step.id }) } };
}

/**
 * The `codeExecutionResult` part of a server-side run and its images. `result` is text (SDK
 * 2.32's type) or content blocks (SDK 3.x's): text blocks make the output, media blocks follow
 * as their own parts.
 */
export function resultParts(step: Interactions.CodeExecutionResultStep): Part[] {
  const result: unknown = step.result;
  const blocks = Array.isArray(result) ? (result as Interactions.Content[]) : [];
  const output =
    typeof result === 'string' ? result : blocks.flatMap((block) => (block?.type === 'text' && typeof block.text === 'string' ? [block.text] : [])).join('');
  const outcome = step.is_error ? Outcome.OUTCOME_FAILED : Outcome.OUTCOME_OK;
  return [
    { codeExecutionResult: { outcome, output, ...(step.call_id && { id: step.call_id }) } },
    ...contentParts(blocks.filter((block) => block?.type !== 'text')),
  ];
}

/** Content blocks as parts: text as text, media by value as `inlineData`, by URI as `fileData`; blocks of unknown shape are left out. */
export function contentParts(blocks: readonly Interactions.Content[]): Part[] {
  return blocks.flatMap((block): Part[] => {
    if (!block || typeof block !== 'object') return [];
    if (block.type === 'text') return typeof block.text === 'string' ? [{ text: block.text }] : [];
    const media = block as { data?: unknown; uri?: unknown; mime_type?: unknown };
    const mimeType = typeof media.mime_type === 'string' ? media.mime_type : undefined;
    if (typeof media.data === 'string') return [{ inlineData: { data: media.data, ...(mimeType && { mimeType }) } }];
    if (typeof media.uri === 'string') return [{ fileData: { fileUri: media.uri, ...(mimeType && { mimeType }) } }];
    return [];
  });
}

/** Interactions usage in the generateContent shape the transcript carries. */
export function usageMetadata(usage: Interactions.Usage | undefined): GenerateContentResponseUsageMetadata | undefined {
  if (!usage || typeof usage !== 'object') return undefined;
  const counts: Array<[keyof GenerateContentResponseUsageMetadata, number | undefined]> = [
    ['promptTokenCount', usage.total_input_tokens],
    ['candidatesTokenCount', usage.total_output_tokens],
    ['thoughtsTokenCount', usage.total_thought_tokens],
    ['toolUsePromptTokenCount', usage.total_tool_use_tokens],
    ['cachedContentTokenCount', usage.total_cached_tokens],
    ['totalTokenCount', usage.total_tokens],
  ];
  const metadata: Record<string, number> = {};
  for (const [key, value] of counts) if (typeof value === 'number' && Number.isFinite(value)) metadata[key] = value;
  return Object.keys(metadata).length > 0 ? (metadata as GenerateContentResponseUsageMetadata) : undefined;
}
