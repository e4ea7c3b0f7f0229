/**
 * A run as the AI SDK tool returns it (`PythonToolOutput`, plain JSON, so it can sit in a chat's
 * messages and cross from the browser to the server) and as the model reads it (`toModelOutput`:
 * the text, then each image as a file part with its media type).
 */
import type { Tool } from 'ai';
import { listedFiles } from '../../agent/run-python/files.js';
import type { ImageOutput, RunOutcome, RunResult } from '../../types.js';
import { runResultText } from '../shared/run-text.js';

/** What `pythonTool`'s `execute` returns for one run. */
export interface PythonToolOutput {
  outcome: RunOutcome;
  /** What the model reads: the output, the trailing expression's repr, the traceback, notes, the files written. */
  text: string;
  /** matplotlib figures and `display()`ed images, base64. */
  images: ImageOutput[];
  /** The files the run wrote (at most 20 listed, names shortened), with their sizes in bytes. */
  files: { name: string; size: number }[];
  /** The interpreter was replaced during the run: earlier globals are gone. */
  stateLost: boolean;
}

/** The tool output of a run. */
export function toPythonToolOutput(result: RunResult): PythonToolOutput {
  return {
    outcome: result.outcome,
    text: runResultText(result),
    images: result.images.map(({ mimeType, data }) => ({ mimeType, data })),
    files: listedFiles(result.files).files.map((file) => ({ name: file.path, size: file.size })),
    stateLost: result.stateLost,
  };
}

/** What a tool's `toModelOutput` returns (the AI SDK's `ToolResultOutput`, which `ai` does not export by name). */
export type ToolResultOutput = Awaited<ReturnType<NonNullable<Tool['toModelOutput']>>>;

const IMAGE_TYPES = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
/** Images passed to the model at most, as the sandbox returns at most (`MAX_IMAGES_PER_RUN`). */
const MAX_IMAGES = 20;
/** Longest text passed on: far above what a run's bounded output makes, a stop for anything else. */
const MAX_TEXT_CHARS = 1_000_000;

/**
 * The model's view of an output: its text and its images as file parts. The output may have come
 * from a browser (`useChat`'s `addToolOutput`), so it is checked, not trusted: text is cut to a
 * bound, and only well-formed raster images (at most 20) are passed on.
 */
export function pythonToolModelOutput(output: unknown): ToolResultOutput {
  const { text, images } = (output ?? {}) as Partial<Record<keyof PythonToolOutput, unknown>>;
  const value: Extract<ToolResultOutput, { type: 'content' }>['value'] = [
    { type: 'text', text: typeof text === 'string' ? text.slice(0, MAX_TEXT_CHARS) : '(the tool returned no text)' },
  ];
  for (const image of Array.isArray(images) ? images.slice(0, MAX_IMAGES) : []) {
    const { mimeType, data } = (image ?? {}) as Partial<ImageOutput>;
    if (typeof mimeType !== 'string' || !IMAGE_TYPES.has(mimeType) || typeof data !== 'string' || data.length % 4 !== 0 || !BASE64.test(data)) continue;
    value.push({ type: 'file', mediaType: mimeType, data: { type: 'data', data } });
  }
  return { type: 'content', value };
}
