/**
 * The one-shot form: like `ai.models.generateContent`, with the code execution loop inside.
 */
import { type Content, type ContentListUnion, type GenerateContentResponse, type PartListUnion, createUserContent } from '@google/genai';
import { attachmentPath } from './attachments.js';
import { resolveExistingFiles } from './run-python/existing-files.js';
import { appendUserTurn, checkHistory } from './history.js';
import { generateOnInteractions, resolveInteractions } from './interactions/conversation.js';
import { runCodeExecutionLoop } from './loop.js';
import { responseImages } from './response-images.js';
import { requestConfig, resolveSetup, userTurn } from './setup.js';
import type { GenerateWithCodeExecutionParameters } from './types.js';

/**
 * Sends `contents`, runs the code the model asks for (locally or on Gemini's servers), and
 * returns the transcript as `candidates[0].content.parts`, as {@link CodeExecutionChat.sendMessage} does.
 * The API history of the exchange (the request and every turn after it) is in
 * `automaticFunctionCallingHistory`, as for the SDK's automatic function calling.
 *
 * @param params The chat options (`ai`, `model`, `execution`, `sandbox`, …) with `contents` and
 *   optional `attachments`.
 * @returns The final answer with the whole transcript as its parts.
 * @throws {TypeError | RangeError} a malformed option, content or attachment.
 * @throws The SDK's `ApiError` for an API failure, an `AbortError` when `config.abortSignal` fires.
 *
 * @example
 * ```ts
 * const res = await generateWithCodeExecution({ ai, model: 'gemini-flash-latest', sandbox, contents: 'Plot sin(x)' });
 * ```
 */
export async function generateWithCodeExecution(params: GenerateWithCodeExecutionParameters): Promise<GenerateContentResponse> {
  const setup = resolveSetup(params);
  let contents = toContents(params.contents);
  const attachments = params.attachments ?? [];
  const existingFiles = resolveExistingFiles({ existingFiles: params.existingFiles });
  const interactions = resolveInteractions(params);
  if (attachments.length > 0) contents = appendUserTurn(contents, await userTurn(setup, undefined, attachments));
  const files = [...new Set([...existingFiles, ...attachments.map(attachmentPath)])];
  // The Interactions API keeps no Contents: the exchange's steps are not returned as automaticFunctionCallingHistory.
  if (interactions) return generateOnInteractions(setup, interactions, contents, files);
  const { response, contents: history } = await runCodeExecutionLoop({
    client: setup.client,
    model: setup.model,
    config: requestConfig(setup, setup.config, files),
    contents,
    maxSteps: setup.maxSteps,
    calls: { sandbox: setup.sandbox, functions: setup.functions },
    images: responseImages(setup.images),
    emit: setup.emit,
  });
  response.automaticFunctionCallingHistory = history;
  return response;
}

/** `ContentListUnion` as a list of contents (copied), as the SDK reads it. */
function toContents(contents: ContentListUnion): Content[] {
  const list: unknown[] = Array.isArray(contents) ? contents : [contents];
  if (list.length > 0 && list.every(isContent)) {
    const copy = structuredClone(list as Content[]);
    checkHistory(copy);
    return copy;
  }
  return [createUserContent(structuredClone(contents as PartListUnion))];
}

function isContent(value: unknown): value is Content {
  return typeof value === 'object' && value !== null && Array.isArray((value as Content).parts);
}
