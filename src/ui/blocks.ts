/**
 * What the part renderer (`render-parts.ts`) works from, without Lit: parts grouped into blocks,
 * and what it needs from its host. Published with the widget's types, which carry no Lit.
 */
import type { Blob as GenAIBlob, CodeExecutionResult, FunctionCall, FunctionResponse, Part } from '@google/genai';
import { isNotRunCode } from '../agent/index.js';
import type { OutputChunk } from '../shared/types.js';
import type { CellCalls } from './cell-calls.js';

/** A visual unit of a transcript: consecutive parts that belong together. */
export type Block =
  | { type: 'text'; text: string }
  | { type: 'thought'; text: string }
  /**
   * Code, its result (once there is one) and the media that followed the result. `notRun`: code the
   * model wrote that nothing runs (a Live model drafts its function calls as Python): it never waits for a result.
   */
  | { type: 'cell'; code: string; language: string; id?: string; result?: CodeExecutionResult; media: GenAIBlob[]; notRun?: true }
  /** A result whose code part is missing (never expected, but never dropped). */
  | { type: 'result'; result: CodeExecutionResult }
  | { type: 'media'; blob: GenAIBlob }
  | { type: 'call'; call: FunctionCall; response?: FunctionResponse };

/**
 * Groups parts into blocks: adjacent text joins; a codeExecutionResult joins its executableCode
 * (by `id` when both have one, otherwise the latest cell still waiting); inlineData right after a
 * result belongs to that cell (server-side charts, local figures and files).
 */
export function groupParts(parts: readonly Part[]): Block[] {
  const blocks: Block[] = [];
  let mediaTarget: Extract<Block, { type: 'cell' }> | undefined;
  for (const part of parts) {
    const last = blocks.at(-1);
    if (typeof part.text === 'string') {
      mediaTarget = undefined;
      const type = part.thought ? 'thought' : 'text';
      if (part.text === '') continue;
      if (last?.type === type) last.text += part.text;
      else blocks.push({ type, text: part.text });
    } else if (part.executableCode) {
      mediaTarget = undefined;
      const { code = '', language = 'PYTHON', id } = part.executableCode;
      blocks.push({
        type: 'cell',
        code,
        language: String(language),
        ...(id !== undefined && { id }),
        media: [],
        ...(isNotRunCode(part) && { notRun: true as const }),
      });
    } else if (part.codeExecutionResult) {
      const result = part.codeExecutionResult;
      const cell = findCellFor(blocks, result);
      if (cell) {
        cell.result = result;
        mediaTarget = cell;
      } else {
        blocks.push({ type: 'result', result });
        mediaTarget = undefined;
      }
    } else if (part.inlineData) {
      if (mediaTarget) mediaTarget.media.push(part.inlineData);
      else blocks.push({ type: 'media', blob: part.inlineData });
    } else if (part.functionCall) {
      mediaTarget = undefined;
      blocks.push({ type: 'call', call: part.functionCall });
    } else if (part.functionResponse) {
      mediaTarget = undefined;
      const response = part.functionResponse;
      const call = [...blocks]
        .reverse()
        .find((b): b is Extract<Block, { type: 'call' }> => b.type === 'call' && !b.response && (response.id === undefined || b.call.id === response.id));
      if (call) call.response = response;
      else blocks.push({ type: 'call', call: { name: response.name, id: response.id }, response });
    }
  }
  return blocks;
}

function findCellFor(blocks: Block[], result: CodeExecutionResult): Extract<Block, { type: 'cell' }> | undefined {
  const waiting = blocks.filter((b): b is Extract<Block, { type: 'cell' }> => b.type === 'cell' && !b.result && !b.notRun);
  if (result.id !== undefined) {
    const byId = waiting.find((cell) => cell.id === result.id);
    if (byId) return byId;
  }
  return waiting.at(-1);
}

/** What a renderer needs from its host. */
export interface RenderContext {
  /** A URL for downloading a blob (the host creates and later revokes blob URLs). */
  downloadUrl(blob: GenAIBlob): string;
  /** Live output of the cell that is running now (the last cell without a result). */
  liveOutput?: readonly OutputChunk[];
  /** True while the message is in progress: a cell without a result is "running", not "not run". */
  inProgress?: boolean;
  /** The message was stopped: a cell it left without a result says "stopped", not "not run". */
  stopped?: boolean;
  /** The page functions each cell's code called (code mode), by the cell's number among the cells that ran (from 0). */
  calls?: readonly CellCalls[];
  /** Python is still loading: the running cell says it waits for it. */
  pythonLoading?: boolean;
  /** Copy a cell's code; the button is hidden when absent. */
  onCopy?: (text: string) => void;
  /** Code just copied: its cell's button says "Copied". */
  copied?: string;
  /** Show a figure larger; without it figures have no Enlarge button. */
  onEnlarge?: (figure: Figure) => void;
}

/** A figure as drawn: its image and its text alternative. */
export interface Figure {
  src: string;
  alt: string;
}
