/**
 * The sandbox as a `CallableTool`, for the SDK's own automatic function calling in `ai.chats`
 * (`config.tools: [sandboxAsCallableTool(sandbox)]`). The SDK hides the intermediate steps; use
 * {@link createCodeExecutionChat} to show each run.
 */
import type { CallableTool, FunctionCall, Part, Tool } from '@google/genai';
import { planCall } from './model-calls.js';
import type { CodeExecutionEvent } from './events.js';
import { type ImagesOption, resolveImages } from './images-option.js';
import { resolveExistingFiles } from './run-python/existing-files.js';
import { placeOf } from './run-python/place.js';
import { RUN_PYTHON, runPythonDeclaration } from './run-python/tool.js';
import type { AgentSandbox } from './types.js';

/** Options of {@link sandboxAsCallableTool}. */
export interface SandboxToolOptions {
  /**
   * Where images the code produced go back to the model ({@link ImagesOption}): `'inside'`
   * `functionResponse.parts`, for models that take multimodal function responses, or `'after'` the
   * responses as ordinary parts of the same turn, which every model takes. Default `'auto'`, which
   * here is `'after'`: the SDK sends these requests itself, so a refusal of images inside could
   * not be answered by sending the request again the other way.
   */
  images?: ImagesOption;
  /**
   * `true` is `images: 'inside'`, `false` is `images: 'after'`.
   * @deprecated Use `images`; this name goes in the next minor version.
   */
  multimodalFunctionResponse?: boolean;
  /** Paths (relative to the working directory) of files already in the sandbox, listed in the tool description. */
  existingFiles?: readonly string[];
  /** @deprecated Use `existingFiles` (the same meaning); this name goes in the next minor version. Both at once is a TypeError. */
  files?: readonly string[];
  /** Run progress and live output (`run-start`, `output`, `run-end`, `function-response`). */
  onEvent?: (event: CodeExecutionEvent) => void;
}

/**
 * Makes `sandbox` a `CallableTool` declaring `run_python`. `callTool` answers only `run_python`
 * calls (the SDK hands every CallableTool all calls) and runs them in order; malformed arguments
 * get an error response the model can correct.
 *
 * @param sandbox Where the code runs (a `PythonSandbox` or anything with its `run`/`writeFile`).
 * @param options Where images go, files already in the sandbox to declare, and run events.
 * @returns A tool for `config.tools`.
 * @throws {TypeError} a malformed `images` or `existingFiles`, or an option given under both its names.
 *
 * Use it with `ai.chats`: both SDK READMEs announce that the next major drops automatic function
 * calling from `ai.models.generateContent`, and chats keep it. The requests are the SDK's own, so
 * they go to the client's API version: create the client with `apiVersion: 'v1beta'`
 * ({@link GEMINI_API_VERSION}), since SDK 3.x defaults to `v1`.
 *
 * @example
 * ```ts
 * const ai = new GoogleGenAI({ apiKey, apiVersion: 'v1beta' });
 * const chat = ai.chats.create({ model: 'gemini-flash-latest', config: { tools: [sandboxAsCallableTool(sandbox)] } });
 * const res = await chat.sendMessage({ message: 'Plot sin(x)' });
 * ```
 */
export function sandboxAsCallableTool(sandbox: AgentSandbox, options: SandboxToolOptions = {}): CallableTool {
  const imagesInside = resolveImages(options, ['auto', 'inside', 'after'], 'after') === 'inside';
  const existingFiles = resolveExistingFiles(options);
  const emit = (event: CodeExecutionEvent) => {
    try {
      options.onEvent?.(event);
    } catch {
      // Listener errors are the listener's business.
    }
  };
  return {
    async tool(): Promise<Tool> {
      return { functionDeclarations: [runPythonDeclaration({ timeoutMs: sandbox.limits.timeoutMs, existingFiles, ...placeOf(sandbox) })] };
    },
    async callTool(calls: FunctionCall[]): Promise<Part[]> {
      const responses: Part[] = [];
      const followUp: Part[] = [];
      for (const call of calls.filter((c) => c.name === RUN_PYTHON)) {
        const outcome = await planCall(call, { sandbox, functions: new Map(), imagesInside, signal: undefined, step: 0, emit }).execute();
        responses.push(outcome.response);
        followUp.push(...outcome.followUp);
      }
      return [...responses, ...followUp];
    },
  };
}
