/**
 * The checks the real Gemini API makes on a request that matter to an agent loop. Each returns
 * the 400 message the service would send, or undefined when the request is acceptable.
 */
import { isDeepStrictEqual } from 'node:util';
import type { Content, Part, RecordedRequest } from './wire.js';

/**
 * Models before Gemini 3 (`gemini-1.*`, `gemini-2.*`), which differ in what they accept: they
 * refuse images inside function responses and code execution beside function declarations, and
 * take function calls back unsigned. Every other name (`gemini-3*`, `gemini-4*`, the `-latest`
 * aliases) is treated as a current model.
 */
export function isLegacyModel(model: string): boolean {
  return /^gemini-[12][.-]/.test(model);
}

/**
 * What a model without multimodal function responses answers, as a bare 400 INVALID_ARGUMENT
 * body, in the words quoted for Gemini 2.5 in google-gemini/gemini-cli#19436.
 */
export const FUNCTION_RESPONSE_PARTS_REFUSAL =
  'Unable to submit request because `function_response.parts` is not supported for this model. Learn more: https://cloud.google.com/vertex-ai/generative-ai/docs/multimodal/function-calling';

/** Parts the server sent with a thought signature, by signature: they must come back verbatim. */
export type IssuedSignatures = ReadonlyMap<string, Part>;

export function validateRequest(request: RecordedRequest, issued: IssuedSignatures): string | undefined {
  const { contents } = request.body;
  if (!Array.isArray(contents) || contents.length === 0) return '* GenerateContentRequest.contents: contents is not specified';
  return checkTurns(contents) ?? checkSignatures(contents, issued, request.model) ?? checkFunctionResponses(contents, request.model) ?? checkTools(request);
}

function checkTurns(contents: Content[]): string | undefined {
  for (const [index, content] of contents.entries()) {
    if (content.role !== 'user' && content.role !== 'model')
      return `Please use a valid role: user, model. (contents[${index}].role = ${JSON.stringify(content.role)})`;
    if (!Array.isArray(content.parts) || content.parts.length === 0)
      return `* GenerateContentRequest.contents[${index}].parts: contents.parts must not be empty.`;
    for (const [p, part] of content.parts.entries()) {
      const data = ['text', 'inlineData', 'fileData', 'functionCall', 'functionResponse', 'executableCode', 'codeExecutionResult'].filter((key) => key in part);
      if (data.length !== 1)
        return `* GenerateContentRequest.contents[${index}].parts[${p}].data: must have exactly one data field; got ${data.join(', ') || 'none'}`;
    }
    if (index > 0 && contents[index - 1].role === content.role)
      return `Please ensure that multiturn requests alternate between user and model (contents[${index - 1}] and contents[${index}] are both ${content.role}).`;
  }
  if (contents[0].role !== 'user') return 'Please ensure that the conversation starts with a user turn.';
  if (contents.at(-1)?.role !== 'user') return 'Please ensure that the last turn is a user turn (or a function response).';
  return undefined;
}

/**
 * Signatures come back on the parts they were issued with. A function-call turn without one is
 * refused except on legacy models: 2.5 calls often carry none, and the live API took them back unsigned
 * (recorded: vercel-ai__function-call-roundtrip-gemini25flashlite.json).
 */
function checkSignatures(contents: Content[], issued: IssuedSignatures, model: string): string | undefined {
  for (const [index, content] of contents.entries()) {
    if (content.role !== 'model') continue;
    const parts = content.parts ?? [];
    const firstCall = parts.findIndex((part) => part.functionCall);
    if (firstCall >= 0 && !parts[firstCall].thoughtSignature && !isLegacyModel(model)) {
      return `Function call is missing a thought_signature in functionCall parts. This is required for tools to work correctly, and missing thought_signature may lead to degraded model performance. Additional data, function call \`default_api:${parts[firstCall].functionCall?.name}\` , position ${index + 1}. Please refer to https://ai.google.dev/gemini-api/docs/thought-signatures for more details.`;
    }
    for (const [p, part] of parts.entries()) {
      if (!part.thoughtSignature) continue;
      const original = issued.get(part.thoughtSignature);
      if (!original) return `Corrupted thought signature at contents[${index}].parts[${p}].`;
      if (!isDeepStrictEqual(stripUndefined(part), stripUndefined(original)))
        return `Thought signature at contents[${index}].parts[${p}] does not belong to this part (model turns must be sent back unchanged).`;
    }
  }
  return undefined;
}

function checkFunctionResponses(contents: Content[], model: string): string | undefined {
  for (const [index, content] of contents.entries()) {
    const parts = content.parts ?? [];
    const responses = parts.flatMap((part) => (part.functionResponse ? [part.functionResponse] : []));
    if (content.role === 'user' && responses.length > 0) {
      const previous = contents[index - 1];
      const calls = (previous?.parts ?? []).flatMap((part) => (part.functionCall ? [part.functionCall] : []));
      if (previous?.role !== 'model' || calls.length === 0)
        return `contents[${index}]: a function response turn must come right after a model turn with function calls.`;
      if (calls.length !== responses.length) {
        return `Please ensure that the number of function response parts is equal to the number of function call parts of the function call turn (contents[${index}]: ${responses.length} responses for ${calls.length} calls).`;
      }
      for (const [i, call] of calls.entries()) {
        const response = call.id !== undefined ? responses.find((r) => r.id === call.id) : responses[i];
        if (!response) return `contents[${index}]: no function response has id ${JSON.stringify(call.id)} (function call ${call.name}).`;
        if (response.name !== call.name)
          return `contents[${index}]: function response name ${JSON.stringify(response.name)} does not match function call name ${JSON.stringify(call.name)}.`;
        if (typeof response.response !== 'object' || response.response === null)
          return `contents[${index}]: function response for ${call.name} needs a response object.`;
        if (response.parts?.length && isLegacyModel(model)) return FUNCTION_RESPONSE_PARTS_REFUSAL;
      }
    }
    if (content.role === 'model' && parts.some((part) => part.functionCall)) {
      const next = contents[index + 1];
      if (!next?.parts?.some((part) => part.functionResponse))
        return `contents[${index + 1}]: a model turn with function calls must be followed by a user turn with their function responses.`;
    }
  }
  return undefined;
}

function checkTools(request: RecordedRequest): string | undefined {
  const tools = request.body.tools ?? [];
  const hasCodeExecution = tools.some((tool) => tool.codeExecution);
  const hasFunctions = tools.some((tool) => tool.functionDeclarations?.length);
  if (hasCodeExecution && hasFunctions && isLegacyModel(request.model))
    return 'Tool use with function calling is unsupported by the model when code execution is enabled.';
  for (const tool of tools) {
    for (const declaration of tool.functionDeclarations ?? []) {
      if (!declaration.name || !/^[a-zA-Z_][a-zA-Z0-9_.:-]{0,63}$/.test(declaration.name)) return `Invalid function name ${JSON.stringify(declaration.name)}.`;
    }
  }
  return undefined;
}

function stripUndefined<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
