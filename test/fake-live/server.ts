/**
 * A fake Gemini Live API on loopback that speaks the WebSocket protocol `@google/genai` uses:
 * the SDK turns `httpOptions.baseUrl` `http://127.0.0.1:PORT` into
 * `ws://127.0.0.1:PORT/ws/google.ai.generativelanguage.{apiVersion}.GenerativeService.BidiGenerateContent?key=KEY`,
 * sends `setup` first, then `clientContent`, `realtimeInput`, `toolResponse` frames (JSON text);
 * the server answers `setupComplete`, then `serverContent`, `toolCall`, `toolCallCancellation`,
 * `goAway`… (the real service pretty-prints its JSON; so does this fake).
 *
 * Scenario-driven: each connection plays the script given to {@link FakeLive.script} (steps that
 * wait for a client frame, send server messages, or close), and tests may also drive a connection
 * directly. It checks what the real service would refuse (wrong path or no key, no setup first,
 * a tool response for an unknown, answered or cancelled call id) and lists it in `failures`.
 *
 * It speaks as today's Live models do (gemini-3.8-live): audio only (a setup asking for TEXT is
 * closed with the service's 1007 text), a function declared without `behavior` is NON_BLOCKING,
 * a response to a NON_BLOCKING call needs a valid `scheduling` (an invalid one closes the session
 * with 1007), `parametersJsonSchema` is listed as a failure (Live is reported to ignore it), and
 * when the setup asks for `sessionResumption` it sends handles: resumable after the setup, each
 * turn's end and each answered call, not resumable while a call is open. A setup with a handle
 * resumes that session: an unknown handle is refused (1008), and so is a resume while an earlier
 * connection of the session is still open (1011, as maintainers report). `goAway` closes the
 * connection when its time is up (1011, the text users report).
 */
import { type IncomingMessage, type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';

export const API_VERSION = 'v1beta';

/** Close texts of the real service, as reported (see /work/shared/eval/recorded-gemini/live/quoted__live-error-closes.md). */
export const CLOSE_TEXT = {
  textModality: 'The requested combination of response modalities (TEXT) is not supported by the model',
  deadline: 'Deadline expired before operation could complete.',
  sessionNotFound: 'BidiGenerateContent session not found',
  /** Not a captured text: the form protobuf's JSON parser gives an unknown enum value. */
  badScheduling: (value: string) =>
    `Invalid value at 'tool_response.function_responses[0].scheduling' (type.googleapis.com/google.ai.generativelanguage.v1beta.FunctionResponse.Scheduling), "${value}"`,
  /** Not a captured text: maintainers report only the code (1011) of a resume while the session is open. */
  stillOpen: 'fake-live: the session is still open on another connection',
} as const;

const SCHEDULINGS = ['SILENT', 'WHEN_IDLE', 'INTERRUPT'];

/** One Live session on the fake: the connections that served it, and the handles it gave out. */
export interface FakeSession {
  id: number;
  connections: FakeLiveConnection[];
}
export const LIVE_PATH = `/ws/google.ai.generativelanguage.${API_VERSION}.GenerativeService.BidiGenerateContent`;

/** The kinds of client frames. */
export type ClientKind = 'setup' | 'clientContent' | 'realtimeInput' | 'toolResponse' | 'other';

/** One frame the client sent: its exact text and what it parsed to. */
export interface ClientFrame {
  raw: string;
  kind: ClientKind;
  message: Record<string, any>;
  /** Milliseconds since the connection opened. */
  atMs: number;
}

/** A step of a scenario. */
export type Step =
  /** Waits for the next client frame of this kind (frames of other kinds are skipped over, but kept in `frames`). */
  | { await: ClientKind; timeoutMs?: number }
  /** Sends a server message: an object (pretty-printed, as the service does) or a raw string sent as it is. */
  | { send: object | string }
  /** Waits this long. */
  | { delayMs: number }
  /** Closes the socket. */
  | { close: { code?: number; reason?: string } };

export class FakeLiveConnection {
  readonly frames: ClientFrame[] = [];
  /** The session it serves (set once the setup is accepted). */
  session: FakeSession | undefined;
  /** The handle its setup resumed from, if any. */
  resumedFrom: string | undefined;
  /** Whether the setup asked for resumption handles. */
  resumption = false;
  /** Declared functions' behavior by name (NON_BLOCKING where the declaration has none, as on 3.8). */
  readonly behaviors = new Map<string, string>();
  /** From the moment either side started closing (a closing socket no longer holds the session). */
  get isClosed(): boolean {
    return this.socket.readyState !== WebSocket.OPEN;
  }
  /** The resumable handles sent on this connection, in order. */
  readonly handles: string[] = [];
  /** Hands out a new handle for this connection's session (set by the server). */
  newHandle: () => string = () => 'handle';
  /** Call ids sent in `toolCall`s and not yet answered or cancelled. */
  readonly openCalls = new Map<string, string>();
  readonly cancelledCalls = new Set<string>();
  readonly answeredCalls = new Set<string>();
  readonly closed: Promise<{ code: number; reason: string }>;
  private readonly opened = Date.now();
  private readIndex = 0;
  private waiters: (() => void)[] = [];

  constructor(
    readonly url: string,
    private readonly socket: WebSocket,
    private readonly failures: string[],
  ) {
    this.closed = new Promise((resolve) => socket.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
    socket.on('message', (data, isBinary) => this.receive(isBinary ? Buffer.from(data as Buffer).toString('utf8') : data.toString()));
  }

  /** The next frame of `kind` after the last one awaited (waits for it). */
  async next(kind: ClientKind, timeoutMs = 10_000): Promise<ClientFrame> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      while (this.readIndex < this.frames.length) {
        const frame = this.frames[this.readIndex++]!;
        if (frame.kind === kind) return frame;
      }
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`No ${kind} frame within ${timeoutMs} ms; frames so far: ${this.frames.map((f) => f.kind).join(', ') || 'none'}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Frames of one kind, in order. */
  framesOf(kind: ClientKind): ClientFrame[] {
    return this.frames.filter((frame) => frame.kind === kind);
  }

  /**
   * Sends a server message. Objects go out as the service sends them: pretty-printed with a
   * trailing newline, in a binary frame (a browser's socket hands them over as Blobs). A string
   * goes out as written, in a text frame (scenarios write malformed ones on purpose).
   */
  send(message: object | string): void {
    const raw = typeof message === 'string' ? message : serviceFrame(message);
    const parsed: any = typeof message === 'string' ? safeParse(message) : message;
    // Scenarios send malformed messages on purpose: only well-formed calls are tracked.
    for (const call of asList(parsed?.toolCall?.functionCalls)) if (typeof call?.id === 'string') this.openCalls.set(call.id, call.name);
    for (const id of asList(parsed?.toolCallCancellation?.ids)) {
      this.openCalls.delete(id);
      this.cancelledCalls.add(id);
    }
    this.socket.send(raw, { binary: typeof raw !== 'string' });
    // The service cannot be resumed while a call is open; it can once a turn has ended.
    if (asList(parsed?.toolCall?.functionCalls).length > 0) this.resumptionUpdate();
    else if (parsed?.serverContent?.turnComplete === true) this.resumptionUpdate();
  }

  /** Sends a binary frame of any bytes (the service's are UTF-8 JSON; a hostile server's may not be). */
  sendBinary(bytes: Uint8Array): void {
    this.socket.send(bytes, { binary: true });
  }

  /** Sends `sessionResumptionUpdate` (when the setup asked for it): a new handle, or `resumable: false` while a call is open. */
  resumptionUpdate(): void {
    if (!this.resumption || this.isClosed) return;
    const update = this.openCalls.size > 0 ? { resumable: false } : { newHandle: this.newHandle(), resumable: true };
    if (update.newHandle) this.handles.push(update.newHandle);
    this.socket.send(serviceFrame({ sessionResumptionUpdate: update }), { binary: true });
  }

  /** Sends `goAway` and closes the connection as the service does when the time is up, unless the client closed it first. */
  goAway(timeLeftMs: number): void {
    this.send({ goAway: { timeLeft: `${timeLeftMs / 1000}s` } });
    setTimeout(() => {
      if (!this.isClosed) this.close(1011, CLOSE_TEXT.deadline);
    }, timeLeftMs).unref();
  }

  /** Plays scenario steps in order. */
  async play(steps: readonly Step[]): Promise<void> {
    for (const step of steps) {
      if ('await' in step) await this.next(step.await, step.timeoutMs);
      else if ('send' in step) this.send(step.send);
      else if ('delayMs' in step) await new Promise((resolve) => setTimeout(resolve, step.delayMs));
      else this.close(step.close.code, step.close.reason);
    }
  }

  close(code = 1000, reason = ''): void {
    if (!this.isClosed) this.socket.close(code, reason);
  }

  private receive(raw: string): void {
    const message = safeParse(raw);
    const keys = message && typeof message === 'object' ? Object.keys(message) : [];
    const kind: ClientKind =
      keys.length === 1 && ['setup', 'clientContent', 'realtimeInput', 'toolResponse'].includes(keys[0]!) ? (keys[0] as ClientKind) : 'other';
    if (kind === 'other') this.failures.push(`a frame that is not one client message: ${raw.slice(0, 200)}`);
    if (this.frames.length === 0 && kind !== 'setup') this.failures.push(`the first frame is ${kind}, not setup`);
    if (kind === 'toolResponse') this.checkToolResponse(message.toolResponse);
    this.frames.push({ raw, kind, message: message ?? {}, atMs: Date.now() - this.opened });
    for (const wake of this.waiters.splice(0)) wake();
  }

  private checkToolResponse(toolResponse: any): void {
    const responses = toolResponse?.functionResponses;
    if (!Array.isArray(responses) || responses.length === 0) return void this.failures.push('a toolResponse without functionResponses');
    for (const response of responses) {
      const id = response?.id;
      const scheduling = response?.scheduling;
      if (scheduling !== undefined && !SCHEDULINGS.includes(scheduling)) return this.close(1007, CLOSE_TEXT.badScheduling(String(scheduling)));
      if (this.behaviors.get(this.openCalls.get(id) ?? '') === 'NON_BLOCKING' && scheduling === undefined)
        this.failures.push(`the response to the NON_BLOCKING call ${id} has no scheduling`);
      if (this.cancelledCalls.has(id)) this.failures.push(`a response to the cancelled call ${id}`);
      else if (this.answeredCalls.has(id)) this.failures.push(`a second response to the call ${id}`);
      else if (!this.openCalls.has(id)) this.failures.push(`a response to an unknown call id ${String(id)}`);
      else if (this.openCalls.get(id) !== response.name)
        this.failures.push(`the response to ${id} names ${response.name}, the call named ${this.openCalls.get(id)}`);
      if (typeof response?.response !== 'object' || response.response === null) this.failures.push(`the response to ${id} has no response object`);
      this.openCalls.delete(id);
      this.answeredCalls.add(id);
    }
    if (this.openCalls.size === 0) this.resumptionUpdate();
  }
}

export interface FakeLiveOptions {
  /** Answer `setup` with `{ setupComplete: {} }` (after its checks) before the script runs. Default true. */
  autoSetup?: boolean;
  /** Refuse a setup that asks for TEXT output, as every current Live model does. Default true. */
  audioOnly?: boolean;
}

export class FakeLive {
  readonly connections: FakeLiveConnection[] = [];
  /** What the real service would have refused, and scenario errors. */
  readonly failures: string[] = [];
  /** Sessions by the handles they gave out. */
  readonly sessions = new Map<string, FakeSession>();
  /** When set, every setup is closed with this (a service that is down, or refuses the key). */
  refuseSetups: { code: number; reason: string } | undefined;
  /** When set, new connections are accepted and never answered (not the setup, nothing else), nor closed. */
  silent = false;
  private sessionCount = 0;
  private handleCount = 0;
  private steps: Step[] = [];
  private readonly waiting: ((connection: FakeLiveConnection) => void)[] = [];

  private constructor(
    private readonly server: Server,
    private readonly options: Required<FakeLiveOptions>,
  ) {}

  static async start(options: FakeLiveOptions = {}): Promise<FakeLive> {
    const server = createServer((_req, res) => res.writeHead(404).end());
    const fake = new FakeLive(server, { autoSetup: options.autoSetup ?? true, audioOnly: options.audioOnly ?? true });
    const wss = new WebSocketServer({ server });
    wss.on('connection', (socket, request) => fake.accept(socket, request));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return fake;
  }

  /** The `httpOptions.baseUrl` for the SDK (it switches the scheme to `ws:`). */
  get baseUrl(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** The steps every new connection plays after the setup exchange. */
  script(steps: Step[]): this {
    this.steps = [...steps];
    return this;
  }

  /** The next connection to be made, once its setup exchange is done (call it before connecting). */
  connection(): Promise<FakeLiveConnection> {
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  reset(): void {
    this.steps = [];
    this.refuseSetups = undefined;
    this.silent = false;
    this.failures.length = 0;
  }

  async close(): Promise<void> {
    for (const client of this.connections) client.close();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(socket: WebSocket, request: IncomingMessage): void {
    // The SDK joins a base URL that ends in "/" with "/ws/…", so the path starts with "//", which
    // the real service accepts (and `new URL` would read as a host name).
    const raw = request.url ?? '/';
    const [path = '', query = ''] = raw.split('?', 2);
    const connection = new FakeLiveConnection(raw, socket, this.failures);
    if (path.replace(/^\/+/, '/') !== LIVE_PATH) {
      // As Google's published schema has it, only v1beta (and v1alpha) serve BidiGenerateContent.
      this.failures.push(`a connection to ${path}, not ${LIVE_PATH}`);
      socket.close(1008, `fake-live: no Live endpoint at ${path}`);
      return;
    }
    if (!new URLSearchParams(query).get('key')) this.failures.push('a connection without ?key=');
    this.connections.push(connection);
    // A silent connection is still the next one a test waits for.
    if (this.silent) return void this.waiting.shift()?.(connection);
    const steps = this.steps;
    void (async () => {
      try {
        if (this.options.autoSetup && !this.setUp(connection, (await connection.next('setup')).message.setup)) return;
        this.waiting.shift()?.(connection);
        await connection.play(steps);
      } catch (error) {
        this.failures.push(`scenario: ${(error as Error).message}`);
      }
    })();
  }

  /** Checks a setup as the service would, joins or starts its session, and answers it; false when it closed the connection instead. */
  private setUp(connection: FakeLiveConnection, setup: any): boolean {
    if (this.refuseSetups) {
      connection.close(this.refuseSetups.code, this.refuseSetups.reason);
      return false;
    }
    if (this.options.audioOnly && asList(setup?.generationConfig?.responseModalities).includes('TEXT')) {
      connection.close(1007, CLOSE_TEXT.textModality);
      return false;
    }
    const threeEight = /gemini-3\.8/.test(String(setup?.model));
    for (const tool of asList(setup?.tools)) {
      for (const fn of asList(tool?.functionDeclarations)) {
        if (fn?.parametersJsonSchema !== undefined) this.failures.push(`${fn.name} is declared with parametersJsonSchema, which Live ignores`);
        connection.behaviors.set(fn?.name, fn?.behavior ?? (threeEight ? 'NON_BLOCKING' : 'BLOCKING'));
      }
    }
    const resumption = setup?.sessionResumption;
    let session: FakeSession;
    if (typeof resumption?.handle === 'string') {
      const found = this.sessions.get(resumption.handle);
      if (!found) {
        connection.close(1008, CLOSE_TEXT.sessionNotFound);
        return false;
      }
      if (found.connections.some((other) => !other.isClosed)) {
        connection.close(1011, CLOSE_TEXT.stillOpen);
        return false;
      }
      session = found;
      connection.resumedFrom = resumption.handle;
    } else {
      session = { id: ++this.sessionCount, connections: [] };
    }
    session.connections.push(connection);
    connection.session = session;
    connection.resumption = typeof resumption === 'object' && resumption !== null;
    connection.newHandle = () => {
      const handle = `handle-${session.id}-${++this.handleCount}`;
      this.sessions.set(handle, session);
      return handle;
    };
    connection.send({ setupComplete: {} });
    connection.resumptionUpdate();
    return true;
  }
}

function safeParse(raw: string): any {
  try {
    return JSON.parse(raw);
  } catch {
    return undefined;
  }
}

function asList(value: unknown): any[] {
  return Array.isArray(value) ? value : [];
}

/** A server message as the service frames it: pretty-printed JSON and a newline, as UTF-8 bytes. */
function serviceFrame(message: object): Buffer {
  return Buffer.from(`${JSON.stringify(message, null, 2)}\n`);
}
