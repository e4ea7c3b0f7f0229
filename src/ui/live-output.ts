/**
 * The output a running cell shows as it streams, shared by the chat's and the voice session's
 * turns. (The sandbox bounds what a run streams: see `maxStreamedChars`.)
 */
import type { OutputChunk } from '../shared/types.js';

/**
 * `live` with `chunk` added: joined to the last span of the same stream, so a chatty loop does not
 * make thousands of spans. A new array (the view compares by identity).
 */
export function appendOutput(live: readonly OutputChunk[], chunk: OutputChunk): OutputChunk[] {
  const last = live.at(-1);
  return last && last.stream === chunk.stream ? [...live.slice(0, -1), { stream: last.stream, text: last.text + chunk.text }] : [...live, chunk];
}
