/**
 * The Vercel AI SDK adapter (`pyodide-code-execution/ai-sdk`): `run_python` as an AI SDK tool for
 * `generateText` / `streamText` (server or browser) and for `useChat`'s `onToolCall` in the page.
 * `ai` (7.x) is an optional peer dependency, loaded only by this entry.
 *
 * @example
 * ```ts
 * import { generateText, stepCountIs } from 'ai';
 * import { PythonSandbox } from 'pyodide-code-execution/sandbox';
 * import { pythonTool } from 'pyodide-code-execution/ai-sdk';
 *
 * const sandbox = await PythonSandbox.create();
 * const { text } = await generateText({ model, tools: { run_python: pythonTool(sandbox) }, stopWhen: stepCountIs(5),
 *   prompt: 'What is the sum of the first 50 primes? Run code.' });
 * ```
 */
import { type FlexibleSchema, type Tool, type ToolExecutionOptions, jsonSchema, tool } from 'ai';
import type { ConfirmCall, OutputChunk, RunOptions, RunResult, SandboxFunction, SandboxLimits } from '../../shared/types.js';
import { functionSpecs } from '../../sandbox/functions/function-specs.js';
import { type RunPlace, placeOf } from '../../agent/run-python/place.js';
import { DEFAULT_MAX_CODE_CHARS, type PythonToolLimits, readLimits } from '../../agent/agent-limits.js';
import { resolveExistingFiles } from '../../agent/run-python/existing-files.js';
import { runPythonDeclaration } from '../../agent/run-python/tool.js';
import { type CodeTools, codeToolDeclarations, codeToolFunctions } from './code-tools.js';
import { type PythonToolOutput, pythonToolModelOutput, toPythonToolOutput } from './output.js';

export { type PythonToolFile, type PythonToolOutput, type ToolResultOutput, pythonToolModelOutput, toPythonToolOutput } from './output.js';
export type { RunPlace } from '../../agent/run-python/place.js';
export type { CodeTools } from './code-tools.js';
export type { ConfirmCall } from '../../shared/types.js';
export type { AgentLimits, PythonToolLimits } from '../../agent/agent-limits.js';

/** What the tool needs of a sandbox: `PythonSandbox` has it (from either entry). */
export interface PythonToolSandbox {
  readonly limits: Readonly<Pick<SandboxLimits, 'timeoutMs'>>;
  /** Where it runs (`PythonSandbox.isolation`): sets where the default description says the code runs. */
  readonly isolation?: 'frame' | 'worker' | 'deno';
  /** Runs `code`; errors in the code are results, not rejections. */
  run(code: string, options?: RunOptions): Promise<RunResult>;
}

/** The tool's input, as the model sends it. */
export interface PythonToolInput {
  /** Python source to run. */
  code: string;
}

/** Options of {@link pythonTool} and {@link pythonToolDefinition}. */
export interface PythonToolOptions {
  /** The description the model reads. Default: the agent loop's own `run_python` manual, naming the per-run time and `existingFiles`. */
  description?: string;
  /** Paths (relative to the working directory) of files already in the sandbox, told to the model in the default description. */
  existingFiles?: readonly string[];
  /** @deprecated Use `existingFiles` (the same meaning); this name goes in the next minor version. Both at once is a TypeError. */
  files?: readonly string[];
  /**
   * The tool's limits: `maxCodeChars`, `timeoutMs` (see `AgentLimits`). `timeoutMs` overrides the
   * sandbox's own `limits.timeoutMs` for this tool's runs; the sandbox's other limits are given to
   * `PythonSandbox.create({ limits })`.
   */
  limits?: PythonToolLimits;
  /** @deprecated Use `limits.timeoutMs` (the same meaning); this name goes in the next minor version. Both at once is a TypeError. */
  timeoutMs?: number;
  /** @deprecated Use `limits.maxCodeChars` (the same meaning); this name goes in the next minor version. Both at once is a TypeError. */
  maxCodeChars?: number;
  /** Where the default description says the code runs. Default: from the sandbox's `isolation` (`'deno'`; `'server'` for a Node worker thread), else `'server'` in Node, `'browser'` in a page or worker. */
  place?: RunPlace;
  /** Live output of each run (the whole output is in the result as well). */
  onOutput?: (chunk: OutputChunk) => void;
  /**
   * Code mode: AI SDK tools the model's Python calls as `await default_api.<name>(...)` inside a
   * run, as many times as it needs, instead of one model step per call; only what the code prints
   * goes back to the model. Keyed by the name Python calls (a Python identifier, none of
   * `default_api`'s own: `AwaitRequired`, `FunctionCallError`, `search_tools`); each needs
   * `execute` where the code runs. Their input schemas check the arguments (in the sandbox, before
   * `execute`) and appear in the default description as Python signatures. Pass them here, not
   * also in `generateText`'s `tools`, unless the model should call them directly too.
   */
  tools?: CodeTools;
  /**
   * Code mode with the sandbox's own function entries (`SandboxFunction`, as `run(code,
   * { functions })` takes them; `mcpFunctions` makes them from MCP servers): called from Python as
   * `default_api.<name>(...)` like `tools`, each with its own `confirm`. A name in both is a TypeError.
   */
  functions?: readonly SandboxFunction[];
  /**
   * Approves calls from code of the `tools` that have `needsApproval` (`true`, or its function
   * answering true for the call), before their `execute` runs: only `true` lets one run; `false` or
   * a throw raise `default_api.FunctionCallError` in Python saying it was declined. The AI SDK's own
   * approval step cannot pause a run, so a tool with `needsApproval` and no `confirm` is refused
   * (`TypeError` when the tool is made). Tools without `needsApproval` are not asked about. Its
   * `signal` aborts when the run is stopped or ends; the run's deadline bounds the wait.
   */
  confirm?: ConfirmCall;
}

/** The tool reads no context (`ToolExecutionOptions.context`): any is accepted. */
export type ToolContext = Record<string, unknown>;

/** Default of `limits.maxCodeChars`. */
export { DEFAULT_MAX_CODE_CHARS } from '../../agent/agent-limits.js';

/**
 * The `run_python` tool, run by the AI SDK: `execute` runs the call's code in `sandbox` (stopped
 * by the call's `abortSignal`), and `toModelOutput` gives the model the run's text and images.
 * Register it under the name `run_python` (its description calls it that).
 * @param sandbox The sandbox the code runs in; the caller creates and disposes it.
 * @param options Description, per-run time, bounds, live output.
 * @returns An AI SDK tool for `generateText`, `streamText` or an `Agent`.
 * @example
 * ```ts
 * const result = await streamText({ model, tools: { run_python: pythonTool(sandbox) }, stopWhen: stepCountIs(5), prompt });
 * ```
 */
export function pythonTool(sandbox: PythonToolSandbox, options: PythonToolOptions = {}): Tool<PythonToolInput, PythonToolOutput, ToolContext> {
  const given = withLimits(options);
  const resolved = { ...given, limits: { ...given.limits, timeoutMs: given.limits.timeoutMs ?? sandbox.limits.timeoutMs } };
  if (options.tools) codeToolDeclarations(options.tools, true, options.confirm);
  checkFunctions(options);
  return tool<PythonToolInput, PythonToolOutput, ToolContext>({
    ...definitionParts(resolved, sandbox),
    execute: (input, { abortSignal, toolCallId, messages, context }) =>
      runPythonToolCall(sandbox, input, { ...resolved, abortSignal, toolCallId, messages, context }),
  });
}

/**
 * The same tool without `execute`, for a server whose model calls it while the browser runs the
 * code (`useChat`'s `onToolCall` with {@link runPythonToolCall}, then `addToolOutput`). The server
 * still needs the definition: `convertToModelMessages` turns the browser's output into the model's
 * view with its `toModelOutput`.
 * @param options Description, per-run time (told to the model), bounds.
 * @returns An AI SDK tool without `execute`.
 */
export function pythonToolDefinition(options: PythonToolOptions = {}): Tool<PythonToolInput, PythonToolOutput, ToolContext> {
  return tool<PythonToolInput, PythonToolOutput, ToolContext>({
    ...definitionParts({ place: 'browser', ...withLimits(options) }),
    outputSchema: OUTPUT_SCHEMA,
  });
}

/**
 * Runs one `run_python` call: what `pythonTool`'s `execute` does, for code that executes tool
 * calls itself (`useChat`'s `onToolCall` in the page).
 * @param sandbox The sandbox to run in.
 * @param input The call's input; checked, as it comes from a model.
 * @param options Per-run time, bounds, live output, and the call's `abortSignal` (aborting stops the run).
 * @returns The run as tool output.
 * @throws {TypeError} the input has no usable `code`; the AI SDK reports it to the model as a tool error.
 * @throws the abort reason, when `abortSignal` aborted the run.
 */
export async function runPythonToolCall(
  sandbox: PythonToolSandbox,
  input: unknown,
  options: PythonToolOptions & Partial<Pick<ToolExecutionOptions<unknown>, 'abortSignal' | 'toolCallId' | 'messages' | 'context'>> = {},
): Promise<PythonToolOutput> {
  const { limits } = withLimits(options);
  const checked = checkInput(input, limits.maxCodeChars ?? DEFAULT_MAX_CODE_CHARS);
  if (!checked.success) throw checked.error;
  const functions = [...(options.tools ? await codeToolFunctions(options.tools, options) : []), ...(options.functions ?? [])];
  const result = await sandbox.run(checked.value.code, {
    signal: options.abortSignal,
    timeoutMs: limits.timeoutMs,
    onOutput: options.onOutput,
    ...(functions.length > 0 && { functions }),
  });
  // A run stopped by the caller's abort is not a result to hand the model: the step was abandoned.
  options.abortSignal?.throwIfAborted();
  return toPythonToolOutput(result);
}

/**
 * `functions` are valid sandbox functions whose names `tools` does not also take.
 * @throws {TypeError} a bad entry (as `run` would throw), or a name in both.
 */
function checkFunctions(options: PythonToolOptions): void {
  for (const { name } of functionSpecs(options.functions)) {
    if (options.tools && Object.hasOwn(options.tools, name)) throw new TypeError(`"${name}" is both in tools and in functions; give it once`);
  }
}

/**
 * `options` with its limits read: the deprecated top-level names moved into `limits`.
 * @throws {TypeError} `limits` holds a field the tool does not take, or one is given under both names.
 */
function withLimits<O extends PythonToolOptions>(options: O): Omit<O, 'timeoutMs' | 'maxCodeChars'> & { limits: PythonToolLimits } {
  const { timeoutMs, maxCodeChars, ...rest } = options;
  const limits = readLimits(
    'the AI SDK tool',
    options.limits,
    ['maxCodeChars', 'timeoutMs'],
    [
      { from: 'timeoutMs', to: 'timeoutMs', value: timeoutMs },
      { from: 'maxCodeChars', to: 'maxCodeChars', value: maxCodeChars },
    ],
  );
  return { ...rest, limits };
}

/** The default description: the loop's own manual, with where the code runs (the sandbox's, or `place`). */
function describe(options: PythonToolOptions, sandbox: PythonToolSandbox | undefined, existingFiles: readonly string[]): string {
  const where = placeOf(sandbox);
  const place = options.place ?? where.place;
  // An explicit place without a sandbox: the network that place has by default.
  const network = options.place === undefined || sandbox ? where.network : place === 'server';
  const functions = [
    ...codeToolDeclarations(options.tools ?? {}, false),
    ...(options.functions ?? []).map((fn) => ({ name: fn.name, description: fn.description, parametersJsonSchema: fn.parameters })),
  ];
  return runPythonDeclaration({ timeoutMs: options.limits?.timeoutMs ?? 30_000, existingFiles, place, network, functions }).description ?? '';
}

/** Description, input schema (with its check) and `toModelOutput`: everything but `execute`. */
function definitionParts(options: PythonToolOptions, sandbox?: PythonToolSandbox) {
  const maxCodeChars = options.limits?.maxCodeChars ?? DEFAULT_MAX_CODE_CHARS;
  // Checked even when the caller's own description leaves it unused: a bad option is a mistake either way.
  const existingFiles = resolveExistingFiles(options);
  const description = options.description ?? describe(options, sandbox, existingFiles);
  const inputSchema: FlexibleSchema<PythonToolInput> = jsonSchema<PythonToolInput>(
    {
      type: 'object',
      properties: { code: { type: 'string', description: 'Python source to run.', maxLength: maxCodeChars } },
      required: ['code'],
      additionalProperties: false,
    },
    { validate: (value) => checkInput(value, maxCodeChars) },
  );
  return { description, inputSchema, toModelOutput: ({ output }: { output: unknown }) => pythonToolModelOutput(output) };
}

type Checked = { success: true; value: PythonToolInput } | { success: false; error: TypeError };

function checkInput(value: unknown, maxCodeChars: number): Checked {
  const code = (value as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return { success: false, error: new TypeError('run_python needs a "code" argument: a string of Python source.') };
  if (code.trim() === '') return { success: false, error: new TypeError('The "code" argument of run_python is empty; send the Python source to run.') };
  if (code.length > maxCodeChars)
    return {
      success: false,
      error: new TypeError(
        `The "code" argument of run_python is ${code.length.toLocaleString('en-US')} characters; at most ${maxCodeChars.toLocaleString('en-US')} are accepted.`,
      ),
    };
  return { success: true, value: { code } };
}

const OUTPUT_SCHEMA = jsonSchema<PythonToolOutput>({
  type: 'object',
  properties: {
    outcome: { type: 'string', enum: ['OUTCOME_OK', 'OUTCOME_FAILED', 'OUTCOME_DEADLINE_EXCEEDED'] },
    text: { type: 'string' },
    images: {
      type: 'array',
      items: { type: 'object', properties: { mimeType: { type: 'string' }, data: { type: 'string' } }, required: ['mimeType', 'data'] },
    },
    files: {
      type: 'array',
      items: { type: 'object', properties: { path: { type: 'string' }, size: { type: 'number' }, name: { type: 'string' } }, required: ['path', 'size'] },
    },
    stateLost: { type: 'boolean' },
  },
  required: ['outcome', 'text', 'images', 'files', 'stateLost'],
});
