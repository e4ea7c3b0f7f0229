/**
 * Code execution in a Gemini Live session (`ai.live.connect`, WebSocket): the model calls
 * `run_python`, the sandbox runs it, and the session answers the `toolCall` with the same function
 * response the chat loop sends. Either connect through {@link connectLiveCodeExecution}, or keep
 * connecting yourself and wire {@link LiveCodeExecution} in (its config, its callbacks, `attach`).
 */
import type { Content, FunctionResponse, LiveCallbacks, LiveConnectConfig, LiveSendClientContentParameters, LiveServerMessage, Part, ToolListUnion } from '@google/genai';
import { RUN_PYTHON, runPythonDeclaration } from '../run-python/tool.js';
import { GEMINI_API_VERSION, resolveFunctions, safeListener } from '../setup.js';
import type { LocalFunction } from '../types.js';
import { DEFAULT_MAX_PENDING_CALLS, LiveCalls } from './live-calls.js';
import { LiveTranscript } from './live-transcript.js';
import type { LiveCloseInfo, LiveCodeExecutionEvent } from './events.js';
import type { ConnectLiveCodeExecutionOptions, LiveCodeExecutionOptions, LiveSessionLike } from './types.js';

/**
 * Why a connection can end before its setup is answered. The Live endpoint's URL carries the
 * client's API version, which a session cannot override; SDK 3.x defaults to `v1`, whose published
 * schema has no `BidiGenerateContent`.
 */
const BEFORE_SETUP = `The Live session closed before its setup was answered: check the model name, and that the client was created with apiVersion: '${GEMINI_API_VERSION}' (@google/genai 3.x defaults to 'v1', which has no Live endpoint in Google's published API schema).`;

/** Model parts read from one server message; a real one holds a few. */
const MAX_PARTS_PER_MESSAGE = 256;

/**
 * Prepares code execution for one Live session that you connect yourself: pass
 * `live.connectConfig(config)` and `live.callbacks(yours)` to `ai.live.connect`, then
 * `live.attach(session)`. {@link connectLiveCodeExecution} does all three.
 *
 * @throws {TypeError} the sandbox or a function is malformed (the message names it).
 *
 * @example
 * ```ts
 * const live = createLiveCodeExecution({ sandbox, onEvent: (e) => e.type === 'text' && show(e.text) });
 * const session = await ai.live.connect({ model, config: live.connectConfig({ responseModalities: [Modality.TEXT] }), callbacks: live.callbacks({ onmessage: playAudio }) });
 * live.attach(session);
 * live.sendText('Plot a sine wave');
 * ```
 */
export function createLiveCodeExecution(options: LiveCodeExecutionOptions): LiveCodeExecution {
  if (typeof options?.sandbox?.run !== 'function') throw new TypeError('A Live session needs a sandbox: pass sandbox: await PythonSandbox.create()');
  const maxPending = options.maxPendingCalls ?? DEFAULT_MAX_PENDING_CALLS;
  if (!Number.isInteger(maxPending) || maxPending < 1) throw new RangeError(`maxPendingCalls must be a whole number of at least 1; got ${String(options.maxPendingCalls)}`);
  return new LiveCodeExecution(options, resolveFunctions(options.functions, true), maxPending);
}

/**
 * Connects a Live session whose model runs Python in `sandbox`, through the caller's
 * `@google/genai` client, and resolves once the server has accepted the setup.
 *
 * @param options The client (`ai`), `model`, the SDK's connect `config` (our tools are added to
 *   `config.tools`), the `sandbox`, your `functions`, `onEvent`, and `onMessage` for every raw
 *   server message (audio, transcriptions).
 * @returns The open session: send with `sendText`/`sendClientContent`, read `getTranscript()`,
 *   end with `close()`.
 * @throws {TypeError} an option is malformed; whatever `ai.live.connect` throws (a refused socket).
 *
 * @example
 * ```ts
 * const ai = new GoogleGenAI({ apiKey, apiVersion: 'v1beta' });
 * const live = await connectLiveCodeExecution({ ai, model: 'gemini-live-2.5-flash-preview', sandbox,
 *   config: { responseModalities: [Modality.TEXT] }, onEvent: (e) => e.type === 'text' && show(e.text) });
 * live.sendText('What is the sum of the first 50 primes? Run code.');
 * ```
 */
export async function connectLiveCodeExecution(options: ConnectLiveCodeExecutionOptions): Promise<LiveCodeExecution> {
  if (typeof options?.ai?.live?.connect !== 'function') throw new TypeError('ai must be a GoogleGenAI client (new GoogleGenAI({ apiKey }))');
  if (typeof options.model !== 'string' || options.model === '') throw new TypeError('model must be a Live model name such as "gemini-live-2.5-flash-preview"');
  const live = createLiveCodeExecution(options);
  const onMessage = safeListener(options.onMessage);
  const connecting = options.ai.live.connect({
    model: options.model,
    config: live.connectConfig(options.config),
    callbacks: live.callbacks({ ...options.callbacks, onmessage: onMessage }),
  });
  // The SDK's connect never settles when the server closes the socket before answering the setup.
  const opened = await Promise.race([connecting.then((session) => ({ session })), live.closed.then((info) => ({ info }))]);
  if ('info' in opened) {
    connecting.then((session) => session.close(), () => undefined);
    throw Object.assign(new Error(`The Live session could not be opened: ${opened.info.reason}`), { name: 'LiveConnectError' });
  }
  live.attach(opened.session);
  return live;
}

/**
 * One Live session's code execution: answers its tool calls from the sandbox, stops a run the
 * server cancels, keeps the transcript, and ties the session's life to the sandbox's.
 *
 * Transcript: `getTranscript()` holds user turns as sent and model turns in the shape of the other
 * modes: model text, our runs as `executableCode` + `codeExecutionResult` (+ `inlineData`) paired
 * by the call's id, your functions as `functionCall` + `functionResponse`, and server-side
 * `codeExecution` parts passed through. A model `executableCode` part that nobody runs (the
 * session has no `codeExecution` tool: Live models draft their calls as Python first) is kept,
 * marked with `partMetadata.notRun` ({@link isNotRunCode}). Audio parts are left out (they come
 * through `onMessage`).
 *
 * Lifetime: when the socket closes, running code is stopped and queued calls are dropped; when
 * the sandbox turns out to be disposed (at the next call), the session is closed. Closing never
 * disposes the sandbox: the caller owns it.
 */
export class LiveCodeExecution {
  /** Resolves when the session has ended, saying why. */
  readonly closed: Promise<LiveCloseInfo>;
  private readonly emit: (event: LiveCodeExecutionEvent) => void;
  private readonly calls: LiveCalls;
  private transcript = new LiveTranscript(false);
  private current: LiveSessionLike | undefined;
  /** Responses finished before `attach` (only possible when a call arrives with the setup). */
  private readonly outbox: FunctionResponse[] = [];
  private turn = 1;
  private ended: LiveCloseInfo | undefined;
  /** Whether the server answered the setup: a close before it is a refused connection. */
  private setUp = false;
  private resolveClosed!: (info: LiveCloseInfo) => void;

  /** @internal Use {@link createLiveCodeExecution} or {@link connectLiveCodeExecution}. */
  constructor(
    private readonly options: LiveCodeExecutionOptions,
    private readonly functions: ReadonlyMap<string, LocalFunction>,
    maxPending: number,
  ) {
    this.emit = safeListener(options.onEvent);
    this.closed = new Promise((resolve) => {
      this.resolveClosed = resolve;
    });
    this.calls = new LiveCalls({
      context: { sandbox: options.sandbox, functions, multimodalFunctionResponse: options.multimodalFunctionResponse ?? false, emit: this.emit },
      emit: this.emit,
      turn: () => this.turn,
      show: (parts) => this.transcript.addOwn(parts),
      respond: (response) => this.respond(response),
      sandboxGone: (reason) => this.end({ by: 'sandbox', reason }),
      maxPending,
    });
  }

  /**
   * The connect config with `run_python` and your functions added to `config.tools` (a copy).
   * If `config.tools` enables `codeExecution`, the model's code parts are taken as run by the server.
   *
   * @throws {TypeError} `config.tools` already declares `run_python`, or holds a CallableTool.
   */
  connectConfig(config: LiveConnectConfig = {}): LiveConnectConfig {
    const tools: ToolListUnion = [...(config.tools ?? [])];
    if (tools.some((tool) => 'callTool' in tool)) throw new TypeError('config.tools cannot hold a CallableTool here: pass local functions as functions: [{ declaration, handler }]');
    if (tools.some((tool) => 'functionDeclarations' in tool && tool.functionDeclarations?.some((fn) => fn.name === RUN_PYTHON))) {
      throw new TypeError(`"${RUN_PYTHON}" is declared by the session itself; give your function another name`);
    }
    this.transcript = new LiveTranscript(tools.some((tool) => 'codeExecution' in tool && tool.codeExecution !== undefined));
    const run = runPythonDeclaration({ timeoutMs: this.options.sandbox.limits.timeoutMs, files: [] });
    tools.push({ functionDeclarations: [run, ...[...this.functions.values()].map((fn) => fn.declaration)] });
    return { ...config, tools };
  }

  /** Callbacks for `ai.live.connect`: ours first, then yours (`onmessage` gets every message). */
  callbacks(yours: Partial<LiveCallbacks> = {}): LiveCallbacks {
    return {
      onopen: () => yours.onopen?.(),
      onmessage: (message) => {
        this.handleMessage(message);
        yours.onmessage?.(message);
      },
      onerror: (event) => {
        this.emit({ type: 'error', message: `The Live connection reported an error: ${errorText(event)}` });
        yours.onerror?.(event);
      },
      onclose: (event) => {
        const reason = String(event?.reason ?? '').slice(0, 1_000) || 'The connection closed.';
        this.end({ by: 'server', ...(typeof event?.code === 'number' && { code: event.code }), reason: this.setUp ? reason : `${reason} ${BEFORE_SETUP}` });
        yours.onclose?.(event);
      },
    };
  }

  /** The session `ai.live.connect` returned: responses go to it from now on. */
  attach(session: LiveSessionLike): void {
    if (this.current) throw new TypeError('attach() was already called: one LiveCodeExecution serves one session');
    this.current = session;
    // The socket may have closed while connect was resolving.
    if (this.ended) return session.close();
    for (const response of this.outbox.splice(0)) this.respond(response);
  }

  /** The SDK session, once attached. */
  get session(): LiveSessionLike | undefined {
    return this.current;
  }

  /** True once the session has ended. */
  get isClosed(): boolean {
    return this.ended !== undefined;
  }

  /** Sends a user message (text) and ends the user's turn. */
  sendText(text: string): void {
    this.sendClientContent({ turns: text, turnComplete: true });
  }

  /** `session.sendClientContent`, with the turns recorded in the transcript. */
  sendClientContent(params: LiveSendClientContentParameters): void {
    const session = this.requireOpen();
    session.sendClientContent(params);
    for (const content of userContents(params.turns)) this.transcript.addUser(content);
  }

  /** The transcript so far: user turns and model turns (see the class comment). Deep copies. */
  getTranscript(): Content[] {
    return this.transcript.get();
  }

  /** Ends the session: stops running code, drops queued calls, closes the socket. The sandbox stays yours. */
  close(): void {
    this.end({ by: 'client', reason: 'Closed by the app.' });
  }

  /** Acts on one server message (the `onmessage` of {@link LiveCodeExecution.callbacks} calls this). */
  handleMessage(message: LiveServerMessage): void {
    if (this.ended || !isObject(message)) return;
    if (isObject(message.setupComplete)) this.setUp = true;
    if (isObject(message.setupComplete)) this.emit({ type: 'setup-complete', ...(typeof message.setupComplete.sessionId === 'string' && { sessionId: message.setupComplete.sessionId }) });
    if (isObject(message.serverContent)) this.serverContent(message);
    if (isObject(message.toolCall)) this.calls.receive(message.toolCall.functionCalls);
    if (isObject(message.toolCallCancellation)) this.calls.cancel(message.toolCallCancellation.ids);
    if (isObject(message.goAway)) this.emit({ type: 'go-away', goAway: structuredClone(message.goAway) });
    if (isObject(message.sessionResumptionUpdate)) this.emit({ type: 'session-resumption-update', update: structuredClone(message.sessionResumptionUpdate) });
  }

  private serverContent(message: LiveServerMessage): void {
    const content = message.serverContent!;
    const turn = this.turn;
    const parts = isObject(content.modelTurn) && Array.isArray(content.modelTurn.parts) ? content.modelTurn.parts : [];
    for (const part of this.transcript.addModelParts(parts.slice(0, MAX_PARTS_PER_MESSAGE))) this.emitPart(part, turn);
    if (content.interrupted === true) this.emit({ type: 'interrupted', turn });
    if (content.turnComplete === true) {
      this.emit({ type: 'turn-complete', turn, content: this.transcript.endTurn(), ...(isObject(message.usageMetadata) && { usageMetadata: structuredClone(message.usageMetadata) }) });
      this.turn++;
    }
  }

  private emitPart(part: Part, turn: number): void {
    if (typeof part.text === 'string') this.emit({ type: 'text', turn, text: part.text, thought: part.thought === true });
    else this.emit({ type: 'model-part', turn, part: structuredClone(part), notRun: part.partMetadata?.notRun === true });
  }

  private respond(response: FunctionResponse): void {
    if (this.ended) return;
    if (!this.current) {
      this.outbox.push(response);
      return;
    }
    try {
      this.current.sendToolResponse({ functionResponses: [response] });
    } catch (error) {
      this.emit({ type: 'error', message: `The response to call ${response.id ?? '(no id)'} could not be sent: ${errorText(error)}` });
    }
  }

  private end(info: LiveCloseInfo): void {
    if (this.ended) return;
    this.ended = info;
    this.calls.stopAll(`The Live session ended: ${info.reason}`);
    if (info.by !== 'server') {
      try {
        this.current?.close();
      } catch {
        // Already closed: nothing left to tell the server.
      }
    }
    this.emit({ type: 'closed', info });
    this.resolveClosed(info);
  }

  private requireOpen(): LiveSessionLike {
    if (this.ended) throw new TypeError(`The Live session has ended (${this.ended.reason})`);
    if (!this.current) throw new TypeError('The Live session is not connected yet: call attach(session) first');
    return this.current;
  }
}

/** The user turns of a `sendClientContent` call, as the transcript records them. */
function userContents(turns: LiveSendClientContentParameters['turns']): Content[] {
  if (turns === undefined || turns === null) return [];
  if (typeof turns === 'string') return [{ role: 'user', parts: [{ text: turns }] }];
  const list = Array.isArray(turns) ? turns : [turns];
  if (list.every((item) => typeof item === 'object' && item !== null && 'parts' in item)) return list as Content[];
  // A list of parts (or strings) is one user turn, as the SDK reads it.
  const parts = (list as (string | Part)[]).map((item) => (typeof item === 'string' ? { text: item } : item));
  return [{ role: 'user', parts }];
}

function isObject(value: unknown): value is Record<string, any> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function errorText(value: unknown): string {
  if (value instanceof Error) return value.message;
  const inner = (value as { error?: unknown; message?: unknown } | undefined)?.error ?? (value as { message?: unknown } | undefined)?.message;
  return inner instanceof Error ? inner.message : String(inner ?? value);
}
