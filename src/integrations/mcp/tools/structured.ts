/**
 * The tools' structured results (`structuredContent`) and the output schemas that declare them in
 * `tools/list`. A result is always an object: some clients (Gemini CLI) otherwise parse the first
 * text block as JSON and fail on `42` or `[1, 2]`, and clients that read fields get fields. Others
 * (Claude Code 2.1.332, seen; Codex and opencode, said) give their model the structured result in
 * place of the text blocks, keeping the image blocks; so the fields carry everything the text
 * says, with the names a `RunResult` has, and a file's text too.
 */
import type { Tool } from '@modelcontextprotocol/server';
import { listedFiles } from '../../../agent/run-python/files.js';
import { STATE_LOST_NOTE } from '../../../agent/run-python/tool.js';
import type { RestoredFrom, RunOutcome, RunResult } from '../../../shared/types.js';

/** `structuredContent` of a `run_python` result: one run, as `RunResult` names its parts. */
export type RunStructuredContent = {
  /** `OUTCOME_OK`, `OUTCOME_FAILED` (the code raised) or `OUTCOME_DEADLINE_EXCEEDED`. */
  outcome: RunOutcome;
  /** stdout and stderr interleaved in the order written (capped, head and tail kept). */
  output: string;
  /** `repr()` of the trailing expression's value, when there is one and it is not None. */
  result?: string;
  /** The exception, when the code raised or was stopped. */
  error?: { name: string; message: string; traceback: string };
  /** The images, in the order of the result's image blocks (which carry their data). */
  images: { mimeType: string }[];
  /**
   * The charts: Vega-Lite specs as JSON text, checked by the host, each within
   * {@link MAX_STRUCTURED_SPEC_CHARS} (a longer one is left out here, `specChars` saying its length:
   * the result's `_meta` holds every spec, for the chart app); each one drawn is also an image
   * block, after the images, in this order (`drawn`).
   */
  charts: { mimeType: string; spec?: string; specChars: number; note?: string; drawn: boolean }[];
  /** The files the run wrote (at most 20, names shortened past 120 characters), with their sizes in bytes. */
  files: { path: string; size: number }[];
  /** Files the run wrote beyond those listed. */
  unlistedFiles: number;
  /** True when this run did not see earlier calls' state: the interpreter was replaced during it, or was closed while idle before it. */
  stateLost: boolean;
  /** What was lost and what to do, in the words the text has, when `stateLost`. */
  note?: string;
  /** When this run's interpreter went back to an earlier state (a save older than the work before it, a rewind, a fork): which, and that later work is gone. */
  restoredFrom?: RestoredFrom;
  /** The checkpoint that holds the state right after this run, for `rewind_python` and `fork_python`: `r<run>.<tag>`, the tag this interpreter's (with checkpoints on). */
  checkpoint?: string;
  /** The skills folder's (`--skills-dir`) files left out of this interpreter, or this run's skills not kept, in the words the text has. */
  skillsNote?: string;
  /** Wall time of the run, in milliseconds. */
  durationMs: number;
};

/** `structuredContent` of a `write_file` or `read_file` result: the file, not its bytes (those are in the content block). */
export type FileStructuredContent = {
  /** The path as the call named it. */
  path: string;
  /** Size in bytes. */
  size: number;
  /** `text/plain; charset=utf-8`, an image type, or `application/octet-stream`, as the content block has it (`read_file`). */
  mimeType?: string;
  /** A UTF-8 file's text, as the text block has it (`read_file`), for clients that give their model only this object. */
  text?: string;
};

type OutputSchema = NonNullable<Tool['outputSchema']>;

/**
 * The longest spec `structuredContent` carries, in characters (about 1,000 tokens): some hosts
 * (Claude Code) give their model this object, and a 1,000-point chart's spec is over 20,000
 * characters that tell a model nothing its code and the chart's image do not. The chart app
 * reads every spec from the result's `_meta`, which hosts keep out of their model's context.
 */
export const MAX_STRUCTURED_SPEC_CHARS = 4000;

const FILES = { type: 'array', items: { type: 'object', properties: { path: { type: 'string' }, size: { type: 'integer' } }, required: ['path', 'size'] } };

/** The output schema of `run_python`. */
export const RUN_OUTPUT_SCHEMA: OutputSchema = {
  type: 'object',
  properties: {
    outcome: { type: 'string', enum: ['OUTCOME_OK', 'OUTCOME_FAILED', 'OUTCOME_DEADLINE_EXCEEDED'] },
    output: { type: 'string', description: 'stdout and stderr interleaved' },
    result: { type: 'string', description: "repr() of the trailing expression's value, if any and not None" },
    error: {
      type: 'object',
      properties: { name: { type: 'string' }, message: { type: 'string' }, traceback: { type: 'string' } },
      required: ['name', 'message', 'traceback'],
    },
    images: { type: 'array', items: { type: 'object', properties: { mimeType: { type: 'string' } }, required: ['mimeType'] } },
    charts: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          mimeType: { type: 'string', description: 'application/vnd.vegalite.v5+json or v6' },
          spec: {
            type: 'string',
            description: `the Vega-Lite spec as JSON text (inline data only), when at most ${MAX_STRUCTURED_SPEC_CHARS.toLocaleString('en-US')} characters`,
          },
          specChars: { type: 'integer', description: "the spec's length in characters" },
          note: { type: 'string', description: 'what the host removed from the spec, or why it was not drawn' },
          drawn: { type: 'boolean', description: 'an image block after the images holds its PNG' },
        },
        required: ['mimeType', 'specChars', 'drawn'],
      },
    },
    files: FILES,
    unlistedFiles: { type: 'integer' },
    stateLost: { type: 'boolean', description: 'variables and imports from earlier calls are gone' },
    note: { type: 'string', description: 'what was lost and what to do, when stateLost' },
    restoredFrom: {
      type: 'object',
      description: 'the earlier state this run started from (its later work is gone)',
      properties: {
        source: { type: 'string', enum: ['checkpoint', 'fork', 'save'] },
        id: { type: 'string' },
        savedAt: { type: 'string' },
        note: { type: 'string' },
      },
      required: ['source', 'savedAt', 'note'],
    },
    checkpoint: { type: 'string', description: 'the state right after this run, for rewind_python and fork_python' },
    skillsNote: { type: 'string', description: 'skills of the skills folder left out of this interpreter, or not kept from this run' },
    durationMs: { type: 'number' },
  },
  required: ['outcome', 'output', 'images', 'charts', 'files', 'unlistedFiles', 'stateLost', 'durationMs'],
};

/** The output schema of `write_file` and `read_file`. */
export const FILE_OUTPUT_SCHEMA: OutputSchema = {
  type: 'object',
  properties: {
    path: { type: 'string' },
    size: { type: 'integer' },
    mimeType: { type: 'string' },
    text: { type: 'string', description: "a UTF-8 file's text" },
  },
  required: ['path', 'size'],
};

/**
 * The structured result of one run.
 * @param result The run.
 * @param note Said when the session's interpreter was closed while idle before this run.
 * @param skillsNote Said when the skills folder left skills out of this interpreter, or did not keep this run's.
 */
export function runStructured(result: RunResult, note?: string, skillsNote?: string): RunStructuredContent {
  const { files, unlisted } = listedFiles(result.files);
  const notes = [note, result.stateLost ? STATE_LOST_NOTE : undefined].filter((line) => line !== undefined);
  return {
    outcome: result.outcome,
    output: result.output,
    ...(result.result !== undefined && { result: result.result }),
    ...(result.error && { error: { name: result.error.name, message: result.error.message, traceback: result.error.traceback } }),
    images: result.images.map(({ mimeType }) => ({ mimeType })),
    charts: result.charts.map(({ mimeType, spec, note, image }) => ({
      mimeType,
      ...(spec.length <= MAX_STRUCTURED_SPEC_CHARS && { spec }),
      specChars: spec.length,
      ...(note && { note }),
      drawn: image !== undefined,
    })),
    files: files.map(({ path, size }) => ({ path, size })),
    unlistedFiles: unlisted,
    stateLost: notes.length > 0,
    ...(notes.length > 0 && { note: notes.join(' ') }),
    ...(result.restoredFrom && { restoredFrom: result.restoredFrom }),
    ...(skillsNote && { skillsNote }),
    durationMs: result.durationMs,
  };
}
