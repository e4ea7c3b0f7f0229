/**
 * Public option types of code execution in Live sessions (`ai.live.connect`). Types only.
 */
import type {
  Behavior,
  FunctionResponseScheduling,
  LiveCallbacks,
  LiveConnectConfig,
  LiveConnectParameters,
  LiveSendClientContentParameters,
  LiveSendRealtimeInputParameters,
  LiveSendToolResponseParameters,
  LiveServerMessage,
} from '@google/genai';
import type { ImagesOption } from '../images-option.js';
import type { ConnectLiveLimits, LiveLimits } from '../agent-limits.js';
import type { AgentSandbox, LocalFunction } from '../types.js';
import type { LiveCodeExecutionEvent } from './events.js';

/**
 * What the Live layer needs from an SDK `Session`: the methods present in `@google/genai` 2.x and
 * 3.x alike. A `Session` from `ai.live.connect` satisfies it.
 */
export interface LiveSessionLike {
  /** Sends user turns (text, media) to the model. */
  sendClientContent(params: LiveSendClientContentParameters): void;
  /** Sends function responses answering the model's tool calls. */
  sendToolResponse(params: LiveSendToolResponseParameters): void;
  /** Sends realtime input (audio, video, text); needed only by {@link LiveCodeExecution.sendRealtimeInput}. */
  sendRealtimeInput?(params: LiveSendRealtimeInputParameters): void;
  /** Closes the socket. */
  close(): void;
}

/** What {@link connectLiveCodeExecution} needs from the client: a `GoogleGenAI` instance satisfies it. */
export interface LiveGenAIClient {
  readonly live: {
    /** Opens a Live session (the SDK's `ai.live.connect`). */
    connect(params: LiveConnectParameters): Promise<LiveSessionLike>;
  };
}

/** Options shared by {@link createLiveCodeExecution} and {@link connectLiveCodeExecution}. */
export interface LiveCodeExecutionOptions {
  /** The sandbox `run_python` runs in. The caller owns it; disposing it closes the session. */
  sandbox: AgentSandbox;
  /** Functions the model may call besides `run_python`, answered in the page. */
  functions?: LocalFunction[];
  /**
   * Paths (relative to the working directory) of files already in the sandbox, such as a typed
   * chat's attachments, listed in `run_python`'s description. Default: none.
   */
  existingFiles?: readonly string[];
  /**
   * Progress: model text as it streams, live output of running code, results, turn ends,
   * interruptions, cancellations, `goAway`, the session's end. A throwing listener is ignored.
   */
  onEvent?: (event: LiveCodeExecutionEvent) => void;
  /**
   * Where images the code produced go back to the model ({@link ImagesOption}; `'after'` does not
   * exist on Live). `'inside'`: in `functionResponse.parts`. Default `'auto'`, which on Live sends
   * no image: the response says how many there were, and the transcript shows them. A refused
   * tool response closes the whole session (1007), where a call can be answered only once and the
   * resumed session no longer knows it, so nothing can be sent again another way; and no Live
   * model is documented to take images in a function response. Images as ordinary input after the
   * response would go as client content, which interrupts the model's speech and which
   * `gemini-3.1-flash-live` takes only to seed a session's history.
   */
  images?: Exclude<ImagesOption, 'after'>;
  /**
   * `true` is `images: 'inside'`, `false` is `images: 'auto'` (no image sent).
   * @deprecated Use `images`; this name goes in the next minor version.
   */
  multimodalFunctionResponse?: boolean;
  /**
   * The session's limits: `maxPendingCalls` (see `AgentLimits`). Not the sandbox's: those are
   * given to `PythonSandbox.create({ limits })`.
   */
  limits?: LiveLimits;
  /** @deprecated Use `limits.maxPendingCalls` (the same meaning); this name goes in the next minor version. Both at once is a TypeError. */
  maxPendingCalls?: number;
  /**
   * How `run_python` is declared (default `BLOCKING`): the model waits for the result before it
   * goes on, so an answer that needs code is spoken once the code has run. `NON_BLOCKING` lets the
   * model keep talking while the cell runs; the result then reaches it as `scheduling` says.
   * (Your functions keep their own `behavior`; one without is declared `BLOCKING`, as Live models
   * before `gemini-3.8-live` took it, where 3.8 would take it as `NON_BLOCKING`.)
   */
  runPythonBehavior?: Behavior;
  /**
   * How the response to a `NON_BLOCKING` call is fitted into the conversation (default
   * `WHEN_IDLE`: once the model has finished what it is saying; `INTERRUPT`: at once; `SILENT`:
   * added to the context without a reply). Responses to `BLOCKING` calls carry none.
   */
  scheduling?: FunctionResponseScheduling;
}

/** Options of {@link connectLiveCodeExecution}: the client, the model, and the SDK's connect config. */
export interface ConnectLiveCodeExecutionOptions extends Omit<LiveCodeExecutionOptions, 'limits'> {
  /**
   * The session's limits: `maxPendingCalls`, `maxReconnectAttempts`, `setupTimeoutMs` (see
   * `AgentLimits`). Not the sandbox's: those are given to `PythonSandbox.create({ limits })`.
   */
  limits?: ConnectLiveLimits;
  /** The `@google/genai` client (`new GoogleGenAI(...)`, with `apiVersion` set). */
  ai: LiveGenAIClient;
  /** A Live model, e.g. `gemini-3.8-live`. */
  model: string;
  /**
   * The SDK's connect config; `run_python` and `functions` are added to `config.tools`. Unless the
   * config has the key (set it to `undefined` to turn one off), the session asks for AUDIO output,
   * input and output transcription, a sliding context window and session resumption
   * (`LIVE_DEFAULTS`). A `sessionResumption.handle` resumes an earlier session.
   */
  config?: LiveConnectConfig;
  /** @deprecated Use `limits.maxReconnectAttempts` (the same meaning); this name goes in the next minor version. Both at once is a TypeError. */
  maxReconnectAttempts?: number;
  /** @deprecated Use `limits.setupTimeoutMs` (the same meaning); this name goes in the next minor version. Both at once is a TypeError. */
  setupTimeoutMs?: number;
  /** Every raw server message, after the session has acted on it (audio, transcriptions…). */
  onMessage?: (message: LiveServerMessage) => void;
  /** The socket's error and close callbacks, passed through. */
  callbacks?: Pick<LiveCallbacks, 'onopen' | 'onerror' | 'onclose'>;
}
