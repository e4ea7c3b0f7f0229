/**
 * A run as the AI SDK tool returns it (`PythonToolOutput`, plain JSON, so it can sit in a chat's
 * messages and cross from the browser to the server) and as the model reads it (`toModelOutput`:
 * the text, then each image as a file part with its media type).
 */
import type { Tool } from 'ai';
import { listedFiles } from '../../agent/run-python/files.js';
import type { ImageOutput, RunOutcome, RunResult } from '../../shared/types.js';
import { base64Size, isBase64 } from '../../sandbox/files/base64.js';
import { DEFAULT_LIMITS, MAX_IMAGES_PER_RUN } from '../../sandbox/limits.js';
import { runResultText } from '../shared/run-text.js';
import { runImages } from '../../sandbox/charts/run-images.js';

/** What `pythonTool`'s `execute` returns for one run. */
export interface PythonToolOutput {
  outcome: RunOutcome;
  /** What the model reads: the output, the trailing expression's repr, the traceback, notes, the files written. */
  text: string;
  /** matplotlib figures, `display()`ed images, then charts drawn as PNGs (in Node), base64. */
  images: ImageOutput[];
  /** The files the run wrote (at most 20 listed, paths shortened), with their sizes in bytes. */
  files: PythonToolFile[];
  /** The interpreter was replaced during the run: earlier globals are gone. */
  stateLost: boolean;
}

/** A file a run wrote, as {@link PythonToolOutput} lists it. */
export interface PythonToolFile {
  /** Path relative to the working directory (shortened past 120 characters), as `RunResult.files` has it. */
  path: string;
  /** Size in bytes. */
  size: number;
  /** @deprecated The same as `path`, under its earlier name; it goes in the next minor version. */
  name: string;
}

/** The tool output of a run. */
export function toPythonToolOutput(result: RunResult): PythonToolOutput {
  return {
    outcome: result.outcome,
    text: runResultText(result),
    images: runImages(result).map(({ mimeType, data }) => ({ mimeType, data })),
    files: listedFiles(result.files).files.map((file) => ({ path: file.path, size: file.size, name: file.path })),
    stateLost: result.stateLost,
  };
}

/** What a tool's `toModelOutput` returns (the AI SDK's `ToolResultOutput`, which `ai` does not export by name). */
export type ToolResultOutput = Awaited<ReturnType<NonNullable<Tool['toModelOutput']>>>;

const IMAGE_TYPES = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);
/** Bytes of one image passed to the model at most: as large as the sandbox returns by default (`limits.maxFileBytes`). */
const MAX_IMAGE_BYTES = DEFAULT_LIMITS.maxFileBytes;
/** Bytes of all the images of one output at most (`limits.maxTotalFileBytes` by default). */
const MAX_TOTAL_IMAGE_BYTES = DEFAULT_LIMITS.maxTotalFileBytes;
/** Longest text passed on: far above what a run's bounded output makes, a stop for anything else. */
const MAX_TEXT_CHARS = 1_000_000;

const count = (n: number) => n.toLocaleString('en-US');

/**
 * The model's view of an output: its text and its images as file parts. The output may have come
 * from a browser (`useChat`'s `addToolOutput`), so it is checked, not trusted: text is cut to a
 * bound, and only well-formed raster images pass, at most `MAX_IMAGES_PER_RUN` of them and within
 * the byte bounds (sizes are taken from the base64's length, before it is read); an image left
 * out for its size or number is named in a note after them.
 */
export function pythonToolModelOutput(output: unknown): ToolResultOutput {
  const { text, images } = (output ?? {}) as Partial<Record<keyof PythonToolOutput, unknown>>;
  const value: Extract<ToolResultOutput, { type: 'content' }>['value'] = [
    { type: 'text', text: typeof text === 'string' ? text.slice(0, MAX_TEXT_CHARS) : '(the tool returned no text)' },
  ];
  const list = Array.isArray(images) ? images : [];
  const notes: string[] = [];
  let total = 0;
  for (const [index, image] of list.slice(0, MAX_IMAGES_PER_RUN).entries()) {
    const { mimeType, data } = (image ?? {}) as Partial<ImageOutput>;
    if (typeof mimeType !== 'string' || !IMAGE_TYPES.has(mimeType) || typeof data !== 'string' || data.length % 4 !== 0) continue;
    const bytes = base64Size(data);
    const over =
      bytes > MAX_IMAGE_BYTES
        ? `larger than the ${count(MAX_IMAGE_BYTES)} bytes one image may have`
        : total + bytes > MAX_TOTAL_IMAGE_BYTES
          ? `the images before it come to ${count(total)} bytes, and ${count(MAX_TOTAL_IMAGE_BYTES)} is the most passed on`
          : undefined;
    if (over) {
      notes.push(`[image ${index + 1} (${mimeType}, ${count(bytes)} bytes) left out: ${over}]`);
      continue;
    }
    if (!isBase64(data)) continue;
    total += bytes;
    value.push({ type: 'file', mediaType: mimeType, data: { type: 'data', data } });
  }
  if (list.length > MAX_IMAGES_PER_RUN)
    notes.push(`[${count(list.length - MAX_IMAGES_PER_RUN)} more images left out: at most ${MAX_IMAGES_PER_RUN} are passed on]`);
  if (notes.length > 0) value.push({ type: 'text', text: notes.join('\n') });
  return { type: 'content', value };
}
