/**
 * Events of a Live code execution session, delivered through `onEvent`. Types only.
 *
 * Runs report through the chat loop's own events (`run-start`, `output`, `code-call`, `run-end`,
 * `function-response`), whose `step` is here the Live turn (1-based: it counts `turnComplete`s).
 */
import type { Content, LiveServerGoAway, LiveServerSessionResumptionUpdate, Part, UsageMetadata } from '@google/genai';
import type { CodeCallEvent, FunctionResponseEvent, OutputEvent, RunEndEvent, RunStartEvent } from '../events.js';

/** The server accepted the setup: the session is open. */
export interface LiveSetupCompleteEvent {
  type: 'setup-complete';
  sessionId?: string;
}

/**
 * Words, as they stream: the model's (its text parts, or the transcription of its speech) and the
 * user's (the transcription of their speech). One event per piece received; the transcript joins
 * the pieces of a turn into one text part.
 */
export interface LiveTextEvent {
  type: 'text';
  turn: number;
  text: string;
  /** Whose words: `user` only for transcribed speech (typed turns are the app's own). */
  role: 'model' | 'user';
  /** From `outputTranscription` / `inputTranscription` (spoken words) rather than a text part. */
  transcription: boolean;
  /** A thought summary rather than the answer. */
  thought: boolean;
}

/**
 * Model audio, as it streams: one event per audio part (`audio/pcm;rate=24000`, 16-bit little-endian
 * mono, base64). Play pieces in order; drop what is queued on `interrupted`.
 */
export interface LiveAudioEvent {
  type: 'audio';
  turn: number;
  mimeType: string;
  /** Base64, as the server sent it. */
  data: string;
}

/**
 * A model part other than text and audio, as it arrives: server-side `executableCode`,
 * `codeExecutionResult`, `inlineData`… An `executableCode` part that nobody runs (the session did
 * not enable `codeExecution`, so it is the model's own draft of a function call) carries
 * `partMetadata.notRun` (see {@link isNotRunCode}) and `notRun: true` here.
 */
export interface LiveModelPartEvent {
  type: 'model-part';
  turn: number;
  part: Part;
  notRun: boolean;
}

/** The server cancelled a call (the user barged in): its run was stopped and it gets no response. */
export interface LiveCallCancelledEvent {
  type: 'call-cancelled';
  turn: number;
  callId: string;
  /** `running` when code was stopped mid-run; `queued` when it had not started. */
  was: 'running' | 'queued';
}

/**
 * Something from the server the session could not act on, and why: a call without an id, an id
 * already used or cancelled, a cancellation of an unknown call, a malformed message. Nothing was
 * run and nothing answered for it. (Calls that can be answered, such as an unknown function name,
 * get an error function response instead: see `function-response` with `isError`.)
 */
export interface LiveRejectedEvent {
  type: 'rejected';
  turn: number;
  callId?: string;
  reason: string;
}

/**
 * A call whose response never reached the model: the connection it arrived on was replaced (the
 * session reconnected) before it was answered, and the resumed session does not know the call.
 * `ran`: it ran to the end, and its result is in the transcript marked `partMetadata.notDelivered`;
 * `refused`: it was answered with an error without running; `queued`: it had not started and was
 * not run. The model was not told: say so with `sendText` if the user should not have to ask again.
 */
export interface LiveCallUndeliveredEvent {
  type: 'call-undelivered';
  turn: number;
  callId: string;
  name: string;
  was: 'ran' | 'refused' | 'queued';
  reason: string;
}

/** The model finished its turn. `content` is the turn's transcript (same shape as the other modes). */
export interface LiveTurnCompleteEvent {
  type: 'turn-complete';
  turn: number;
  content: Content;
  /** `serverContent.turnCompleteReason` when the server gave one (`NEED_MORE_INPUT`, `MALFORMED_FUNCTION_CALL`…). */
  reason?: string;
  usageMetadata?: UsageMetadata;
}

/**
 * `serverContent.interactionStatus`: `IN_PROGRESS` while the model still works (extended thinking
 * in the background), `IDLE` once it has finished everything. Sent with `turnComplete`.
 */
export interface LiveInteractionStatusEvent {
  type: 'interaction-status';
  turn: number;
  status: string;
}

/** The model is not generating because it expects the user to go on (`serverContent.waitingForInput`). */
export interface LiveWaitingForInputEvent {
  type: 'waiting-for-input';
  turn: number;
}

/** The user interrupted the model's generation (the server said `interrupted`). */
export interface LiveInterruptedEvent {
  type: 'interrupted';
  turn: number;
}

/** The server will close the connection soon (`timeLeft`, e.g. `"10s"`). */
export interface LiveGoAwayEvent {
  type: 'go-away';
  goAway: LiveServerGoAway;
}

/** A session resumption update (handles come when `sessionResumption` is configured, as it is by default). */
export interface LiveSessionResumptionEvent {
  type: 'session-resumption-update';
  update: LiveServerSessionResumptionUpdate;
}

/**
 * The connection is being replaced: after `goAway`, or when it closed unexpectedly, the session
 * reconnects with its latest resumption handle. The transcript, the sandbox and running code carry
 * on; what the app sends meanwhile is queued (text) or dropped (audio and video).
 */
export interface LiveReconnectingEvent {
  type: 'reconnecting';
  /** 1 for the first try of this reconnect. */
  attempt: number;
  reason: string;
}

/** The session is resumed on a new connection. */
export interface LiveReconnectedEvent {
  type: 'reconnected';
  attempt: number;
  sessionId?: string;
}

/** Why a Live session ended. */
export interface LiveCloseInfo {
  /**
   * `server` (the socket closed: the server ended it, or the network), `client`
   * ({@link LiveCodeExecution.close}), `sandbox` (the sandbox was disposed), `limit` (the session
   * reached a bound it cannot go past safely, such as the call ids one session remembers; the
   * reason says which).
   */
  by: 'server' | 'client' | 'sandbox' | 'limit';
  /** The WebSocket close code, when the socket reported one. */
  code?: number;
  reason: string;
}

/** The session ended; running cells were stopped and queued calls dropped. */
export interface LiveClosedEvent {
  type: 'closed';
  info: LiveCloseInfo;
}

/** A failure that did not end the session: a response that could not be sent, a sandbox error. */
export interface LiveErrorEvent {
  type: 'error';
  message: string;
}

/** Every event a Live session reports through its `onEvent` option. */
export type LiveCodeExecutionEvent =
  | LiveSetupCompleteEvent
  | LiveTextEvent
  | LiveAudioEvent
  | LiveModelPartEvent
  | RunStartEvent
  | OutputEvent
  | CodeCallEvent
  | RunEndEvent
  | FunctionResponseEvent
  | LiveCallCancelledEvent
  | LiveRejectedEvent
  | LiveCallUndeliveredEvent
  | LiveTurnCompleteEvent
  | LiveInteractionStatusEvent
  | LiveWaitingForInputEvent
  | LiveInterruptedEvent
  | LiveGoAwayEvent
  | LiveSessionResumptionEvent
  | LiveReconnectingEvent
  | LiveReconnectedEvent
  | LiveClosedEvent
  | LiveErrorEvent;
