/**
 * The transcript: what the user sees of a message, shaped like server-side code execution.
 * Model text passes through; each local run appears as executableCode, codeExecutionResult and
 * inlineData parts where the call was. The raw function-call turns stay in the history.
 */
import { FinishReason, GenerateContentResponse, type GenerateContentResponseUsageMetadata, type Part, createPartFromText } from '@google/genai';

/** Part kinds a UI renders, in the order they appear (used to compare the two modes). */
export type PartKind = 'text' | 'thought' | 'executableCode' | 'codeExecutionResult' | 'inlineData' | 'functionCall' | 'functionResponse' | 'other';

/**
 * The kind of a transcript part, for renderers: `thought` for text flagged as a thought, `other`
 * for anything not listed in {@link PartKind}.
 *
 * @param part A part of a response's `candidates[0].content.parts`.
 * @returns Its kind.
 */
export function partKind(part: Part): PartKind {
  if (typeof part.text === 'string') return part.thought ? 'thought' : 'text';
  if (part.executableCode) return 'executableCode';
  if (part.codeExecutionResult) return 'codeExecutionResult';
  if (part.inlineData) return 'inlineData';
  if (part.functionCall) return 'functionCall';
  if (part.functionResponse) return 'functionResponse';
  return 'other';
}

/** A streamed transcript chunk: some parts, as a `GenerateContentResponse` (so `.text` works). */
export function transcriptChunk(
  parts: Part[],
  extra: { usageMetadata?: GenerateContentResponseUsageMetadata; finishReason?: FinishReason; finishMessage?: string; from?: GenerateContentResponse } = {},
): GenerateContentResponse {
  const { from, usageMetadata, finishReason, finishMessage } = extra;
  return Object.assign(new GenerateContentResponse(), {
    candidates: [{ index: 0, content: { role: 'model', parts }, ...(finishReason && { finishReason }), ...(finishMessage && { finishMessage }) }],
    ...(usageMetadata && { usageMetadata }),
    ...(from?.modelVersion && { modelVersion: from.modelVersion }),
    ...(from?.responseId && { responseId: from.responseId }),
  });
}

/**
 * The response for a whole message: the transcript as the first candidate's parts, the last
 * model response's candidate metadata (safety ratings, citations…), usage summed over all steps.
 */
export function transcriptResponse(
  parts: Part[],
  last: GenerateContentResponse | undefined,
  usageMetadata: GenerateContentResponseUsageMetadata | undefined,
  finish?: { finishReason: FinishReason; finishMessage: string },
): GenerateContentResponse {
  const { content: _content, ...candidate } = last?.candidates?.[0] ?? {};
  return Object.assign(new GenerateContentResponse(), {
    candidates: [{ ...candidate, index: 0, content: { role: 'model', parts }, ...finish }],
    ...(usageMetadata && { usageMetadata }),
    ...(last?.modelVersion && { modelVersion: last.modelVersion }),
    ...(last?.responseId && { responseId: last.responseId }),
    ...(last?.promptFeedback && { promptFeedback: last.promptFeedback }),
    ...(last?.sdkHttpResponse && { sdkHttpResponse: last.sdkHttpResponse }),
  });
}

/** How the transcript ends when the step limit stops the loop. */
export function maxStepsFinish(maxSteps: number): { finishReason: FinishReason; finishMessage: string; part: Part } {
  const finishMessage = `Stopped after ${maxSteps} steps (limits.maxSteps) before the model gave a final answer. The last results were kept; send another message to let it continue.`;
  return { finishReason: FinishReason.TOO_MANY_TOOL_CALLS, finishMessage, part: createPartFromText(`\n\n[${finishMessage}]`) };
}
