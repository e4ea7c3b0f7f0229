/**
 * Code mode: the app's functions called from the model's Python (`default_api.name(...)`, awaited or not)
 * rather than by the model one round trip at a time. Which functions the model calls directly and
 * which its code calls (`LocalFunction.callableFrom`), how `run_python`'s description presents the
 * latter as Python signatures, and the sandbox functions a run gets for them.
 */
import type { FunctionDeclaration, Schema } from '@google/genai';
import { anySignal } from '../../sandbox/runs/abort-signals.js';
import { declinedMessage } from '../../sandbox/functions/approval.js';
import { pythonSignature } from '../../sandbox/functions/python-signature.js';
import type { ConfirmCall, SandboxFunction } from '../../shared/types.js';
import type { CodeCallEvent } from '../events.js';
import type { LocalFunction } from '../types.js';

/** Who may call a function: the model directly, the model's Python, or both. */
export type CallableFrom = 'model' | 'code' | 'both';

/** Whether the model calls `fn` directly (the default: code mode is the app's choice, per function). */
export function calledByModel(fn: LocalFunction): boolean {
  return (fn.callableFrom ?? 'model') !== 'code';
}

/** Whether the model's Python may call `fn`. */
export function calledFromCode(fn: LocalFunction): boolean {
  return fn.callableFrom === 'code' || fn.callableFrom === 'both';
}

/** The declarations the model sees as functions of its own. */
export function modelDeclarations(functions: ReadonlyMap<string, LocalFunction>): FunctionDeclaration[] {
  return [...functions.values()].filter(calledByModel).map((fn) => fn.declaration);
}

/** The declarations `run_python`'s description lists for the model's code. */
export function codeDeclarations(functions: ReadonlyMap<string, LocalFunction>): FunctionDeclaration[] {
  return [...functions.values()].filter(calledFromCode).map((fn) => fn.declaration);
}

/** What a code call reports besides its function: the loop's step and the `run_python` call it ran in. */
export interface CodeCallContext {
  step: number;
  callId: string | undefined;
  signal: AbortSignal | undefined;
  emit: (event: CodeCallEvent) => void;
}

/**
 * The sandbox functions of one `run_python` run: each code-callable function, its arguments
 * checked by the sandbox against the declaration's schema, reporting a `code-call` event.
 */
export function sandboxFunctions(functions: ReadonlyMap<string, LocalFunction>, ctx: CodeCallContext): SandboxFunction[] {
  return [...functions.values()].filter(calledFromCode).map((fn) => {
    const name = fn.declaration.name ?? '';
    return {
      name,
      description: fn.declaration.description,
      parameters: parametersOf(fn.declaration),
      ...(fn.confirm && { confirm: confirmOf(fn.confirm, ctx, name) }),
      handler: async (args, { signal }) => {
        const started = performance.now();
        const report = (outcome: { error?: string }) =>
          ctx.emit({ type: 'code-call', step: ctx.step, callId: ctx.callId, name, args, ...outcome, durationMs: performance.now() - started });
        // The handler stops for the run's end or the call's timeout (the sandbox's signal) and for the message's abort.
        const both = anySignal([signal, ctx.signal]);
        try {
          const value = await fn.handler(args, { call: { name, args }, signal: both, from: 'code' });
          report({});
          return value;
        } catch (error) {
          report({ error: error instanceof Error ? error.message : String(error) });
          throw error;
        }
      },
    };
  });
}

/**
 * The function's `confirm` for the sandbox: its signal also follows the message's abort, and a
 * refusal (a decline or a throw) is reported as a `code-call` event whose handler did not run.
 */
function confirmOf(confirm: ConfirmCall, ctx: CodeCallContext, name: string): ConfirmCall {
  return async (call, { signal }) => {
    const started = performance.now();
    let refusal: string | undefined;
    try {
      const approved = (await confirm(call, { signal: anySignal([signal, ctx.signal]) })) === true;
      if (!approved) refusal = declinedMessage(name);
      return approved;
    } catch (error) {
      refusal = error instanceof Error ? error.message : String(error);
      throw error;
    } finally {
      if (refusal !== undefined)
        ctx.emit({ type: 'code-call', step: ctx.step, callId: ctx.callId, name, args: call.args, error: refusal, durationMs: performance.now() - started });
    }
  };
}

/** The declaration's parameters as JSON Schema: `parametersJsonSchema` as given, or `parameters` (Gemini's Schema) translated. */
export function parametersOf(declaration: FunctionDeclaration): Record<string, unknown> | undefined {
  if (declaration.parametersJsonSchema && typeof declaration.parametersJsonSchema === 'object')
    return declaration.parametersJsonSchema as Record<string, unknown>;
  return declaration.parameters ? jsonSchemaOf(declaration.parameters) : undefined;
}

/** Gemini's `Schema` (OpenAPI 3.0 subset, upper-case types) as JSON Schema, for the keywords both share. */
function jsonSchemaOf(schema: Schema): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (schema.type && schema.type !== 'TYPE_UNSPECIFIED') {
    const type = schema.type.toLowerCase();
    out.type = schema.nullable ? [type, 'null'] : type;
  }
  if (schema.description !== undefined) out.description = schema.description;
  if (schema.enum !== undefined) out.enum = schema.enum;
  if (schema.format !== undefined) out.format = schema.format;
  if (schema.items) out.items = jsonSchemaOf(schema.items);
  if (schema.properties) out.properties = Object.fromEntries(Object.entries(schema.properties).map(([key, value]) => [key, jsonSchemaOf(value)]));
  if (schema.required !== undefined) out.required = schema.required;
  if (schema.anyOf) out.anyOf = schema.anyOf.map(jsonSchemaOf);
  for (const key of ['minimum', 'maximum', 'minItems', 'maxItems', 'minLength', 'maxLength', 'pattern'] as const) {
    if (schema[key] !== undefined) out[key] = key.endsWith('Items') || key.endsWith('Length') ? Number(schema[key]) : schema[key];
  }
  return out;
}

/** The longest description of one function the `run_python` description repeats (a declaration's text is the app's, not bounded elsewhere). */
const MAX_DESCRIPTION_CHARS = 500;

/**
 * The longest listing of signatures `run_python`'s description carries (every request repeats it):
 * past it, many functions (several MCP servers' tools) would cost more than code mode saves, so
 * the description names them by group and says how to look one up from Python instead.
 */
export const MAX_LISTED_CHARS = 16_000;

/** How many names without a `<group>__` prefix a short listing still names. */
const MAX_NAMED = 40;

/** The sentences `run_python`'s description adds for the functions the code may call (none: nothing). */
export function codeFunctionsSentence(declarations: readonly FunctionDeclaration[], maxListedChars = MAX_LISTED_CHARS): string {
  if (declarations.length === 0) return '';
  const listed = declarations.map((declaration) => {
    const about = (declaration.description ?? '').replace(/\s+/g, ' ').trim().slice(0, MAX_DESCRIPTION_CHARS);
    return `await default_api.${pythonSignature(declaration.name ?? '', parametersOf(declaration))}${about ? `: ${about}` : ''}`;
  });
  const listing = `${listed.join('; ')}.`;
  const calling =
    'Awaiting them works everywhere (in functions you define, make those async); a plain call without await also works in most browsers, and where it cannot it raises default_api.AwaitRequired';
  const using = [
    'They take keyword arguments and return JSON values (dict, list, str, numbers); a failed call raises default_api.FunctionCallError.',
    'Their results stay in the sandbox unless you print them, so call them in a loop and print only the summary you need.',
  ];
  if (listing.length <= maxListedChars) return [`Your code can call these functions of the app. ${calling}:`, listing, ...using].join(' ');
  return [
    `Your code can call ${declarations.length} functions of the app in default_api, too many to list here: ${groupsOf(declarations)}.`,
    'Look up what the task needs from Python: print(default_api.search_tools("issue")) lists the functions whose name or description has the word, one line each,',
    "and help(default_api.<name>) prints one's parameters and description.",
    `${calling}.`,
    ...using,
  ].join(' ');
}

/** The functions by their `<group>__` prefix (an MCP server's name) with counts, then the others by name. */
function groupsOf(declarations: readonly FunctionDeclaration[]): string {
  const groups = new Map<string, number>();
  const alone: string[] = [];
  for (const { name = '' } of declarations) {
    const at = name.indexOf('__');
    if (at > 0) groups.set(name.slice(0, at), (groups.get(name.slice(0, at)) ?? 0) + 1);
    else alone.push(name);
  }
  const parts = [...groups].map(([group, count]) => `${group}__… (${count})`);
  if (alone.length > 0)
    parts.push(alone.length <= MAX_NAMED ? alone.join(', ') : `${alone.slice(0, MAX_NAMED).join(', ')} and ${alone.length - MAX_NAMED} more`);
  return parts.join(', ');
}
