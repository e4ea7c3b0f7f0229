import type { OutputChunk } from '../types.js';

/**
 * Joins streamed chunks into the result's three output fields. Used when the worker died and its
 * own (capped) account of the run is lost; the stream is already capped by the worker.
 */
export function joinChunks(chunks: OutputChunk[]): { output: string; stdout: string; stderr: string } {
  let output = '';
  let stdout = '';
  let stderr = '';
  for (const { stream, text } of chunks) {
    output += text;
    if (stream === 'stdout') stdout += text;
    else stderr += text;
  }
  return { output, stdout, stderr };
}
