/**
 * The connections of one Live session: the callbacks each WebSocket gets, dialling, moving to a
 * new connection on `goAway` or a drop (resumed from the latest handle), and the client messages
 * held while the session moves. {@link LiveCodeExecution} owns one and acts on the messages.
 */
import type { LiveCallbacks, LiveConnectConfig, LiveServerMessage } from '@google/genai';
import { explainClose, isResumableClose } from './close-reasons.js';
import type { LiveCloseInfo, LiveCodeExecutionEvent } from './events.js';
import type { DialHooks, DroppedFrame } from './frame-guard.js';
import { resumeWith, wantsResumption } from './live-config.js';
import { Resumption } from './resumption.js';
import type { LiveSessionLike } from './types.js';

/** Tries per reconnect when `limits.maxReconnectAttempts` is not given. */
export const DEFAULT_MAX_RECONNECT_ATTEMPTS = 3;
/**
 * How long a dial waits for the server to answer the setup when `limits.setupTimeoutMs` is not given. The
 * service answers within a second or two; a server that never does would otherwise leave the
 * connect pending forever while the SDK holds the socket.
 */
export const DEFAULT_SETUP_TIMEOUT_MS = 30_000;
/** Waits between tries of one reconnect: the first is at once, then these (the last repeats). */
const RETRY_DELAYS_MS = [500, 1_000, 2_000, 4_000];
/**
 * After `goAway`, how long the session waits at most for the open calls to be answered on the old
 * connection before it moves (the server's `timeLeft`, bounded, less a margin so the old socket is
 * closed by us: the server aborts a connection kept open past its deadline).
 */
const MAX_DRAIN_MS = 120_000;
const DEFAULT_DRAIN_MS = 10_000;
const DRAIN_MARGIN_MS = 1_000;
/** Client messages held while the session reconnects; beyond this, sending throws. */
const MAX_HELD_MESSAGES = 32;

/** How a connection is made: `ai.live.connect` with the model filled in, its frames guarded through `hooks` where the SDK allows. */
export type Connector = (config: LiveConnectConfig, callbacks: LiveCallbacks, hooks: DialHooks) => Promise<LiveSessionLike>;

/** Why a connection closed, as the session reports it. */
export interface ClosedSocket {
  code?: number;
  reason: string;
}

/** One WebSocket connection of the session. */
export interface Connection {
  id: number;
  session: LiveSessionLike | undefined;
  /** Whether the server answered its setup: a close before that is a refused connection. */
  setUp: boolean;
  /** Resolves when the socket closes, with the reason explained. */
  closed: Promise<ClosedSocket>;
  /** Closes the socket before the SDK has a session for it (known when the frame guard made it). */
  closeSocket?: () => void;
  /** Given up on (its setup took too long): its late callbacks are ignored. */
  abandoned?: boolean;
  /** What the frame guard reports for this connection. */
  hooks: DialHooks;
}

/** What the connections need from the session that owns them. */
export interface ConnectionsOwner {
  /** A message of the current connection. */
  message(message: LiveServerMessage): void;
  /** A frame of the current connection that the frame guard dropped. */
  dropped(frame: DroppedFrame): void;
  emit(event: LiveCodeExecutionEvent): void;
  /** How many calls are still open: after `goAway` the move waits for them. */
  openCalls(): number;
  /** The connection is being replaced: a model turn it cut off has ended. */
  endTurn(): void;
  /** A connection now has its SDK session: responses answered before that can go out. */
  bound(connection: number): void;
  /** The session cannot go on (the server closed it, or resuming failed). */
  end(info: LiveCloseInfo): void;
}

/** One Live session's connections (see the module comment). */
export class LiveConnections {
  /** The resumption handle and whether the server's state is covered by it. */
  resumption = new Resumption();
  private config: LiveConnectConfig = {};
  private connection: Connection | undefined;
  private count = 0;
  /** Set by {@link LiveConnections.open}: how to reconnect, and how often to try. */
  private reconnector: { connect: Connector; yours: Partial<LiveCallbacks>; attempts: number; setupTimeoutMs: number } | undefined;
  /** `draining`: `goAway` came, the session moves once its calls are answered; `reconnecting`: between connections. */
  private state: 'open' | 'draining' | 'reconnecting' = 'open';
  private drainTimer: ReturnType<typeof setTimeout> | undefined;
  /** Client messages sent while reconnecting, for the next connection. */
  private readonly held: ((session: LiveSessionLike) => void)[] = [];
  private ended = false;

  constructor(private readonly owner: ConnectionsOwner) {}

  /** The connect config every connection of this session starts from (a resume adds its handle). */
  configure(config: LiveConnectConfig): void {
    this.config = config;
    this.resumption = new Resumption(config.sessionResumption?.handle);
  }

  /** The current connection, if any. */
  get current(): Connection | undefined {
    return this.connection;
  }

  /** True for the session's first connection: later ones are resumptions. */
  get isFirst(): boolean {
    return this.count === 1;
  }

  /** True between connections. */
  get reconnecting(): boolean {
    return this.state === 'reconnecting';
  }

  /** Callbacks for a connection the caller makes: ours first, then theirs. */
  callbacks(yours: Partial<LiveCallbacks>): LiveCallbacks {
    return this.newConnection(yours).callbacks;
  }

  /** The session `ai.live.connect` returned for the current connection. */
  attach(session: LiveSessionLike): void {
    const connection = this.connection;
    if (!connection) throw new TypeError('Call callbacks() and pass them to ai.live.connect before attach()');
    if (connection.session) throw new TypeError('attach() was already called: one LiveCodeExecution serves one session');
    this.bind(connection, session);
  }

  /**
   * Connects through `connect`, keeping the session alive across connections from then on.
   *
   * @returns Why the server closed the socket before answering the setup, or nothing once connected.
   */
  async open(connect: Connector, yours: Partial<LiveCallbacks>, attempts: number, setupTimeoutMs: number): Promise<ClosedSocket | undefined> {
    this.reconnector = { connect, yours, attempts, setupTimeoutMs };
    const outcome = await this.dial(this.config);
    if ('reason' in outcome) return outcome;
    this.attach(outcome.session);
    return undefined;
  }

  /** The server has answered the current connection's setup. */
  setupComplete(): void {
    if (this.connection) this.connection.setUp = true;
  }

  /** The server will close this connection: answer what is open on it, then move to a new one. */
  goAway(timeLeft: unknown): void {
    if (!this.canResume() || this.state !== 'open') return;
    this.state = 'draining';
    const left = Math.min(durationMs(timeLeft) ?? DEFAULT_DRAIN_MS, MAX_DRAIN_MS);
    this.drainTimer = setTimeout(
      () => void this.reconnect('the time goAway gave ran out before the open calls were answered'),
      Math.max(0, left - DRAIN_MARGIN_MS),
    );
    this.moveIfDrained();
  }

  /** After `goAway`: moves once no call is open and the server has said the session can be resumed as it is. */
  moveIfDrained(): void {
    if (this.state === 'draining' && this.owner.openCalls() === 0 && this.resumption.resumableNow) void this.reconnect('the server sent goAway');
  }

  /**
   * Sends a client message now, or holds it while the session reconnects.
   *
   * @throws {TypeError} not connected yet, or too many messages held.
   */
  send(message: (session: LiveSessionLike) => void): void {
    if (this.state === 'reconnecting') {
      if (this.held.length >= MAX_HELD_MESSAGES)
        throw new TypeError(`The Live session is reconnecting and already holds ${MAX_HELD_MESSAGES} messages for the new connection`);
      this.held.push(message);
      return;
    }
    const session = this.connection?.session;
    if (!session) throw new TypeError('The Live session is not connected yet: call attach(session) first');
    this.sendNow(session, message, true);
  }

  /** Stops moving and holding; closes the current socket unless the server already did. */
  shutdown(closeSocket: boolean): void {
    this.ended = true;
    clearTimeout(this.drainTimer);
    this.held.length = 0;
    if (!closeSocket) return;
    try {
      this.connection?.session?.close();
    } catch {
      // Already closed: nothing left to tell the server.
    }
  }

  /** Makes `session` the connection's, and lets the owner send what was answered before it was known. */
  private bind(connection: Connection, session: LiveSessionLike): void {
    connection.session = session;
    connection.setUp = true;
    // The socket may have closed while connect was resolving.
    if (this.ended) return session.close();
    this.owner.bound(connection.id);
  }

  private canResume(): boolean {
    return this.reconnector !== undefined && this.reconnector.attempts > 0 && wantsResumption(this.config);
  }

  /** A new connection record, current from now on, and its callbacks. */
  private newConnection(yours: Partial<LiveCallbacks>): Connection & { callbacks: LiveCallbacks } {
    let resolveClosed!: (info: ClosedSocket) => void;
    const current = () => this.connection === connection && !this.ended && !connection.abandoned;
    const connection: Connection = {
      id: ++this.count,
      session: undefined,
      setUp: false,
      closed: new Promise((resolve) => (resolveClosed = resolve)),
      hooks: {
        dropped: (frame) => {
          if (current()) this.owner.dropped(frame);
        },
        socket: (close) => {
          connection.closeSocket = close;
        },
      },
    };
    this.connection = connection;
    const callbacks: LiveCallbacks = {
      onopen: () => yours.onopen?.(),
      onmessage: (message) => {
        // A replaced connection's late messages are not this session's any more.
        if (!current()) return;
        // The SDK calls this from a promise it drops: a throw would be an unhandled rejection.
        try {
          this.owner.message(message);
        } catch (error) {
          this.owner.emit({ type: 'error', message: `A Live message could not be handled: ${errorText(error)}` });
        }
        yours.onmessage?.(message);
      },
      onerror: (event) => {
        if (current()) this.owner.emit({ type: 'error', message: `The Live connection reported an error: ${errorText(event)}` });
        yours.onerror?.(event);
      },
      onclose: (event) => {
        // The API-version hint is for a first connection; a resume that fails has other causes.
        const info = {
          ...(typeof event?.code === 'number' && { code: event.code }),
          reason: explainClose(event?.reason, !connection.setUp && connection.id === 1),
        };
        resolveClosed(info);
        if (current() && connection.setUp) this.connectionLost(info);
        else if (current() && !this.reconnector) this.owner.end({ by: 'server', ...info });
        yours.onclose?.(event);
      },
    };
    return Object.assign(connection, { callbacks });
  }

  /**
   * Connects once: the session, or why there is none (the server closed the socket before
   * answering the setup, or did not answer it within `limits.setupTimeoutMs`: the socket is then closed).
   */
  private async dial(config: LiveConnectConfig): Promise<{ session: LiveSessionLike } | ClosedSocket> {
    const { connect, yours, setupTimeoutMs } = this.reconnector!;
    const connection = this.newConnection(yours);
    const connecting = connect(config, connection.callbacks, connection.hooks);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timedOut = new Promise<ClosedSocket>((resolve) => {
      timer = setTimeout(
        () => resolve({ reason: `the server never answered the setup within ${setupTimeoutMs} ms (limits.setupTimeoutMs); the socket was closed` }),
        setupTimeoutMs,
      );
    });
    // The SDK's connect (2.x) never settles when the server closes the socket before answering the setup.
    const outcome = await Promise.race([connecting.then((session) => ({ session })), connection.closed, timedOut]).finally(() => clearTimeout(timer));
    if ('reason' in outcome) {
      connection.abandoned = true;
      try {
        connection.closeSocket?.();
      } catch {
        // Already closed.
      }
      connecting.then(
        (session) => session.close(),
        () => undefined,
      );
    } else connection.setUp = true;
    return outcome;
  }

  /** The current connection closed after its setup, not by us. */
  private connectionLost(info: ClosedSocket): void {
    const worthIt = this.state === 'draining' || isResumableClose(info.code);
    if (this.canResume() && this.resumption.handle !== undefined && worthIt) {
      void this.reconnect(`the connection closed${info.code === undefined ? '' : ` (${info.code})`}: ${info.reason}`);
    } else {
      this.owner.end({ by: 'server', ...info });
    }
  }

  /**
   * Moves the session to a new connection resumed from the latest handle, trying up to
   * `limits.maxReconnectAttempts` times. Calls still open on the old connection cannot be answered on the
   * new one (its state predates them): they finish and are reported as not delivered.
   */
  private async reconnect(why: string): Promise<void> {
    if (this.state === 'reconnecting' || this.ended) return;
    this.state = 'reconnecting';
    clearTimeout(this.drainTimer);
    // The server refuses to resume a session whose earlier socket is still open, so close it first.
    const old = this.connection;
    this.connection = undefined;
    try {
      old?.session?.close();
    } catch {
      // Already closed.
    }
    this.owner.endTurn();
    const { attempts } = this.reconnector!;
    let reason = why;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      this.owner.emit({ type: 'reconnecting', attempt, reason });
      if (attempt > 1) await delay(RETRY_DELAYS_MS[Math.min(attempt - 2, RETRY_DELAYS_MS.length - 1)]!);
      if (this.ended) return;
      let outcome: Awaited<ReturnType<LiveConnections['dial']>>;
      try {
        outcome = await this.dial(resumeWith(this.config, this.resumption.handle!));
      } catch (error) {
        outcome = { reason: errorText(error) };
      }
      if (this.ended) {
        if ('session' in outcome) outcome.session.close();
        return;
      }
      if ('session' in outcome) return this.resumed(outcome.session, attempt);
      reason = `${outcome.code === undefined ? '' : `${outcome.code} `}${outcome.reason}`;
      // The server refused the handle or the setup: another try would be refused the same way.
      if (!isResumableClose(outcome.code)) break;
    }
    this.owner.end({ by: 'server', reason: `The Live session could not be resumed on a new connection: ${reason}` });
  }

  private resumed(session: LiveSessionLike, attempt: number): void {
    this.state = 'open';
    this.bind(this.connection!, session);
    this.resumption.resumableNow = false;
    this.owner.emit({ type: 'reconnected', attempt });
    for (const send of this.held.splice(0)) this.sendNow(session, send);
  }

  private sendNow(session: LiveSessionLike, message: (session: LiveSessionLike) => void, rethrow = false): void {
    try {
      message(session);
      // The server's state now holds input that no handle covers yet.
      this.resumption.resumableNow = false;
    } catch (error) {
      if (rethrow) throw error;
      this.owner.emit({ type: 'error', message: `A message held during the reconnect could not be sent: ${errorText(error)}` });
    }
  }
}

/** A protobuf Duration as JSON (`"50s"`, `"1.5s"`) in milliseconds. */
function durationMs(value: unknown): number | undefined {
  const match = typeof value === 'string' ? /^(\d{1,6}(?:\.\d{1,9})?)s$/.exec(value) : null;
  return match ? Number(match[1]) * 1000 : undefined;
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The message of an error, an error event, or anything thrown. */
export function errorText(value: unknown): string {
  if (value instanceof Error) return value.message;
  const inner = (value as { error?: unknown; message?: unknown } | undefined)?.error ?? (value as { message?: unknown } | undefined)?.message;
  return inner instanceof Error ? inner.message : String(inner ?? value);
}
