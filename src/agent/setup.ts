/**
 * Checks the options once and builds what each request needs: the config with our tools added,
 * and the user turn with its attachments.
 */
import { type Content, type GenerateContentConfig, type PartListUnion, type ToolUnion, createUserContent } from '@google/genai';
import { readLimits } from './agent-limits.js';
import { attachmentParts, checkAttachments, writeAttachments } from './attachments.js';
import type { CodeExecutionEvent } from './events.js';
import { type ImagesOption, resolveImages } from './images-option.js';
import { SUGGESTED_MODEL } from './model-name.js';
import { functionNameProblem } from '../sandbox/functions/function-specs.js';
import { codeDeclarations, modelDeclarations } from './run-python/code-functions.js';
import { placeOf } from './run-python/place.js';
import { RUN_PYTHON, runPythonDeclaration } from './run-python/tool.js';
import type {
  AgentSandbox,
  ApiOptions,
  Attachment,
  CodeExecutionBaseOptions,
  ExecutionMode,
  GenAIClient,
  LocalExecutionOptions,
  LocalFunction,
  ServerExecutionOptions,
} from './types.js';

/** Most model requests per message when `limits.maxSteps` is not given. */
export const DEFAULT_MAX_STEPS = 10;

/**
 * The API version of the loop's requests to the Gemini Developer API, unless the request's
 * `config.httpOptions.apiVersion` names another. SDK 3.x sends to `v1` by default, and Google's
 * published `v1` schema (`google.ai.generativelanguage.v1`) has no `tools`, `toolConfig`,
 * `systemInstruction`, function calls, code execution parts or thought signatures, all of which
 * the loop needs; `v1beta` has them all, whichever SDK the caller has. Vertex AI clients keep theirs.
 */
export const GEMINI_API_VERSION = 'v1beta';

/** The options, checked, with defaults filled in. */
export interface AgentSetup {
  client: GenAIClient;
  model: string;
  mode: ExecutionMode;
  sandbox: AgentSandbox | undefined;
  functions: ReadonlyMap<string, LocalFunction>;
  /** Where run images go back to the model (local mode; see response-images.ts). */
  images: ImagesOption;
  maxSteps: number;
  config: GenerateContentConfig;
  /** `onEvent`, made safe: a throwing listener cannot break the loop (and leave history half-done). */
  emit: (event: CodeExecutionEvent) => void;
}

export function resolveSetup(options: CodeExecutionBaseOptions & ApiOptions & (LocalExecutionOptions | ServerExecutionOptions)): AgentSetup {
  if (!options || typeof options.ai?.models?.generateContent !== 'function')
    throw new TypeError('ai must be a GoogleGenAI client (new GoogleGenAI({ apiKey }))');
  if (typeof options.model !== 'string' || options.model === '') throw new TypeError(`model must be a model name such as ${JSON.stringify(SUGGESTED_MODEL)}`);
  const mode: ExecutionMode = options.execution ?? 'local';
  if (mode !== 'local' && mode !== 'server') throw new TypeError(`execution must be "local" or "server"; got ${JSON.stringify(mode)}`);
  if (mode === 'local' && typeof options.sandbox?.run !== 'function') {
    throw new TypeError('execution "local" needs a sandbox: pass sandbox: await PythonSandbox.create() (or use execution: "server")');
  }
  const interactions = options.api === 'interactions';
  const limits = readLimits(
    interactions ? 'the agent loop on api: "interactions"' : 'the agent loop on api: "generateContent"',
    options.limits,
    interactions ? ['maxSteps', 'streamIdleTimeoutMs'] : ['maxSteps'],
    [{ from: 'maxSteps', to: 'maxSteps', value: options.maxSteps }],
  );
  const maxSteps = limits.maxSteps ?? DEFAULT_MAX_STEPS;
  if (!Number.isInteger(maxSteps) || maxSteps < 1) throw new RangeError(`limits.maxSteps must be a whole number of at least 1; got ${String(limits.maxSteps)}`);
  const functions = resolveFunctions(options.functions, mode === 'local');
  if (mode === 'server' && (options.images !== undefined || options.multimodalFunctionResponse !== undefined))
    throw new TypeError('images applies to execution "local" only (server mode sends no function responses)');
  return {
    client: options.ai,
    model: options.model,
    mode,
    sandbox: mode === 'local' ? options.sandbox : undefined,
    functions,
    images: resolveImages(options, ['auto', 'inside', 'after'], 'after'),
    maxSteps,
    config: options.config ?? {},
    emit: safeListener(options.onEvent),
  };
}

/** The local functions by name, checked: each has a name and a handler, names are unique and `run_python` is ours when we declare it. */
export function resolveFunctions(list: readonly LocalFunction[] | undefined, declaresRunPython: boolean): ReadonlyMap<string, LocalFunction> {
  const functions = new Map<string, LocalFunction>();
  for (const fn of list ?? []) {
    const name = fn?.declaration?.name;
    if (!name || typeof fn.handler !== 'function') throw new TypeError('Each entry of functions needs a declaration with a name and a handler function');
    if (name === RUN_PYTHON && declaresRunPython) throw new TypeError(`"${RUN_PYTHON}" is declared by the loop itself; give your function another name`);
    if (functions.has(name)) throw new TypeError(`Two functions are named "${name}"`);
    checkCallableFrom(fn, declaresRunPython);
    functions.set(name, fn);
  }
  return functions;
}

/** `callableFrom` is one of its three values, and code may call a function only where it runs here, by a Python name; `confirm` only where code calls it. */
function checkCallableFrom(fn: LocalFunction, declaresRunPython: boolean): void {
  const name = fn.declaration.name;
  if (fn.confirm !== undefined && typeof fn.confirm !== 'function') throw new TypeError(`confirm of "${name}" must be a function`);
  if (fn.callableFrom === undefined || fn.callableFrom === 'model') {
    // A confirm that would never be asked is a gate the app believes in but does not have.
    if (fn.confirm) throw new TypeError(`"${name}" has confirm, which is asked only for calls from code; set callableFrom to "code" or "both"`);
    return;
  }
  if (fn.callableFrom !== 'code' && fn.callableFrom !== 'both')
    throw new TypeError(`callableFrom of "${name}" must be "model", "code" or "both"; got ${JSON.stringify(fn.callableFrom)}`);
  if (!declaresRunPython) throw new TypeError(`"${name}" is callable from code, which needs execution "local" (the model's Python runs here)`);
  const problem = functionNameProblem(name);
  if (problem !== undefined) throw new TypeError(`"${name}" is callable from code, so its name ${problem}`);
}

/** A listener made safe: a throwing listener cannot break the loop (and leave history half-done). */
export function safeListener<E>(listener: ((event: E) => void) | undefined): (event: E) => void {
  return (event) => {
    try {
      listener?.(event);
    } catch {
      // Listener errors are the listener's business.
    }
  };
}

/**
 * The config for one request: `config` with our tool added to `config.tools`.
 * Local mode declares `run_python` (its description lists `existingFiles`) beside the user's functions;
 * server mode adds `{ codeExecution: {} }` (and the user's functions, which only Gemini 3 accepts alongside it).
 * On the Gemini Developer API the request goes to {@link GEMINI_API_VERSION} unless `config.httpOptions.apiVersion` says otherwise.
 */
export function requestConfig(setup: AgentSetup, config: GenerateContentConfig, existingFiles: readonly string[]): GenerateContentConfig {
  const declarations = modelDeclarations(setup.functions);
  const tools: ToolUnion[] = [...(config.tools ?? [])];
  // The SDK would switch to its own automatic function calling, which cannot be mixed with our declarations.
  if (tools.some((tool) => 'callTool' in tool))
    throw new TypeError('config.tools cannot hold a CallableTool here: pass local functions as functions: [{ declaration, handler }]');
  if (setup.mode === 'local' && setup.sandbox) {
    tools.push({
      functionDeclarations: [
        runPythonDeclaration({
          timeoutMs: setup.sandbox.limits.timeoutMs,
          existingFiles,
          ...placeOf(setup.sandbox),
          functions: codeDeclarations(setup.functions),
        }),
        ...declarations,
      ],
    });
  } else {
    tools.push({ codeExecution: {} });
    if (declarations.length > 0) tools.push({ functionDeclarations: declarations });
  }
  const pinVersion = setup.client.vertexai !== true && config.httpOptions?.apiVersion === undefined;
  return { ...config, tools, ...(pinVersion && { httpOptions: { ...config.httpOptions, apiVersion: GEMINI_API_VERSION } }) };
}

/**
 * The user turn for a message: the attachments (written to the sandbox first, in local mode),
 * then the message. Throws before anything is sent if an attachment is malformed.
 */
export async function userTurn(setup: AgentSetup, message: PartListUnion | undefined, attachments: readonly Attachment[] = []): Promise<Content> {
  const checked = checkAttachments(attachments);
  if (setup.mode === 'local' && setup.sandbox) await writeAttachments(setup.sandbox, checked);
  const parts = attachmentParts(checked, setup.mode);
  const messageParts = message === undefined ? [] : (createUserContent(structuredClone(message)).parts ?? []);
  if (parts.length + messageParts.length === 0) throw new TypeError('A message needs text, parts or attachments');
  return { role: 'user', parts: [...parts, ...messageParts] };
}
