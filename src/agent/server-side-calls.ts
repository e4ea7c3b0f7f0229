/**
 * Which of a model turn's function calls are the caller's to answer.
 *
 * With tools that Google's server runs itself (a server-side MCP server, `googleSearch`,
 * `urlContext`, `fileSearch`, code execution beside functions on Gemini 3), the model's turn holds
 * the server's `functionCall` and, later in the same turn, its `functionResponse`. Those calls are
 * answered already: they stay in history and transcript as they are, and need no request of ours.
 * One rule: a call is answered in its turn when a later `functionResponse` of the turn matches it
 * (by `id` when both have one, else by name), each response matching the earliest open call.
 */
import type { Part } from '@google/genai';

/** The function-call parts of `parts` that no later response of the same turn answers. */
export function openCalls(parts: readonly Part[]): Set<Part> {
  const open: Part[] = [];
  for (const part of parts) {
    if (part.functionCall) open.push(part);
    const response = part.functionResponse;
    if (!response) continue;
    const index = open.findIndex(({ functionCall: call }) =>
      call!.id !== undefined && response.id !== undefined ? call!.id === response.id : call!.name === response.name,
    );
    if (index >= 0) open.splice(index, 1);
  }
  return new Set(open);
}

/**
 * Streamed function-call arguments (Vertex `partialArgs`, `willContinue`) arrive as fragments of
 * one call spread over several parts; answering each fragment would send the API a request it
 * refuses. They are not supported: this says so, instead of a confusing 400 later.
 */
export function rejectStreamedArguments(parts: readonly Part[]): void {
  if (parts.some((part) => part.functionCall && (part.functionCall.partialArgs !== undefined || part.functionCall.willContinue !== undefined))) {
    throw new TypeError(
      'The model streamed function-call arguments (partialArgs), which this loop does not support: turn off toolConfig.functionCallingConfig.streamFunctionCallArguments',
    );
  }
}
