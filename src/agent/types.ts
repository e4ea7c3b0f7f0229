/**
 * Public option and parameter types of the agent loop. Types only.
 */
import type { Content, ContentListUnion, FunctionCall, FunctionDeclaration, GenerateContentConfig, Models, SendMessageParameters } from '@google/genai';
import type { AgentLimits, GenerateContentLimits, InteractionsLimits } from './agent-limits.js';
import type { Checkpoint, ConfirmCall, RunOptions, RunResult, SandboxLimits } from '../shared/types.js';
import type { CodeExecutionEvent } from './events.js';
import type { ImagesOption } from './images-option.js';
import type { InteractionHistory, InteractionsClient, InteractionsModeOptions } from './interactions/types.js';

/**
 * What the loop needs from a sandbox. `PythonSandbox` satisfies it; tests may pass a scripted one.
 */
export interface AgentSandbox {
  readonly limits: Readonly<Pick<SandboxLimits, 'timeoutMs'>>;
  /** Runs `code` and resolves with its result; errors in the code are results (`OUTCOME_FAILED`), not rejections. */
  run(code: string, options?: RunOptions): Promise<RunResult>;
  /** Writes a file into the working directory (attachments go there before the message is sent). */
  writeFile(path: string, data: Uint8Array): Promise<void>;
  /** Where it runs (`PythonSandbox.isolation`): what the `run_python` description tells the model of its place and network. */
  readonly isolation?: 'frame' | 'worker' | 'deno';
  /** The checkpoint of the state as it is now (`PythonSandbox.checkpointNow`): taken before a message's first cell, for {@link CodeExecutionChat.rewind}. */
  checkpointNow?(): Promise<Checkpoint>;
  /** The checkpoints kept (`PythonSandbox.checkpoints`). */
  checkpoints?(): Promise<Checkpoint[]>;
  /** Goes back to checkpoint `id` (`PythonSandbox.rewind`). */
  rewind?(id: string): Promise<void>;
}

/** What {@link CodeExecutionChat.rewind} did. */
export interface ChatRewind {
  /** How many messages were taken out of the history: the one rewound to and every one after it. */
  removed: number;
  /**
   * What became of Python. `rewound`: it is as it was before the first cell of those messages
   * (`checkpoint`); `untouched`: they ran no code, so there was nothing to undo; `not-rewound`: they
   * ran code but no checkpoint of the state before it is kept (checkpoints off, or dropped by their
   * bound: `note` says which), so Python still holds what that code did.
   */
  python: 'rewound' | 'untouched' | 'not-rewound';
  /** With `rewound`: the sandbox's checkpoint Python went back to. */
  checkpoint?: Checkpoint;
  /** One line saying what became of Python, for a transcript ("Python was rewound to before this message."). */
  note: string;
}

/**
 * What the loop needs from the `@google/genai` client: a `GoogleGenAI` instance satisfies it.
 * Retries (`httpOptions.retryOptions`), base URL and headers are the client's business.
 */
export interface GenAIClient {
  readonly models: Pick<Models, 'generateContent' | 'generateContentStream'>;
  /** True for a Vertex AI client: its API version is left as the client has it. */
  readonly vertexai?: boolean;
  /** The Interactions API (`api: 'interactions'`): `create` and `get` of SDK 2.32 or 3.x. */
  readonly interactions?: InteractionsClient;
}

/** What a local function handler receives besides its arguments. */
export interface LocalFunctionContext {
  /** The model's call, as received; for a call from the model's Python, its name and arguments (no id). */
  call: FunctionCall;
  /**
   * Aborted when the caller aborts the message (`config.abortSignal`); for a call from code, also
   * when the run is stopped or ends, or the call passes the sandbox's `limits.functionTimeoutMs`.
   */
  signal: AbortSignal | undefined;
  /** Who called: the model directly, or the model's Python (`await default_api.name(...)`). Unset means `'model'`. */
  from?: 'model' | 'code';
}

/**
 * A function the model may call besides `run_python`, run in the page.
 * The handler's return value becomes `{ output: value }` in the function response; a throw becomes `{ error: message }`.
 */
export interface LocalFunction {
  /** The declaration the model sees (`name`, `description`, parameters). */
  declaration: FunctionDeclaration;
  /**
   * Who may call it. `'model'` (the default, as before code mode): the model, one round trip per
   * call. `'code'`: only the model's Python, as `await default_api.name(...)` in a `run_python`
   * run, its arguments checked against the declaration's schema and its result staying in the
   * sandbox unless printed (local execution only; the name one Python can call, none of
   * `default_api`'s own: `AwaitRequired`, `FunctionCallError`, `search_tools`). `'both'`: either.
   */
  callableFrom?: 'model' | 'code' | 'both';
  /** Answers a call: receives the call's arguments; may return a promise. */
  handler: (args: Record<string, unknown>, context: LocalFunctionContext) => unknown;
  /**
   * Asked before each call from the model's Python runs the handler (the sandbox's
   * `SandboxFunction.confirm`): only `true` lets it run; `false` or a throw raise
   * `default_api.FunctionCallError` in Python instead, and the `code-call` event has the refusal as
   * its `error`. Its `signal` also aborts with the message's abort; the wait is bounded by the run's
   * deadline, not `limits.functionTimeoutMs`. Calls by the model directly are not asked.
   */
  confirm?: ConfirmCall;
}

/**
 * A file sent with a message: `{ path, mimeType, data }`. In local mode it is written into the
 * sandbox's working directory at `path` and shown to the model; in server mode it is only shown
 * to the model. A file's place is `path` everywhere: here, in `RunResult.files`, in `listFiles()`,
 * in what the model is told of a run's files, and in the MCP server's file tools.
 *
 * `name` in place of `path` is the deprecated earlier shape, taken for one minor version; both,
 * or neither, does not compile. {@link attachmentsFromFiles} makes attachments from a browser's
 * picked or dropped files.
 */
export type Attachment = AttachmentContent &
  (
    | {
        /** Path relative to the working directory, `/`-separated, e.g. `sales.csv` or `data/sales.csv`. */
        path: string;
        name?: undefined;
      }
    | {
        /** @deprecated Use `path` (the same meaning); this name goes in the next minor version. Both at once is a TypeError. */
        name: string;
        path?: undefined;
      }
  );

/** What an {@link Attachment} holds besides its path: its type and its bytes. */
export interface AttachmentContent {
  /**
   * The file's type, e.g. `text/csv`. May be `''`, as a browser's `File.type` often is for CSV and
   * code files: the path's extension decides then ({@link mimeTypeOf}).
   */
  mimeType: string;
  /** The file's bytes. (Outputs, `RunResult.files`, carry base64 instead: a result is plain JSON.) */
  data: Uint8Array;
}

/** Where the model's code runs. */
export type ExecutionMode = 'local' | 'server';

/** Local mode: the model calls `run_python`, and the code runs in `sandbox`. */
export interface LocalExecutionOptions {
  execution?: 'local';
  /** The sandbox the code runs in. The caller owns it (creates and disposes it). */
  sandbox: AgentSandbox;
  /**
   * Where images the code produced go back to the model ({@link ImagesOption}). Default `'auto'`:
   * inside the function responses; if the API refuses a request carrying them with HTTP 400 (as
   * models without multimodal function responses do), that request is sent once more with the
   * images right after the function responses (`inlineData` parts of the same user turn, or a
   * `user_input` step after the `function_result` steps on the Interactions API), and the chat keeps
   * that shape, in its history too, from then on. `'inside'`: always inside, never falling back
   * (the refusal is thrown). `'after'`: always after.
   */
  images?: ImagesOption;
  /**
   * `true` is `images: 'inside'`, `false` is `images: 'after'`.
   * @deprecated Use `images`; this name goes in the next minor version.
   */
  multimodalFunctionResponse?: boolean;
}

/** Server mode: Gemini's own code execution tool (`{ codeExecution: {} }`); parts pass through untouched. */
export interface ServerExecutionOptions {
  execution: 'server';
  sandbox?: undefined;
  images?: undefined;
  multimodalFunctionResponse?: undefined;
}

/** Options shared by the chat and the one-shot form (the API's own options are in {@link ApiOptions}). */
export interface CodeExecutionBaseOptions {
  /** The `@google/genai` client (`new GoogleGenAI(...)`). */
  ai: GenAIClient;
  /**
   * Model name, e.g. `gemini-flash-latest`: an alias that Google points at a current model and
   * does not retire. For reproducible results pin a version (a response's `modelVersion` names
   * the model that answered).
   */
  model: string;
  /** Generation config; our tools are added to `config.tools`. */
  config?: GenerateContentConfig;
  /** @deprecated Use `limits.maxSteps` (the same meaning); this name goes in the next minor version. Both at once is a TypeError. */
  maxSteps?: number;
  /** Functions the model may call besides `run_python` (declared in both modes). */
  functions?: LocalFunction[];
  /** Progress: steps, live output of running code, results. A throwing listener is ignored. */
  onEvent?: (event: CodeExecutionEvent) => void;
}

/**
 * The API the loop speaks, with the options only that API has: `'generateContent'` (the default)
 * or `'interactions'` (`ai.interactions.create`, Google's recommended API for new apps). Both give
 * the same transcript parts and events; on the Interactions API the chat keeps steps instead of
 * `Content`s (`getInteractionHistory()`), and `config` is translated (settings without a
 * counterpart are refused with a TypeError that names them). An option of the other API does not
 * compile.
 */
export type ApiOptions = GenerateContentApiOptions | InteractionsApiOptions;

/** `api: 'generateContent'` (or unset): no Interactions options. */
export interface GenerateContentApiOptions {
  api?: 'generateContent';
  /**
   * The loop's limits: `maxSteps` (see {@link AgentLimits}). Not the sandbox's: those are given to
   * `PythonSandbox.create({ limits })`.
   */
  limits?: GenerateContentLimits;
  store?: never;
  streamIdleTimeoutMs?: never;
}

/** `api: 'interactions'` and its options. */
export interface InteractionsApiOptions extends InteractionsModeOptions {
  api: 'interactions';
  /**
   * The loop's limits: `maxSteps`, `streamIdleTimeoutMs` (see {@link AgentLimits}). Not the
   * sandbox's: those are given to `PythonSandbox.create({ limits })`.
   */
  limits?: InteractionsLimits;
}

/** The chat's earlier conversation, in the shape its API keeps. */
export type ChatHistoryOptions =
  | {
      api?: 'generateContent';
      /** Earlier turns (API-valid `Content`s, e.g. from `getHistory()`); copied. */
      history?: Content[];
      interactionHistory?: never;
    }
  | {
      api: 'interactions';
      history?: never;
      /** Earlier steps of an `api: 'interactions'` chat (from `getInteractionHistory()`); copied. */
      interactionHistory?: InteractionHistory;
    };

/** Options of {@link createCodeExecutionChat}. */
export type CodeExecutionChatOptions = CodeExecutionBaseOptions &
  ApiOptions &
  ChatHistoryOptions &
  (LocalExecutionOptions | ServerExecutionOptions) & {
    /**
     * Paths (relative to the working directory) of files already in the sandbox, such as a resumed
     * chat's attachments, so the `run_python` description lists them from the first message.
     * Attachments sent later are added. (Not `RunResult.files`, the files a run wrote.)
     */
    existingFiles?: readonly string[];
    /** @deprecated Use `existingFiles` (the same meaning); this name goes in the next minor version. Both at once is a TypeError. */
    files?: readonly string[];
  };

/** Parameters of `sendMessage` / `sendMessageStream`: the SDK's, plus attachments. */
export interface CodeExecutionMessageParameters extends SendMessageParameters {
  /** Files to send with the message. */
  attachments?: Attachment[];
}

/** Parameters of {@link generateWithCodeExecution}. */
export type GenerateWithCodeExecutionParameters = CodeExecutionBaseOptions &
  ApiOptions &
  (LocalExecutionOptions | ServerExecutionOptions) & {
    /** The request, as for `ai.models.generateContent`. */
    contents: ContentListUnion;
    /** Files to send with the last user turn. */
    attachments?: Attachment[];
    /** Paths (relative to the working directory) of files already in the sandbox, listed in `run_python`'s description beside the attachments. */
    existingFiles?: readonly string[];
  };
