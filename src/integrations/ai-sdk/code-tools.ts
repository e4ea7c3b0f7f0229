/**
 * Code mode for the AI SDK tool: AI SDK tools (with `execute`) that the model's Python calls as
 * `await default_api.<name>(...)` inside one `run_python` run, instead of the model calling each
 * one a step at a time. Their input schemas become the sandbox's argument checks and the Python
 * signatures `run_python`'s description lists.
 */
import { type Tool, type ToolExecutionOptions, asSchema } from 'ai';
import { anySignal } from '../../sandbox/runs/abort-signals.js';
import { functionNameProblem } from '../../sandbox/functions/function-specs.js';
import type { ConfirmCall, SandboxFunction } from '../../shared/types.js';

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
 * `executes`: the tools run here, so each needs `execute`, and one with `needsApproval` needs
 * `confirm` (a definition for a server whose browser runs the code needs neither).
 * @throws {TypeError} a name Python cannot call, or a tool without `execute` or `confirm` where one is needed.
 */
export function codeToolDeclarations(tools: CodeTools, executes: boolean, confirm?: ConfirmCall): CodeToolDeclaration[] {
  return Object.entries(tools).map(([name, tool]) => {
    const problem = functionNameProblem(name);
    if (problem !== undefined) throw new TypeError(`tools: "${name}" ${problem}`);
    if (executes && typeof tool?.execute !== 'function')
      throw new TypeError(`tools: "${name}" needs an execute function: the sandbox runs it when the code calls it`);
    if (executes) checkApproval(name, tool, confirm);
    const schema = asSchema(tool.inputSchema).jsonSchema;
    const parametersJsonSchema = isThenable(schema) ? undefined : (schema as Record<string, unknown>);
    return { name, description: textOf(tool.description), parametersJsonSchema };
  });
}

/**
 * A tool with `needsApproval` never runs unapproved: inside a run the AI SDK cannot pause for its
 * approval step, so `confirm` is how the app approves, and without it the tool is refused.
 */
function checkApproval(name: string, tool: CodeTools[string], confirm: ConfirmCall | undefined): void {
  if (tool.needsApproval && typeof confirm !== 'function')
    throw new TypeError(`tools: "${name}" has needsApproval, so pythonTool needs a confirm function to approve its calls from code`);
}

/**
 * The sandbox functions of one `run_python` call: each tool's `execute`, handed the outer call's
 * messages and context, a tool call id of its own and a signal that aborts with the run's end,
 * the call's timeout or the outer step's abort. A tool with `needsApproval` (true, or its function
 * answering true for the call) is asked of `confirm` first.
 */
export async function codeToolFunctions(
  tools: CodeTools,
  outer: Partial<ToolExecutionOptions<unknown>> & { confirm?: ConfirmCall },
): Promise<SandboxFunction[]> {
  let calls = 0;
  // One id per call, shared by needsApproval and execute: the sandbox hands both the same args object.
  const ids = new WeakMap<object, string>();
  const idOf = (name: string, args: Record<string, unknown>) => {
    let id = ids.get(args);
    if (id === undefined) ids.set(args, (id = `${outer.toolCallId ?? 'run_python'}/${name}-${++calls}`));
    return id;
  };
  const { confirm } = outer;
  return Promise.all(
    Object.entries(tools).map(async ([name, tool]): Promise<SandboxFunction> => {
      checkApproval(name, tool, confirm);
      const needsApproval = tool.needsApproval;
      const schema = asSchema(tool.inputSchema);
      // The tool's own schema parses the arguments (zod's refinements, transforms and defaults
      // included), once per call: needsApproval and execute get what it parsed to, as the AI SDK gives them.
      const parsed = new WeakMap<object, Promise<unknown>>();
      const input = (args: Record<string, unknown>) => {
        let value = parsed.get(args);
        if (value === undefined) parsed.set(args, (value = parseInput(name, schema, args)));
        return value;
      };
      return {
        name,
        description: textOf(tool.description),
        parameters: (await schema.jsonSchema) as Record<string, unknown>,
        ...(needsApproval &&
          confirm && {
            confirm: async (call, context) => {
              const value = await input(call.args);
              const asks =
                typeof needsApproval !== 'function' ||
                (await needsApproval(value, { toolCallId: idOf(name, call.args), messages: outer.messages ?? [], context: outer.context }));
              return !asks || confirm(call, context);
            },
          }),
        handler: async (args, { signal }) =>
          lastValue(
            tool.execute?.(await input(args), {
              toolCallId: idOf(name, args),
              messages: outer.messages ?? [],
              context: outer.context,
              abortSignal: anySignal([signal, outer.abortSignal]),
            }),
          ),
      };
    }),
  );
}

/** The most of a schema's refusal said to Python: the refused value is the code's, and may be large. */
const MAX_REFUSAL_CHARS = 1_000;

/** `args` as the tool's schema parses them; throws its refusal (Python raises it) where it does not. */
async function parseInput(name: string, schema: ReturnType<typeof asSchema>, args: Record<string, unknown>): Promise<unknown> {
  if (!schema.validate) return args;
  const result = await schema.validate(args);
  if (result.success) return result.value;
  const why = result.error?.message ?? String(result.error);
  throw new TypeError(`the arguments do not fit ${name}'s input schema: ${why.length > MAX_REFUSAL_CHARS ? `${why.slice(0, MAX_REFUSAL_CHARS)}…` : why}`);
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
