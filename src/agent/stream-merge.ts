/**
 * Turns the chunks of one streamed model response into the single response the non-streaming
 * call would have returned, so the model's turn goes into history as one `Content`.
 */
import { type Candidate, GenerateContentResponse, type Part } from '@google/genai';

/**
 * Concatenates streamed parts. Adjacent plain text deltas are joined; a part that carries a
 * `thoughtSignature` is kept exactly as received and never joined with its neighbours, even when
 * its text is empty (Gemini can send the signature that way, and it must come back unchanged).
 * Empty text parts with nothing else on them are dropped.
 */
export function mergeStreamedParts(parts: readonly Part[]): Part[] {
  const merged: Part[] = [];
  for (const part of parts) {
    if (isPlainText(part) && part.text === '') continue;
    const previous = merged.at(-1);
    if (previous && isPlainText(previous) && isPlainText(part) && Boolean(previous.thought) === Boolean(part.thought)) {
      merged[merged.length - 1] = { ...previous, text: `${previous.text}${part.text}` };
    } else {
      merged.push(structuredClone(part));
    }
  }
  return merged;
}

/** The streamed chunks of one response as one response (parts merged, last chunk's metadata). */
export function mergeStreamedResponses(chunks: readonly GenerateContentResponse[]): GenerateContentResponse {
  const last = chunks.at(-1);
  const parts = mergeStreamedParts(chunks.flatMap((chunk) => chunk.candidates?.[0]?.content?.parts ?? []));
  const candidate: Candidate = {};
  // Candidate metadata (finishReason, safety ratings, citations) is on the chunks that carry it, usually the last.
  for (const chunk of chunks) {
    const { content: _content, ...rest } = chunk.candidates?.[0] ?? {};
    Object.assign(candidate, rest);
  }
  if (parts.length > 0) candidate.content = { role: 'model', parts };
  // usageMetadata is a running total: the last one counts.
  const usageMetadata = chunks.findLast((chunk) => chunk.usageMetadata)?.usageMetadata;
  const promptFeedback = chunks.find((chunk) => chunk.promptFeedback)?.promptFeedback;
  return Object.assign(new GenerateContentResponse(), {
    candidates: [candidate],
    ...(usageMetadata && { usageMetadata }),
    ...(last?.modelVersion && { modelVersion: last.modelVersion }),
    ...(last?.responseId && { responseId: last.responseId }),
    ...(last?.sdkHttpResponse && { sdkHttpResponse: last.sdkHttpResponse }),
    ...(promptFeedback && { promptFeedback }),
  });
}

/** A text part with nothing else on it that matters to the API (no signature, no metadata). */
function isPlainText(part: Part): part is Part & { text: string } {
  return typeof part.text === 'string' && Object.keys(part).every((key) => key === 'text' || key === 'thought');
}
