/**
 * What every Interactions request carries besides its input: the tools (`run_python` from the
 * same declaration the generateContent loop sends, the caller's functions, or `code_execution`),
 * the system instruction and the generation config, translated from the `GenerateContentConfig`
 * the caller gives in both modes. The API keeps none of it between requests, so it is resent each time.
 */
import type { ContentUnion, FunctionDeclaration, GenerateContentConfig, Interactions, Part, Schema } from '@google/genai';
import { codeDeclarations, modelDeclarations } from '../run-python/code-functions.js';
import { placeOf } from '../run-python/place.js';
import { runPythonDeclaration } from '../run-python/tool.js';
import { type AgentSetup, GEMINI_API_VERSION } from '../setup.js';

/** The request fields shared by every step of a message. */
export interface InteractionRequestFields {
  tools: Interactions.Tool[];
  system_instruction?: string;
  generation_config?: Interactions.GenerationConfig;
  /** The API version of the path (`v1beta` on the Gemini Developer API unless `config.httpOptions.apiVersion` names another). */
  api_version?: string;
  /** `config.abortSignal`: stops the request and the running code. */
  signal?: AbortSignal;
}

/** Config keys translated below; any other key set is refused, so no setting is silently dropped. */
const TRANSLATED = new Set([
  'systemInstruction',
  'temperature',
  'topP',
  'seed',
  'maxOutputTokens',
  'stopSequences',
  'thinkingConfig',
  'toolConfig',
  'tools',
  'abortSignal',
  'httpOptions',
]);

/**
 * The request fields for `config`, with our tools: local mode declares `run_python` (its
 * description lists `existingFiles`) and the caller's functions; server mode adds `{ type: 'code_execution' }`
 * and the caller's functions.
 *
 * @throws {TypeError} a config setting with no Interactions counterpart here (named in the message).
 */
export function interactionRequestFields(setup: AgentSetup, config: GenerateContentConfig, existingFiles: readonly string[]): InteractionRequestFields {
  for (const [key, value] of Object.entries(config)) {
    if (value !== undefined && !TRANSLATED.has(key)) throw unsupported(`config.${key}`);
  }
  const functions = modelDeclarations(setup.functions).map(functionTool);
  const tools: Interactions.Tool[] = [...(config.tools ?? []).map(builtInTool)];
  if (setup.mode === 'local' && setup.sandbox)
    tools.push(
      functionTool(
        runPythonDeclaration({
          timeoutMs: setup.sandbox.limits.timeoutMs,
          existingFiles,
          ...placeOf(setup.sandbox),
          functions: codeDeclarations(setup.functions),
        }),
      ),
      ...functions,
    );
  else tools.push({ type: 'code_execution' }, ...functions);

  const generation: Interactions.GenerationConfig = {};
  if (config.temperature !== undefined) generation.temperature = config.temperature;
  if (config.topP !== undefined) generation.top_p = config.topP;
  if (config.seed !== undefined) generation.seed = config.seed;
  if (config.maxOutputTokens !== undefined) generation.max_output_tokens = config.maxOutputTokens;
  if (config.stopSequences !== undefined) generation.stop_sequences = config.stopSequences;
  const { thinkingLevel, includeThoughts, ...otherThinking } = config.thinkingConfig ?? {};
  if (Object.values(otherThinking).some((value) => value !== undefined)) throw unsupported('config.thinkingConfig.thinkingBudget (use thinkingLevel)');
  if (thinkingLevel !== undefined) generation.thinking_level = thinkingLevel.toLowerCase();
  if (includeThoughts !== undefined) generation.thinking_summaries = includeThoughts ? 'auto' : 'none';
  const mode = config.toolConfig?.functionCallingConfig?.mode;
  if (mode !== undefined) generation.tool_choice = mode.toLowerCase();

  const { apiVersion, ...otherHttp } = config.httpOptions ?? {};
  if (Object.values(otherHttp).some((value) => value !== undefined)) throw unsupported('config.httpOptions other than apiVersion (set them on the client)');
  const pinned = apiVersion ?? (setup.client.vertexai === true ? undefined : GEMINI_API_VERSION);
  return {
    tools,
    ...(config.systemInstruction !== undefined && { system_instruction: instructionText(config.systemInstruction) }),
    ...(Object.keys(generation).length > 0 && { generation_config: generation }),
    ...(pinned !== undefined && { api_version: pinned }),
    ...(config.abortSignal && { signal: config.abortSignal }),
  };
}

/** A function declaration as an Interactions function tool; `parameters` is JSON Schema there. */
export function functionTool(declaration: FunctionDeclaration): Interactions.Function {
  const parameters = declaration.parametersJsonSchema ?? (declaration.parameters && jsonSchemaOf(declaration.parameters));
  return {
    type: 'function',
    name: declaration.name,
    ...(declaration.description !== undefined && { description: declaration.description }),
    ...(parameters !== undefined && { parameters }),
  };
}

/** An OpenAPI `Schema` (types in capitals: `OBJECT`) as JSON Schema (`object`). */
function jsonSchemaOf(schema: Schema): Record<string, unknown> {
  const convert = (value: unknown, key: string): unknown => {
    if (key === 'type' && typeof value === 'string') return value.toLowerCase();
    if (Array.isArray(value)) return value.map((item) => convert(item, ''));
    if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, convert(v, k)]));
    return value;
  };
  return convert(schema, '') as Record<string, unknown>;
}

/** The built-in tools of `config.tools` that have an Interactions counterpart. */
function builtInTool(tool: unknown): Interactions.Tool {
  const entry = (tool ?? {}) as Record<string, unknown>;
  const keys = Object.keys(entry).filter((key) => entry[key] !== undefined);
  if (keys.length === 1 && keys[0] === 'googleSearch') return { type: 'google_search' };
  if (keys.length === 1 && keys[0] === 'urlContext') return { type: 'url_context' };
  if (keys.length === 1 && keys[0] === 'codeExecution')
    throw new TypeError('config.tools: code execution is added by the loop (execution: "server"); do not list it');
  throw unsupported(`config.tools entry ${JSON.stringify(keys)} (googleSearch and urlContext are translated; pass functions as functions: [...])`);
}

/** The system instruction as the Interactions API takes it: text. */
function instructionText(instruction: ContentUnion): string {
  if (typeof instruction === 'string') return instruction;
  const parts: unknown[] = Array.isArray(instruction) ? instruction : 'parts' in instruction ? (instruction.parts ?? []) : [instruction];
  return parts
    .map((part) => {
      if (typeof part === 'string') return part;
      if (typeof (part as Part).text === 'string') return (part as Part).text;
      throw unsupported('config.systemInstruction with parts other than text');
    })
    .join('\n');
}

function unsupported(what: string): TypeError {
  return new TypeError(`${what} has no Interactions API counterpart in this library; remove it or use api: "generateContent"`);
}
