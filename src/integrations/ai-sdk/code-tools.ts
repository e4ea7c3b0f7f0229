/**
 * Code mode for the AI SDK tool: AI SDK tools (with `execute`) that the model's Python calls as
 * `await default_api.<name>(...)` inside one `run_python` run, instead of the model calling each
 * one a step at a time. Their input schemas become the sandbox's argument checks and the Python
 * signatures `run_python`'s description lists.
 */
import { type Tool, type ToolExecutionOptions, asSchema } from 'ai';
import { anySignal } from '../../sandbox/downloads/abort-signals.js';
import { isFunctionName } from '../../sandbox/functions/function-specs.js';
import type { SandboxFunction } from '../../types.js';

/** AI SDK tools the model's code may call, by the name Python calls them. Each needs `execute`. */
// biome-ignore lint/suspicious/noExplicitAny: any tool, whatever its input, output and context types.
export type CodeTools = Record<string, Tool<any, any, any>>;

/** What `run_python`'s description needs of a code tool: the shape of a function declaration. */
export interface CodeToolDeclaration {
  name: string;
  description?: string;
  parametersJsonSchema?: Record<string, unknown>;
}

/**
 * Checks `tools` and returns their declarations. A schema the AI SDK gives only asynchronously
 * is described without parameters (the sandbox still checks calls against it once resolved).
 * `executes`: the tools run here, so each needs `execute` (a definition for a server whose
 * browser runs the code does not).
 * @throws {TypeError} a name Python cannot call, or a tool without `execute` where one is needed.
 */
export function codeToolDeclarations(tools: CodeTools, executes: boolean): CodeToolDeclaration[] {
  return Object.entries(tools).map(([name, tool]) => {
    if (!isFunctionName(name)) throw new TypeError(`tools: "${name}" must be a Python identifier (letters, digits, _; not starting with _ or a digit)`);
    if (executes && typeof tool?.execute !== 'function')
      throw new TypeError(`tools: "${name}" needs an execute function: the sandbox runs it when the code calls it`);
    const schema = asSchema(tool.inputSchema).jsonSchema;
    const parametersJsonSchema = isThenable(schema) ? undefined : (schema as Record<string, unknown>);
    return { name, description: textOf(tool.description), parametersJsonSchema };
  });
}

/**
 * The sandbox functions of one `run_python` call: each tool's `execute`, handed the outer call's
 * messages and context, a tool call id of its own and a signal that aborts with the run's end,
 * the call's timeout or the outer step's abort.
 */
export async function codeToolFunctions(tools: CodeTools, outer: Partial<ToolExecutionOptions<unknown>>): Promise<SandboxFunction[]> {
  let calls = 0;
  return Promise.all(
    Object.entries(tools).map(async ([name, tool]) => ({
      name,
      description: textOf(tool.description),
      parameters: (await asSchema(tool.inputSchema).jsonSchema) as Record<string, unknown>,
      handler: (args: Record<string, unknown>, { signal }: { signal: AbortSignal }) =>
        lastValue(
          tool.execute?.(args, {
            toolCallId: `${outer.toolCallId ?? 'run_python'}/${name}-${++calls}`,
            messages: outer.messages ?? [],
            context: outer.context,
            abortSignal: anySignal([signal, outer.abortSignal]),
          }),
        ),
    })),
  );
}

/** A tool's result: its value, or for a streaming `execute` (an async iterable of preliminary results) the last one. */
async function lastValue(result: unknown): Promise<unknown> {
  const value = await result;
  if (typeof (value as { [Symbol.asyncIterator]?: unknown } | null)?.[Symbol.asyncIterator] !== 'function') return value;
  let last: unknown;
  for await (const item of value as AsyncIterable<unknown>) last = item;
  return last;
}

/** A tool's description where it is text (one made from the call's context has none to tell beforehand). */
function textOf(description: unknown): string | undefined {
  return typeof description === 'string' ? description : undefined;
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}
