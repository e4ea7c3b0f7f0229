/**
 * The server's four tools as a client lists them (name, description, JSON Schema), and the check
 * of each call's arguments. Arguments come from a client, so every one is hostile: types are
 * checked and sizes bounded before anything is decoded or handed to the sandbox.
 */
import type { Tool } from '@modelcontextprotocol/server';
import type { RunPlace } from '../../../agent/run-python/place.js';
import { runPythonDeclaration } from '../../../agent/run-python/tool.js';
import { CHART_APP_TOOL_META } from '../apps/chart-app.js';
import { ToolArgumentError } from '../errors.js';
import { FILE_OUTPUT_SCHEMA, RUN_OUTPUT_SCHEMA } from './structured.js';
import { MAX_CHECKPOINT_CHARS } from './timeline.js';

/** The names of the tools (`fork_python` is listed to clients with handles only). */
export const TOOL_NAMES = ['run_python', 'write_file', 'read_file', 'reset', 'rewind_python', 'fork_python'] as const;
/** One of {@link TOOL_NAMES}. */
export type ToolName = (typeof TOOL_NAMES)[number];

/** Longest path a call may name, in characters (the sandbox's own paths are far shorter). */
export const MAX_PATH_CHARS = 1024;

/** What the tool list and the argument checks depend on. */
export interface ToolBounds {
  /** Per-run wall time, told to the model. */
  timeoutMs: number;
  /** Longest `code` of a `run_python` call, in characters. */
  maxCodeChars: number;
  /** Largest file `write_file` writes and `read_file` returns, in bytes (the sandbox's `maxFileBytes`). */
  maxFileBytes: number;
  /** Where the code runs and what network it has, told to the model. Default: a Deno process without network. */
  place?: RunPlace;
  network?: boolean | readonly string[];
  /**
   * Functions listed in `run_python`'s description as Python signatures, when the session has none.
   * @deprecated Give them to the session (`SessionSandbox`'s `setup.functions`): its runs then call them, and its server lists them.
   */
  functions?: readonly { name: string; description?: string; parametersJsonSchema?: Record<string, unknown> }[];
  /** How many checkpoints each interpreter keeps, told to the model; 0 or none: checkpoints are off, and `rewind_python` and `fork_python` are not listed. */
  checkpoints?: number;
}

const FILE_TOOLS_NOTE =
  'write_file puts a file into the working directory and read_file returns one; reset starts a new interpreter with an empty working directory.';

const CHECKPOINT_NOTE = 'Pass the "checkpoint" of an earlier run_python result: the state right after that call.';

/** `fork_python`, listed to clients with handles only (a 2025 session is one per connection); none when checkpoints are off. */
export function forkTool(bounds: ToolBounds): Tool[] {
  if (!bounds.checkpoints) return [];
  return [
    {
      name: 'fork_python',
      title: 'Fork Python',
      description: `Copies the Python interpreter, as it is now or at a checkpoint, into a new interpreter with its own handle (returned as "forkHandle"): each keeps its own variables and files from then on. ${CHECKPOINT_NOTE}`,
      inputSchema: {
        type: 'object',
        properties: { checkpoint: { type: 'string', maxLength: MAX_CHECKPOINT_CHARS, description: 'Leave it out to fork the current state.' } },
      },
      outputSchema: { type: 'object', properties: { forkHandle: { type: 'string' }, checkpoint: { type: 'string' } }, required: ['forkHandle'] },
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false },
    },
  ];
}

function rewindTool(bounds: ToolBounds): Tool[] {
  if (!bounds.checkpoints) return [];
  return [
    {
      name: 'rewind_python',
      title: 'Rewind Python',
      description: `Puts Python back as it was right after an earlier run_python call: variables, imports and files in the working directory become what they were then, and what later calls did is gone. ${CHECKPOINT_NOTE} The last ${bounds.checkpoints} are kept.`,
      inputSchema: { type: 'object', properties: { checkpoint: { type: 'string', maxLength: MAX_CHECKPOINT_CHARS } }, required: ['checkpoint'] },
      annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true },
    },
  ];
}

/** The tool definitions, as `tools/list` returns them. */
export function toolDefinitions(bounds: ToolBounds): Tool[] {
  const path = { type: 'string', maxLength: MAX_PATH_CHARS, description: 'Path relative to the working directory (/home/pyodide), or absolute inside it.' };
  return [
    {
      name: 'run_python',
      title: 'Run Python',
      description: `${runPythonDeclaration({ timeoutMs: bounds.timeoutMs, place: bounds.place ?? 'deno', network: bounds.network ?? false, functions: bounds.functions }).description} ${FILE_TOOLS_NOTE}`,
      inputSchema: {
        type: 'object',
        properties: { code: { type: 'string', maxLength: bounds.maxCodeChars, description: 'Python source to run.' } },
        required: ['code'],
      },
      outputSchema: RUN_OUTPUT_SCHEMA,
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false },
      // Hosts that render MCP Apps draw the result's charts with this app; others ignore it.
      _meta: CHART_APP_TOOL_META,
    },
    {
      name: 'write_file',
      title: 'Write a file',
      description: `Writes a file into the Python working directory, replacing any file of that name (at most ${bounds.maxFileBytes.toLocaleString('en-US')} bytes). Python reads it with open(path).`,
      inputSchema: {
        type: 'object',
        properties: {
          path,
          content: { type: 'string', description: 'The file contents: text, or base64 when encoding is "base64".' },
          encoding: { type: 'string', enum: ['utf-8', 'base64'], default: 'utf-8', description: 'How content is encoded.' },
        },
        required: ['path', 'content'],
      },
      outputSchema: FILE_OUTPUT_SCHEMA,
      annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true },
    },
    {
      name: 'read_file',
      title: 'Read a file',
      description:
        'Returns a file from the Python working directory: UTF-8 text as text, PNG, JPEG, GIF and WebP as images, anything else as a base64 resource.',
      inputSchema: { type: 'object', properties: { path }, required: ['path'] },
      outputSchema: FILE_OUTPUT_SCHEMA,
      annotations: { readOnlyHint: true },
    },
    {
      name: 'reset',
      title: 'Reset Python',
      description: 'Replaces the Python interpreter with a new one: variables, imports and files in the working directory are all gone.',
      inputSchema: { type: 'object', properties: {} },
      annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true },
    },
    ...rewindTool(bounds),
  ];
}

/** Checked arguments of each tool, or why they are unusable (said to the model, which can fix its call). */
export type ToolCall =
  | { tool: 'run_python'; code: string }
  | { tool: 'write_file'; path: string; data: Uint8Array | string }
  | { tool: 'read_file'; path: string }
  | { tool: 'reset' }
  | { tool: 'rewind_python'; checkpoint: string }
  | { tool: 'fork_python'; checkpoint?: string };

/**
 * Checks a call's name and arguments against the tool definitions and the bounds.
 * @throws {ToolArgumentError} an unknown tool, a missing or mistyped argument, or one over its bound.
 */
export function parseToolCall(name: string, args: Record<string, unknown> | undefined, bounds: ToolBounds): ToolCall {
  const input = args ?? {};
  switch (name) {
    case 'run_python': {
      const code = stringArgument(name, input, 'code', bounds.maxCodeChars);
      if (code.trim() === '') throw new ToolArgumentError('The "code" argument of run_python is empty; send the Python source to run.');
      return { tool: name, code };
    }
    case 'write_file': {
      const path = pathArgument(name, input);
      const encoding = input.encoding ?? 'utf-8';
      if (encoding !== 'utf-8' && encoding !== 'base64')
        throw new ToolArgumentError(`The "encoding" argument of write_file must be "utf-8" or "base64"; got ${describe(encoding)}.`);
      // Bounded before decoding: base64 of maxFileBytes is at most 4/3 as long; UTF-8 text at most 3 bytes a UTF-16 unit.
      const maxChars = encoding === 'base64' ? Math.ceil(bounds.maxFileBytes / 3) * 4 : bounds.maxFileBytes;
      const content = stringArgument(name, input, 'content', maxChars);
      const data = encoding === 'base64' ? decodeBase64(content) : content;
      const bytes = typeof data === 'string' ? Buffer.byteLength(data, 'utf8') : data.length;
      if (bytes > bounds.maxFileBytes)
        throw new ToolArgumentError(
          `The file is ${bytes.toLocaleString('en-US')} bytes; write_file takes at most ${bounds.maxFileBytes.toLocaleString('en-US')}.`,
        );
      return { tool: name, path, data };
    }
    case 'read_file':
      return { tool: name, path: pathArgument(name, input) };
    case 'reset':
      return { tool: name };
    case 'rewind_python':
      return { tool: name, checkpoint: stringArgument(name, input, 'checkpoint', MAX_CHECKPOINT_CHARS) };
    case 'fork_python':
      return { tool: name, ...(input.checkpoint !== undefined && { checkpoint: stringArgument(name, input, 'checkpoint', MAX_CHECKPOINT_CHARS) }) };
    default:
      throw new ToolArgumentError(`Unknown tool ${JSON.stringify(name.slice(0, 100))}; the tools are ${TOOL_NAMES.join(', ')}.`);
  }
}

function pathArgument(tool: ToolName, input: Record<string, unknown>): string {
  const path = stringArgument(tool, input, 'path', MAX_PATH_CHARS);
  if (path.trim() === '') throw new ToolArgumentError(`The "path" argument of ${tool} is empty.`);
  return path;
}

function stringArgument(tool: ToolName, input: Record<string, unknown>, key: string, maxChars: number): string {
  const value = input[key];
  if (value === undefined) throw new ToolArgumentError(`${tool} needs a "${key}" argument (a string).`);
  if (typeof value !== 'string') throw new ToolArgumentError(`The "${key}" argument of ${tool} must be a string; got ${describe(value)}.`);
  if (value.length > maxChars)
    throw new ToolArgumentError(
      `The "${key}" argument of ${tool} is ${value.length.toLocaleString('en-US')} characters; at most ${maxChars.toLocaleString('en-US')} are accepted.`,
    );
  return value;
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function decodeBase64(text: string): Uint8Array {
  const compact = text.replace(/\s+/g, '');
  if (compact.length % 4 !== 0 || !BASE64.test(compact)) throw new ToolArgumentError('The "content" argument of write_file is not valid base64.');
  return new Uint8Array(Buffer.from(compact, 'base64'));
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'string' ? JSON.stringify(value.slice(0, 40)) : `a ${typeof value}`;
}
