/**
 * A model entry's parts as a streamed answer builds them: text deltas joined, a cell's result
 * followed by its run's downloads, and the result of a run shown as soon as it ends.
 */
import type { Part } from '@google/genai';
import type { ListedFiles } from '../../agent/run-python/files.js';
import { toParts } from '../../agent/run-python/parts.js';
import type { RunResult } from '../../shared/types.js';
import { fileParts } from '../file-parts.js';
import type { ModelEntry } from './entries.js';

/**
 * Appends a chunk's `parts` to `model`, joining text deltas. A cell's result ends its live output
 * and the ended run's result shown in its place, and is followed by `files`, its run's downloads.
 * @returns whether `files` were placed.
 */
export function appendParts(model: ModelEntry, parts: Part[], files: ListedFiles | undefined): boolean {
  for (const part of parts) {
    const last = model.parts.at(-1);
    if (isPlainText(part) && last && isPlainText(last) && Boolean(last.thought) === Boolean(part.thought)) {
      model.parts[model.parts.length - 1] = { ...last, text: `${last.text}${part.text}` };
    } else {
      model.parts.push(part);
    }
    if (part.codeExecutionResult) {
      model.live = [];
      model.ended = undefined;
    }
  }
  // Files a local run wrote come after its result and figures: downloads, in the same cell.
  const placed = files !== undefined && parts.some((part) => part.codeExecutionResult);
  if (placed) model.parts.push(...fileParts(files));
  model.parts = [...model.parts];
  return placed;
}

/** A run that has just ended as its transcript parts will show it, less its code (already shown), with its downloads. */
export function endedRunParts(code: string, result: RunResult, files: ListedFiles | undefined): Part[] {
  const [, ...parts] = toParts(code, result);
  return files ? [...parts, ...fileParts(files)] : parts;
}

function isPlainText(part: Part): part is Part & { text: string } {
  return typeof part.text === 'string' && Object.keys(part).every((key) => key === 'text' || key === 'thought');
}
