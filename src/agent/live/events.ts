/**
 * Events of a Live code execution session, delivered through `onEvent`. Types only.
 *
 * Runs report through the chat loop's own events (`run-start`, `output`, `run-end`,
 * `function-response`), whose `step` is here the Live turn (1-based: it counts `turnComplete`s).
 */
import type { Content, LiveServerGoAway, LiveServerSessionResumptionUpdate, Part, UsageMetadata } from '@google/genai';
import type { FunctionResponseEvent, OutputEvent, RunEndEvent, RunStartEvent } from '../events.js';

/** The server accepted the setup: the session is open. */
export interface LiveSetupCompleteEvent {
  type: 'setup-complete';
  sessionId?: string;
}

/** Model text, as it streams (one event per text part received). */
export interface LiveTextEvent {
  type: 'text';
  turn: number;
  text: string;
  /** A thought summary rather than the answer. */
  thought: boolean;
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

/** The model finished its turn. `content` is the turn's transcript (same shape as the other modes). */
export interface LiveTurnCompleteEvent {
  type: 'turn-complete';
  turn: number;
  content: Content;
  usageMetadata?: UsageMetadata;
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

/** A new session resumption handle (only when `sessionResumption` was configured). */
export interface LiveSessionResumptionEvent {
  type: 'session-resumption-update';
  update: LiveServerSessionResumptionUpdate;
}

/** Why a Live session ended. */
export interface LiveCloseInfo {
  /** `server` (the socket closed: the server ended it, or the network), `client` ({@link LiveCodeExecution.close}), `sandbox` (the sandbox was disposed). */
  by: 'server' | 'client' | 'sandbox';
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
  | LiveModelPartEvent
  | RunStartEvent
  | OutputEvent
  | RunEndEvent
  | FunctionResponseEvent
  | LiveCallCancelledEvent
  | LiveRejectedEvent
  | LiveTurnCompleteEvent
  | LiveInterruptedEvent
  | LiveGoAwayEvent
  | LiveSessionResumptionEvent
  | LiveClosedEvent
  | LiveErrorEvent;
