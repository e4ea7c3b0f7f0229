/**
 * Code mode: the app's functions called from the model's Python (`default_api.name(...)`, awaited or not)
 * rather than by the model one round trip at a time. Which functions the model calls directly and
 * which its code calls (`LocalFunction.callableFrom`), how `run_python`'s description presents the
 * latter as Python signatures, and the sandbox functions a run gets for them.
 */
import type { FunctionDeclaration, Schema } from '@google/genai';
import { anySignal } from '../../sandbox/downloads/abort-signals.js';
import { declinedMessage } from '../../sandbox/functions/approval.js';
import type { ConfirmCall, SandboxFunction } from '../../types.js';
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

const PYTHON_TYPES: Record<string, string> = { string: 'str', integer: 'int', number: 'float', boolean: 'bool', array: 'list', object: 'dict', null: 'None' };

/** A JSON Schema's type as a Python annotation (`Any` where it says nothing usable). */
function pythonType(schema: unknown): string {
  const type = (schema as { type?: unknown } | undefined)?.type;
  const types = (Array.isArray(type) ? type : [type]).filter((t): t is string => typeof t === 'string' && t in PYTHON_TYPES).map((t) => PYTHON_TYPES[t]);
  return types.length === 0 ? 'Any' : types.join(' | ');
}

/** `name(region: str, year: int = None)`: the declaration as the model's Python calls it. */
export function pythonSignature(declaration: FunctionDeclaration): string {
  const parameters = parametersOf(declaration) as { properties?: Record<string, unknown>; required?: unknown } | undefined;
  const required = new Set(Array.isArray(parameters?.required) ? parameters.required : []);
  const entries = Object.entries(parameters?.properties ?? {});
  // Required parameters first, as Python needs them before those with a default.
  const ordered = [...entries.filter(([key]) => required.has(key)), ...entries.filter(([key]) => !required.has(key))];
  const params = ordered.map(([key, schema]) => `${key}: ${pythonType(schema)}${required.has(key) ? '' : ' = None'}`);
  return `${declaration.name}(${params.join(', ')})`;
}

/** The longest description of one function the `run_python` description repeats (a declaration's text is the app's, not bounded elsewhere). */
const MAX_DESCRIPTION_CHARS = 500;

/** The sentences `run_python`'s description adds for the functions the code may call (none: nothing). */
export function codeFunctionsSentence(declarations: readonly FunctionDeclaration[]): string {
  if (declarations.length === 0) return '';
  const listed = declarations.map((declaration) => {
    const about = (declaration.description ?? '').replace(/\s+/g, ' ').trim().slice(0, MAX_DESCRIPTION_CHARS);
    return `await default_api.${pythonSignature(declaration)}${about ? `: ${about}` : ''}`;
  });
  return [
    'Your code can call these functions of the app. Awaiting them works everywhere (in functions you define, make those async);',
    'a plain call without await also works in most browsers, and where it cannot it raises default_api.AwaitRequired:',
    `${listed.join('; ')}.`,
    'They take keyword arguments and return JSON values (dict, list, str, numbers); a failed call raises default_api.FunctionCallError.',
    'Their results stay in the sandbox unless you print them, so call them in a loop and print only the summary you need.',
  ].join(' ');
}
