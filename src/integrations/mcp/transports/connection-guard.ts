/**
 * Bounds on the HTTP server's TCP connections, so that slow or idle ones cannot lock clients out
 * (slowloris: many connections each sending a byte now and then). A connection must deliver a
 * request's headers within `headersTimeoutMs` and then its body within `requestTimeoutMs`, or it
 * is closed (checked every `checkIntervalMs`; Node's own timeouts of the same names measure from
 * moments a trickle can move, so they let such connections live for the whole request timeout).
 * At `maxConnections`, or `maxPerAddress` from one address, a new connection pushes out the oldest
 * one that is not serving a received request (still sending one, or idle between requests); only
 * when every one is serving is it refused. Clients send a request at once, so they get in.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/** Bounds on the HTTP server's connections (`serveHttp`'s second argument; each field defaults when left out). */
export interface ConnectionBounds {
  /** Connections at once. */
  maxConnections: number;
  /** Connections at once from one remote address (every local client shares 127.0.0.1). */
  maxPerAddress: number;
  /** Longest time for a request's headers to arrive, from the connection or the previous response. */
  headersTimeoutMs: number;
  /** Longest time for a request's body to arrive, from its headers. */
  requestTimeoutMs: number;
  /** How often the timeouts are checked. */
  checkIntervalMs: number;
}

/** Default timeouts: a client sends its headers at once, and a body of the largest message (about 14 MB) in well under a minute. */
export const CONNECTION_TIMEOUTS = { headersTimeoutMs: 10_000, requestTimeoutMs: 60_000, checkIntervalMs: 1000 } as const;

/** Admits and times out the connections of one server within {@link ConnectionBounds}. */
export class ConnectionGuard {
  /** Every connection held, with its remote address. */
  private readonly held = new Map<Socket, string>();
  private readonly perAddress = new Map<string, number>();
  /** Connections not serving a received request, with their deadlines, in the order they became so. */
  private readonly waiting = new Map<Socket, number>();
  private readonly timer: ReturnType<typeof setInterval>;

  constructor(
    server: Server,
    private readonly bounds: ConnectionBounds,
  ) {
    server.on('connection', (socket: Socket) => this.admit(socket));
    // Before the server's own listener, which may call `serving`: headers in, the body's time
    // starts; the response over, the next request's headers' time.
    server.prependListener('request', (req: IncomingMessage, res: ServerResponse) => {
      this.wait(req.socket, bounds.requestTimeoutMs);
      res.once('close', () => this.wait(req.socket, bounds.headersTimeoutMs));
    });
    this.timer = setInterval(() => this.sweep(), bounds.checkIntervalMs);
    this.timer.unref();
  }

  /** Marks the connection of `res` as serving a received request (no deadline, not pushed out) until the response ends. */
  serving(res: ServerResponse): void {
    if (res.socket) this.waiting.delete(res.socket);
  }

  /** Stops the timeout checks. */
  stop(): void {
    clearInterval(this.timer);
  }

  private admit(socket: Socket): void {
    const address = socket.remoteAddress ?? '';
    const room =
      (this.perAddress.get(address) ?? 0) >= this.bounds.maxPerAddress
        ? this.evictWaiting(address)
        : this.held.size < this.bounds.maxConnections || this.evictWaiting(undefined);
    if (!room) {
      socket.destroy();
      return;
    }
    this.held.set(socket, address);
    this.perAddress.set(address, (this.perAddress.get(address) ?? 0) + 1);
    this.wait(socket, this.bounds.headersTimeoutMs);
    socket.once('close', () => this.forget(socket));
  }

  /** (Re)starts `socket`'s wait, as the newest waiting connection. */
  private wait(socket: Socket, timeoutMs: number): void {
    if (!this.held.has(socket) || socket.destroyed) return;
    this.waiting.delete(socket);
    this.waiting.set(socket, Date.now() + timeoutMs);
  }

  private sweep(now = Date.now()): void {
    for (const [socket, deadline] of this.waiting) if (deadline <= now) this.drop(socket);
  }

  /** Drops the oldest waiting connection (from `address`, if given); false if there is none. */
  private evictWaiting(address: string | undefined): boolean {
    for (const socket of this.waiting.keys()) {
      if (address !== undefined && this.held.get(socket) !== address) continue;
      this.drop(socket);
      return true;
    }
    return false;
  }

  private drop(socket: Socket): void {
    this.forget(socket);
    socket.destroy();
  }

  private forget(socket: Socket): void {
    const address = this.held.get(socket);
    if (address === undefined) return;
    this.held.delete(socket);
    this.waiting.delete(socket);
    const left = (this.perAddress.get(address) ?? 1) - 1;
    if (left > 0) this.perAddress.set(address, left);
    else this.perAddress.delete(address);
  }
}
