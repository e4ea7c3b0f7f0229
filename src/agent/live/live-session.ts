/**
 * Code execution in a Gemini Live session (`ai.live.connect`, WebSocket): the model calls
 * `run_python`, the sandbox runs it, and the session answers the `toolCall` with the same function
 * response the chat loop sends. Either connect through {@link connectLiveCodeExecution} (which
 * also resumes the session on a new connection when the server ends one), or keep connecting
 * yourself and wire {@link LiveCodeExecution} in (its config, its callbacks, `attach`).
 */
import {
  Behavior,
  type Content,
  type FunctionDeclaration,
  FunctionResponseScheduling,
  type LiveCallbacks,
  type LiveConnectConfig,
  type LiveSendClientContentParameters,
  type LiveSendRealtimeInputParameters,
  type LiveServerMessage,
} from '@google/genai';
import { codeDeclarations, modelDeclarations } from '../run-python/code-functions.js';
import { placeOf } from '../run-python/place.js';
import { runPythonDeclaration } from '../run-python/tool.js';
import { resolveImages } from '../images-option.js';
import { resolveFunctions, safeListener } from '../setup.js';
import type { LocalFunction } from '../types.js';
import type { LiveCloseInfo, LiveCodeExecutionEvent } from './events.js';
import { type DroppedFrame, guardedLive, MAX_LIVE_MESSAGE_DEPTH } from './frame-guard.js';
import { isObject } from '../../common/json-object.js';
import { type ConnectLiveLimits, DEFAULT_MAX_PENDING_CALLS, readLimits } from '../agent-limits.js';
import { timerOption } from '../timer-option.js';
import { LiveCalls } from './live-calls.js';
import { liveConnectConfig, serverRunsCode } from './live-config.js';
import { type Connector, DEFAULT_MAX_RECONNECT_ATTEMPTS, DEFAULT_SETUP_TIMEOUT_MS, errorText, LiveConnections } from './live-connections.js';
import { liveDeclaration } from './live-declarations.js';
import { LiveConnectError } from './live-errors.js';
import { LiveResponses } from './live-responses.js';
import { LiveTranscript, userContents } from './live-transcript.js';
import { readServerContent } from './server-content.js';
import type { ConnectLiveCodeExecutionOptions, LiveCodeExecutionOptions, LiveSessionLike } from './types.js';

export { DEFAULT_MAX_RECONNECT_ATTEMPTS, DEFAULT_SETUP_TIMEOUT_MS };

const SCHEDULINGS: readonly string[] = [FunctionResponseScheduling.SILENT, FunctionResponseScheduling.WHEN_IDLE, FunctionResponseScheduling.INTERRUPT];
const BEHAVIORS: readonly string[] = [Behavior.BLOCKING, Behavior.NON_BLOCKING];

/**
 * Prepares code execution for one Live session that you connect yourself: pass
 * `live.connectConfig(config)` and `live.callbacks(yours)` to `ai.live.connect`, then
 * `live.attach(session)`. {@link connectLiveCodeExecution} does all three, and reconnects.
 *
 * @throws {TypeError} the sandbox, a function or an option is malformed (the message names it).
 *
 * @example
 * ```ts
 * const live = createLiveCodeExecution({ sandbox, onEvent: (e) => e.type === 'text' && show(e.role, e.text) });
 * const session = await ai.live.connect({ model: 'gemini-3.8-live', config: live.connectConfig(), callbacks: live.callbacks() });
 * live.attach(session);
 * live.sendText('Plot a sine wave');
 * ```
 */
export function createLiveCodeExecution(options: LiveCodeExecutionOptions): LiveCodeExecution {
  if (typeof options?.sandbox?.run !== 'function') throw new TypeError('A Live session needs a sandbox: pass sandbox: await PythonSandbox.create()');
  const limits = liveLimits(options);
  const maxPending = limits.maxPendingCalls ?? DEFAULT_MAX_PENDING_CALLS;
  if (!Number.isInteger(maxPending) || maxPending < 1)
    throw new RangeError(`limits.maxPendingCalls must be a whole number of at least 1; got ${String(limits.maxPendingCalls)}`);
  if (options.runPythonBehavior !== undefined && !BEHAVIORS.includes(options.runPythonBehavior)) {
    throw new TypeError(`runPythonBehavior must be BLOCKING or NON_BLOCKING; got ${String(options.runPythonBehavior)}`);
  }
  if (options.scheduling !== undefined && !SCHEDULINGS.includes(options.scheduling)) {
    // The API reference once spelled it INTERRUPTED; the service closes the session (1007) on that.
    throw new TypeError(`scheduling must be SILENT, WHEN_IDLE or INTERRUPT; got ${String(options.scheduling)}`);
  }
  return new LiveCodeExecution(options, resolveFunctions(options.functions, true), maxPending);
}

/**
 * Connects a Live session whose model runs Python in `sandbox`, through the caller's
 * `@google/genai` client, and resolves once the server has accepted the setup. The session asks
 * for AUDIO with transcription of both sides (every current Live model is audio-only), and
 * outlives its connections: on `goAway`, or when a connection drops, it resumes on a new one.
 *
 * @param options The client (`ai`), `model`, the SDK's connect `config` (defaults filled in, our
 *   tools added to `config.tools`), the `sandbox`, your `functions`, `onEvent`, and `onMessage`
 *   for every raw server message.
 * @returns The open session: send with `sendText`/`sendClientContent`/`sendRealtimeInput`, read
 *   `getTranscript()`, end with `close()`.
 * @throws {TypeError} an option is malformed. {@link LiveConnectError} the server refused the setup
 *   (the message says why: a TEXT modality, a wrong API version…) or did not answer it within
 *   `limits.setupTimeoutMs`; whatever `ai.live.connect` throws.
 *
 * @example
 * ```ts
 * const ai = new GoogleGenAI({ apiKey, apiVersion: 'v1beta' });
 * const live = await connectLiveCodeExecution({ ai, model: 'gemini-3.8-live', sandbox,
 *   onEvent: (e) => { if (e.type === 'text') show(e.role, e.text); else if (e.type === 'audio') play(e.data); } });
 * live.sendText('What is the sum of the first 50 primes? Run code.');
 * ```
 */
export async function connectLiveCodeExecution(options: ConnectLiveCodeExecutionOptions): Promise<LiveCodeExecution> {
  if (typeof options?.ai?.live?.connect !== 'function') throw new TypeError('ai must be a GoogleGenAI client (new GoogleGenAI({ apiKey }))');
  if (typeof options.model !== 'string' || options.model === '') throw new TypeError('model must be a Live model name such as "gemini-3.8-live"');
  const limits = liveLimits(options);
  const attempts = limits.maxReconnectAttempts ?? DEFAULT_MAX_RECONNECT_ATTEMPTS;
  if (!Number.isInteger(attempts) || attempts < 0)
    throw new RangeError(`limits.maxReconnectAttempts must be a whole number of at least 0; got ${String(limits.maxReconnectAttempts)}`);
  const setupTimeoutMs = timerOption('limits.setupTimeoutMs', limits.setupTimeoutMs, DEFAULT_SETUP_TIMEOUT_MS);
  const live = createLiveCodeExecution(options);
  const { ai, model } = options;
  await live.open(
    // Each dial through a guarded view of ai.live: frames the SDK cannot parse never reach it.
    (config, callbacks, hooks) => (guardedLive(ai.live, hooks) ?? ai.live).connect({ model, config, callbacks }),
    options.config ?? {},
    { ...options.callbacks, onmessage: safeListener(options.onMessage) },
    { attempts, setupTimeoutMs },
  );
  return live;
}

/** The session's limits, from `limits` and the deprecated top-level names; connecting takes three, creating one. */
function liveLimits(options: LiveCodeExecutionOptions | ConnectLiveCodeExecutionOptions): ConnectLiveLimits {
  const connects = 'ai' in options;
  const legacy = options as Partial<ConnectLiveCodeExecutionOptions>;
  return readLimits(
    connects ? 'connectLiveCodeExecution' : 'createLiveCodeExecution',
    options.limits,
    connects ? ['maxPendingCalls', 'maxReconnectAttempts', 'setupTimeoutMs'] : ['maxPendingCalls'],
    [
      { from: 'maxPendingCalls', to: 'maxPendingCalls', value: legacy.maxPendingCalls },
      { from: 'maxReconnectAttempts', to: 'maxReconnectAttempts', value: connects ? legacy.maxReconnectAttempts : undefined },
      { from: 'setupTimeoutMs', to: 'setupTimeoutMs', value: connects ? legacy.setupTimeoutMs : undefined },
    ],
  );
}

/**
 * One Live session's code execution: answers its tool calls from the sandbox, stops a run the
 * server cancels, keeps the transcript, and ties the session's life to the sandbox's.
 *
 * Transcript: `getTranscript()` holds user turns (as sent, or as their speech was transcribed)
 * and model turns in the shape of the other modes: the model's words (its output transcription,
 * or text parts), our runs as `executableCode` + `codeExecutionResult` (+ `inlineData`) paired by
 * the call's id, your functions as `functionCall` + `functionResponse`, and server-side
 * `codeExecution` parts passed through. A model `executableCode` part that nobody runs (the
 * session has no `codeExecution` tool: Live models may draft their calls as Python first) is kept,
 * marked with `partMetadata.notRun` ({@link isNotRunCode}). Audio stays out (`audio` events).
 *
 * Lifetime: a session made by {@link connectLiveCodeExecution} moves to a new connection when the
 * server sends `goAway` or a connection drops, resuming with its latest handle; running code goes
 * on. When the session ends (closed, or resuming failed), running code is stopped and queued
 * calls are dropped; when the sandbox turns out to be disposed (at the next call), the session is
 * closed. Closing never disposes the sandbox: the caller owns it.
 */
export class LiveCodeExecution {
  /** Resolves when the session has ended, saying why. */
  readonly closed: Promise<LiveCloseInfo>;
  private readonly emit: (event: LiveCodeExecutionEvent) => void;
  private readonly calls: LiveCalls;
  private readonly declarations: FunctionDeclaration[];
  private readonly link: LiveConnections;
  private readonly responses: LiveResponses;
  private transcript: LiveTranscript;
  private turn = 1;
  private ended: LiveCloseInfo | undefined;
  private resolveClosed!: (info: LiveCloseInfo) => void;

  /** @internal Use {@link createLiveCodeExecution} or {@link connectLiveCodeExecution}. */
  constructor(options: LiveCodeExecutionOptions, functions: ReadonlyMap<string, LocalFunction>, maxPending: number) {
    this.emit = safeListener(options.onEvent);
    const imagesInside = resolveImages(options, ['auto', 'inside'], 'auto') === 'inside';
    this.transcript = this.newTranscript(false);
    this.closed = new Promise((resolve) => {
      this.resolveClosed = resolve;
    });
    const run = runPythonDeclaration({
      timeoutMs: options.sandbox.limits.timeoutMs,
      existingFiles: options.existingFiles,
      ...placeOf(options.sandbox),
      functions: codeDeclarations(functions),
    });
    this.declarations = [
      liveDeclaration(run, options.runPythonBehavior ?? Behavior.BLOCKING),
      ...modelDeclarations(functions).map((declaration) => liveDeclaration(declaration, Behavior.BLOCKING)),
    ];
    this.link = new LiveConnections({
      message: (message) => this.handleMessage(message),
      dropped: (frame) => this.dropped(frame),
      emit: this.emit,
      openCalls: () => this.calls.size,
      // A model turn cut off by the move has ended: its words so far stay.
      endTurn: () => this.transcript.endTurn(),
      bound: (connection) => this.responses.flush(connection),
      end: (info) => this.end(info),
    });
    this.responses = new LiveResponses({
      link: this.link,
      declarations: this.declarations,
      scheduling: options.scheduling ?? FunctionResponseScheduling.WHEN_IDLE,
      emit: this.emit,
      ended: () => this.ended !== undefined,
    });
    this.calls = new LiveCalls({
      context: { sandbox: options.sandbox, functions, imagesInside, emit: this.emit },
      emit: this.emit,
      turn: () => this.turn,
      show: (parts) => this.transcript.addOwn(parts),
      connection: () => this.link.current?.id ?? 0,
      respond: (response, connection) => this.responses.respond(response, connection),
      sandboxGone: (reason) => this.end({ by: 'sandbox', reason }),
      idsExhausted: (reason) => this.end({ by: 'limit', reason }),
      maxPending,
    });
  }

  /**
   * The connect config: yours with the Live defaults filled in (AUDIO, input and output
   * transcription, a sliding context window, session resumption: each unless your config has the
   * key) and `run_python` and your functions added to `config.tools` (a copy). Declarations go out
   * with `parameters` (Live ignores `parametersJsonSchema`) and an explicit `behavior`. If
   * `config.tools` enables `codeExecution`, the model's code parts are taken as run by the server.
   *
   * @throws {TypeError} `config.tools` already declares `run_python`, or holds a CallableTool.
   */
  connectConfig(config: LiveConnectConfig = {}): LiveConnectConfig {
    const full = liveConnectConfig(config, structuredClone(this.declarations));
    this.link.configure(full);
    this.transcript = this.newTranscript(serverRunsCode(config));
    return full;
  }

  /** Callbacks for `ai.live.connect`: ours first, then yours (`onmessage` gets every message). */
  callbacks(yours: Partial<LiveCallbacks> = {}): LiveCallbacks {
    return this.link.callbacks(yours);
  }

  /** The session `ai.live.connect` returned: responses go to it from now on. */
  attach(session: LiveSessionLike): void {
    this.link.attach(session);
  }

  /**
   * @internal Connects through `connect` and keeps the session alive across connections
   * ({@link connectLiveCodeExecution} calls it).
   */
  async open(
    connect: Connector,
    config: LiveConnectConfig,
    yours: Partial<LiveCallbacks>,
    bounds: { attempts: number; setupTimeoutMs: number },
  ): Promise<void> {
    this.connectConfig(config);
    const refused = await this.link.open(connect, yours, bounds.attempts, bounds.setupTimeoutMs);
    if (!refused) return;
    this.end({ by: 'server', ...(refused.code !== undefined && { code: refused.code }), reason: refused.reason });
    throw new LiveConnectError(refused.reason, refused.code);
  }

  /** The SDK session of the current connection, once attached. */
  get session(): LiveSessionLike | undefined {
    return this.link.current?.session;
  }

  /** True once the session has ended. */
  get isClosed(): boolean {
    return this.ended !== undefined;
  }

  /** The latest resumption handle the server marked resumable (a new session can resume from it). */
  get resumptionHandle(): string | undefined {
    return this.link.resumption.handle;
  }

  /** Sends a user message (text) and ends the user's turn. */
  sendText(text: string): void {
    this.sendClientContent({ turns: text, turnComplete: true });
  }

  /**
   * `session.sendClientContent`, with the turns recorded in the transcript. While the session
   * reconnects, the message is held and sent on the new connection.
   *
   * @throws {TypeError} the session has ended, or too many messages are held while it reconnects.
   */
  sendClientContent(params: LiveSendClientContentParameters): void {
    this.send((session) => session.sendClientContent(params));
    for (const content of userContents(params.turns)) this.transcript.addUser(content);
  }

  /**
   * `session.sendRealtimeInput`: audio (16-bit PCM, 16 kHz, `audio/pcm;rate=16000`), video frames,
   * `audioStreamEnd`, activity marks, or `text` (recorded as a user turn). The user's speech
   * reaches the transcript through its input transcription. While the session reconnects, text is
   * held for the new connection and audio and video are dropped (late audio is worse than a gap).
   *
   * @throws {TypeError} the session has ended, or the SDK session has no `sendRealtimeInput`.
   */
  sendRealtimeInput(params: LiveSendRealtimeInputParameters): void {
    const media = params.audio !== undefined || params.video !== undefined || params.media !== undefined;
    if (this.link.reconnecting && media && !this.ended) return;
    this.send((session) => {
      if (typeof session.sendRealtimeInput !== 'function') throw new TypeError('This SDK session has no sendRealtimeInput');
      session.sendRealtimeInput(params);
    });
    if (typeof params.text === 'string' && params.text !== '') this.transcript.addUser({ role: 'user', parts: [{ text: params.text }] });
  }

  /** The transcript so far: user turns and model turns (see the class comment). Deep copies. */
  getTranscript(): Content[] {
    return this.transcript.get();
  }

  /** Ends the session: stops running code, drops queued calls, closes the socket. The sandbox stays yours. */
  close(): void {
    this.end({ by: 'client', reason: 'Closed by the app.' });
  }

  /**
   * Acts on one server message of the current connection (the `onmessage` of
   * {@link LiveCodeExecution.callbacks} calls this). Never throws: a field that cannot be read is
   * reported as an `error` event and skipped, and the message's other fields are still acted on.
   */
  handleMessage(message: LiveServerMessage): void {
    if (this.ended || !isObject(message)) return;
    this.read(message, 'setupComplete', (setup) => this.setupComplete(setup));
    this.read(message, 'serverContent', (content) => {
      if (readServerContent(content, message.usageMetadata, { transcript: this.transcript, emit: this.emit, turn: this.turn })) this.turn++;
    });
    this.read(message, 'toolCall', (toolCall) => {
      // A handle from before this call would resume a session that never saw it.
      this.link.resumption.resumableNow = false;
      this.calls.receive(toolCall.functionCalls);
    });
    this.read(message, 'toolCallCancellation', (cancellation) => this.calls.cancel(cancellation.ids));
    this.read(message, 'sessionResumptionUpdate', (update) => this.resumptionUpdate(update));
    this.read(message, 'goAway', (goAway) => {
      const { timeLeft } = goAway;
      this.emit({ type: 'go-away', goAway: typeof timeLeft === 'string' ? { timeLeft: timeLeft.slice(0, 32) } : {} });
      this.link.goAway(timeLeft);
    });
  }

  /** Acts on one field of a message, if it is an object; a throw is reported and the field skipped. */
  private read(message: LiveServerMessage, key: keyof LiveServerMessage, act: (value: Record<string, unknown>) => void): void {
    const value: unknown = message[key];
    if (!isObject(value)) return;
    try {
      act(value);
    } catch (error) {
      this.emit({ type: 'error', message: `The Live message's ${key} could not be read and was skipped: ${errorText(error)}` });
    }
  }

  /** A frame the guard dropped: reported, and the calls of a message too deep to read answered with an error. */
  private dropped(frame: DroppedFrame): void {
    if (this.ended) return;
    if (frame.calls === undefined) return this.emit({ type: 'error', message: frame.reason });
    this.link.resumption.resumableNow = false;
    const refusal = `The message holding this call was nested deeper than ${MAX_LIVE_MESSAGE_DEPTH} levels, so it could not be read and the call was not run. Call it again with simpler arguments.`;
    const ids = this.calls.refuse(frame.calls, refusal);
    this.emit({ type: 'error', message: ids.length > 0 ? `${frame.reason}; the calls in it were answered with an error: ${ids.join(', ')}` : frame.reason });
  }

  private newTranscript(serverRuns: boolean): LiveTranscript {
    return new LiveTranscript(serverRuns, (message) => this.emit({ type: 'error', message }));
  }

  private setupComplete(setup: Record<string, unknown>): void {
    this.link.setupComplete();
    // Once per session: a resumed connection reports `reconnected` instead.
    if (this.link.isFirst) this.emit({ type: 'setup-complete', ...(typeof setup.sessionId === 'string' && { sessionId: setup.sessionId.slice(0, 256) }) });
  }

  private resumptionUpdate(raw: Record<string, unknown>): void {
    const read = this.link.resumption.read(raw);
    if (read.ok) this.emit({ type: 'session-resumption-update', update: read.update });
    else this.emit({ type: 'rejected', turn: this.turn, reason: read.reason });
    this.link.moveIfDrained();
  }

  private send(message: (session: LiveSessionLike) => void): void {
    if (this.ended) throw new TypeError(`The Live session has ended (${this.ended.reason})`);
    this.link.send(message);
  }

  private end(info: LiveCloseInfo): void {
    if (this.ended) return;
    this.ended = info;
    this.calls.stopAll(`The Live session ended: ${info.reason}`);
    this.link.shutdown(info.by !== 'server');
    this.emit({ type: 'closed', info });
    this.resolveClosed(info);
  }
}
