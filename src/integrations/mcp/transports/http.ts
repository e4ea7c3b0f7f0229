/**
 * MCP over streamable HTTP (`POST`/`GET`/`DELETE /mcp`), both protocol eras on one endpoint.
 * 2025-era traffic (the `initialize` handshake, `Mcp-Session-Id`) gets one SDK transport and one
 * server per MCP session, each with its own sandbox, within the session bounds; 2026-07-28 traffic
 * (`_meta` on each request) goes to the SDK's strict per-request handler, whose interpreters are
 * named by handle (modern-http.ts). Before a request reaches either its body is read within
 * `maxMessageBytes`, and its Host and Origin must name this machine, the listen address or a
 * configured name, whatever the address (host-check.ts). Slow or idle connections cannot lock
 * clients out (connection-guard.ts).
 */
import { randomUUID } from 'node:crypto';
import { type IncomingMessage, type Server as HttpServer, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ProtocolErrorCode, type RequestId, type Server, WebStandardStreamableHTTPServerTransport, isInitializeRequest } from '@modelcontextprotocol/server';
import { CONNECTION_TIMEOUTS, type ConnectionBounds, ConnectionGuard } from './connection-guard.js';
import { allowedHostNames, hostAndOriginAllowed, urlHostOf } from './host-check.js';
import { InterpreterHandles, isInstanceName, randomInstanceName } from '../sessions/handles.js';
import { modernHttpHandler } from './modern-http.js';
import { type PythonMcpServerOptions, type RunningMcpServer, resolveServerOptions } from '../options.js';
import { createSessionServer } from '../tools/server.js';
import { type OwnFunctions, type StateScope, sandboxMaker, savedIn, sayOnStderr, sessionSetup, stateStore } from '../sessions/session-setup.js';
import { BUSY_RETRY_SECONDS, SessionLimitError } from '../errors.js';
import type { SessionSandbox } from '../../shared/sessions.js';
import { SessionRegistry } from '../../shared/session-registry.js';
import { interpreterIdleMs } from '../../shared/session-bounds.js';
import { isSessionId, reopenSession } from '../sessions/session-revival.js';
import { sendWebResponse, webRequest } from './web-bridge.js';

/** Options of the HTTP server. */
export interface HttpMcpServerOptions extends PythonMcpServerOptions {
  /** TCP port; 0 picks a free one. */
  port: number;
  /** Address to listen on. Default `127.0.0.1`. */
  host?: string;
  /**
   * Host names the `Host` and `Origin` headers may carry besides `localhost`, `127.0.0.1`, `[::1]`
   * and the listen address (unless it is `0.0.0.0` or `::`), e.g. the name other containers reach
   * this one by. Any other name is refused with `403`, so DNS rebinding finds no way in.
   */
  allowedHosts?: string[];
  /**
   * This server's name at the start of every handle and session id it gives out (`<instance>.…`),
   * for a load balancer to send each back to it when several serve one address: lower-case
   * letters, digits and dashes, up to 32. Default: 8 random hex digits.
   */
  instance?: string;
}

/** A running HTTP server. */
export interface RunningHttpMcpServer extends RunningMcpServer {
  /** The endpoint clients connect to, e.g. `http://127.0.0.1:3000/mcp`. */
  readonly url: string;
  /** The port it listens on. */
  readonly port: number;
}

/** The path of the MCP endpoint. */
export const MCP_PATH = '/mcp';

interface Connection {
  transport: WebStandardStreamableHTTPServerTransport;
  server: Server;
  /** Open GET streams: a client still listening, whose session is evicted last. */
  streams: number;
}

/**
 * Serves MCP over streamable HTTP.
 * @param options The port, address and server options.
 * @param connectionBounds Connection bounds over the defaults (tests shorten the timeouts).
 * @returns The running server, once it listens.
 * @throws {TypeError | RangeError} an option out of range.
 */
export function serveHttp(options: HttpMcpServerOptions, connectionBounds: Partial<ConnectionBounds> = {}): Promise<RunningHttpMcpServer> {
  return serveHttpSessions(options, connectionBounds);
}

/**
 * {@link serveHttp}, where `ownFunctions` makes each session's functions rather than every session
 * sharing `options.functions`: the command line's gateway gives each session its own downstream
 * connections. Not exported from the package.
 */
export async function serveHttpSessions(
  options: HttpMcpServerOptions,
  connectionBounds: Partial<ConnectionBounds>,
  ownFunctions?: OwnFunctions,
): Promise<RunningHttpMcpServer> {
  const resolved = resolveServerOptions(options);
  const instance = options.instance ?? randomInstanceName();
  if (!isInstanceName(instance)) throw new TypeError(`instance must be lower-case letters, digits and dashes (up to 32); got ${JSON.stringify(instance)}`);
  const host = options.host ?? '127.0.0.1';
  const allowed = allowedHostNames(host, options.allowedHosts);
  const connections = new Map<string, Connection>();
  // Sessions their client is ending (DELETE), while they close: their saves are deleted, not kept.
  const ended = new Set<string>();
  // Every instance's HTTP sessions and handles under one prefix: instances sharing a folder take up each other's.
  const states: StateScope = {
    store: stateStore(resolved, sayOnStderr),
    prefix: 'http',
    lasting: resolved.state.directory !== undefined,
    endedByClient: (id) => ended.has(id),
  };
  // One registry for sessions and handles: one bound on the interpreters this process holds.
  const registry: SessionRegistry = new SessionRegistry(
    { ...resolved.sessions, interpreterIdleMs: interpreterIdleMs(resolved.sessions.idleMs) },
    sandboxMaker(resolved),
    (id) => {
      // Forgotten at once, so a request on it gets 404 rather than a closing transport.
      const connection = connections.get(id);
      // A handle's: it has no transport.
      if (!connection) return void registry.close(id);
      connections.delete(id);
      void connection?.transport.close();
    },
    (id) => (connections.get(id)?.streams ?? 0) > 0,
    sessionSetup(resolved, ownFunctions, states),
  );
  const handles = new InterpreterHandles(registry, instance, resolved.sessions.idleMs, savedIn(states));
  const modern = modernHttpHandler(handles, resolved);

  // Each session needs a connection or two (a POST, the GET stream), and a few more for calls at once.
  const maxConnections = resolved.sessions.maxSessions * 4 + 16;
  const guardBounds = { maxConnections, maxPerAddress: Math.ceil(maxConnections / 2), ...CONNECTION_TIMEOUTS, ...connectionBounds };

  const forget = (id: string) => {
    connections.delete(id);
    void registry.close(id);
  };

  /**
   * A client's DELETE, before it is answered: the session closes and its save is deleted, as
   * `reset` deletes it, so its id is `404` from then on. One the server closes (idle, shutdown) is
   * saved instead, for the client to come back to.
   */
  const endedByClient = async (id: string) => {
    ended.add(id);
    try {
      await registry.close(id);
    } finally {
      ended.delete(id);
    }
  };

  /** A new session under `id`, its transport connected to its server; refused (503 sent) at the bound. */
  const openSession = async (id: string, res: ServerResponse, body: unknown): Promise<Connection | undefined> => {
    let session: SessionSandbox;
    try {
      session = registry.open(id);
    } catch (error) {
      if (!SessionLimitError.isInstance(error)) throw error;
      const busy = `${error.message.replace(/ and try again\.$/, '.')} Call again in ${BUSY_RETRY_SECONDS} seconds.`;
      sendError(res, 503, ProtocolErrorCode.InternalError, busy, requestIdOf(body), { 'Retry-After': String(BUSY_RETRY_SECONDS) });
      return undefined;
    }
    const transport = new WebStandardStreamableHTTPServerTransport({
      sessionIdGenerator: () => id,
      maxRequestBodySize: resolved.maxMessageBytes,
      onsessionclosed: () => endedByClient(id),
    });
    const server = createSessionServer(session, resolved.tools);
    server.onclose = () => forget(id);
    const connection = { transport, server, streams: 0 };
    connections.set(id, connection);
    await server.connect(transport);
    return connection;
  };

  const newSession = async (request: Request, res: ServerResponse, body: unknown) => {
    const connection = await openSession(`${instance}.${randomUUID()}`, res, body);
    if (!connection) return;
    const { transport } = connection;
    await sendWebResponse(res, await transport.handleRequest(request, { parsedBody: body }));
    // The transport refused the initialize (a missing Accept header, say): no session began.
    if (transport.sessionId === undefined) await transport.close();
  };

  /** A session this server does not hold but whose interpreter the state folder does (a restart, another instance's). */
  const reopening = new Map<string, Promise<Connection | undefined>>();
  const savedSession = async (id: string, request: Request, res: ServerResponse, body: unknown): Promise<Connection | undefined> => {
    // Requests of one client at once: the first reopens it, the others wait for it.
    const pending = reopening.get(id);
    if (pending) return pending;
    if (!isSessionId(id)) return undefined;
    const reopened = (async () => {
      // A session closing (evicted at --max-sessions, its save being packed) is not in the folder yet: its close decides.
      await Promise.all(registry.closingOf(id));
      if (!savedIn(states)?.(id)) return undefined;
      const connection = await openSession(id, res, body);
      if (!connection || (await reopenSession(connection.transport, request))) return connection;
      await connection.transport.close();
      return undefined;
    })();
    reopening.set(id, reopened);
    try {
      return await reopened;
    } finally {
      reopening.delete(id);
    }
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path !== MCP_PATH) return sendError(res, 404, ProtocolErrorCode.InvalidRequest, `Not found; the MCP endpoint is ${MCP_PATH}.`);
    if (!hostAndOriginAllowed(req.headers.host, req.headers.origin, allowed)) {
      return sendError(res, 403, ProtocolErrorCode.InvalidRequest, 'Forbidden: the Host or Origin header names another site.');
    }
    const sessionId = req.headers['mcp-session-id'];
    if (Array.isArray(sessionId)) return sendError(res, 400, ProtocolErrorCode.InvalidRequest, 'Bad Request: one Mcp-Session-Id header.');
    let body: unknown;
    if (req.method === 'POST') {
      const read = await readJsonBody(req, resolved.maxMessageBytes);
      if (!read.ok) return sendError(res, read.status, read.code, read.message);
      body = read.json;
    }
    guard.serving(res);
    const request = webRequest(req, res);
    if (!(await modern.isLegacy(request, body))) return sendWebResponse(res, await modern.fetch(request, body));
    if (sessionId !== undefined) {
      const connection = connections.get(sessionId) ?? (await savedSession(sessionId, request, res, body));
      if (res.headersSent) return;
      // The spec's answer to an unknown or closed session: the client starts a new one.
      if (!connection) return sendError(res, 404, -32001, 'Session not found; initialize a new session.', requestIdOf(body));
      if (req.method === 'GET') {
        connection.streams++;
        res.once('close', () => connection.streams--);
      }
      return sendWebResponse(res, await connection.transport.handleRequest(request, { parsedBody: body }));
    }
    if (req.method === 'GET') {
      // The spec's answer when the server offers no stream at this GET (none before a session): 405,
      // which clients that open their GET stream first (the AI SDK's) take as "try after initialize".
      res.setHeader('Allow', 'POST');
      return sendError(res, 405, ProtocolErrorCode.InvalidRequest, 'Method Not Allowed: no stream before a session; start one with an initialize request.');
    }
    if (req.method !== 'POST' || !isInitializeRequest(body)) {
      return sendError(
        res,
        400,
        ProtocolErrorCode.InvalidRequest,
        'Bad Request: no Mcp-Session-Id header; start a session with an initialize request.',
        requestIdOf(body),
      );
    }
    return newSession(request, res, body);
  };

  const http: HttpServer = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) sendError(res, 500, ProtocolErrorCode.InternalError, `Internal error: ${(error as Error)?.message ?? String(error)}`);
      else res.end();
    });
  });
  const guard = new ConnectionGuard(http, guardBounds);
  await new Promise<void>((resolve, reject) => {
    const failed = (error: Error) => {
      guard.stop();
      reject(error);
    };
    http.once('error', failed);
    http.listen(options.port, host, () => {
      http.off('error', failed);
      resolve();
    });
  });
  const { port } = http.address() as AddressInfo;
  let closing: Promise<void> | undefined;
  let done!: () => void;
  const closed = new Promise<void>((resolve) => {
    done = resolve;
  });
  const close = () => {
    closing ??= (async () => {
      await Promise.all([modern.close(), ...[...connections.values()].map(({ transport }) => transport.close().catch(() => {}))]);
      await registry.closeAll();
      guard.stop();
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
      done();
    })();
    return closing;
  };
  return { url: `http://${urlHostOf(host)}:${port}${MCP_PATH}`, port, close, closed };
}

type BodyRead = { ok: true; json: unknown } | { ok: false; status: number; code: number; message: string };

/** The request's JSON body, read within `maxBytes` (a longer one is refused before it is held). */
async function readJsonBody(req: IncomingMessage, maxBytes: number): Promise<BodyRead> {
  const tooLarge: BodyRead = {
    ok: false,
    status: 413,
    code: ProtocolErrorCode.InvalidRequest,
    message: `Message over ${maxBytes.toLocaleString('en-US')} bytes; it was not read.`,
  };
  const declared = Number(req.headers['content-length']);
  if (declared > maxBytes) {
    req.resume();
    return tooLarge;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) {
      req.resume();
      return tooLarge;
    }
    chunks.push(chunk as Buffer);
  }
  try {
    return { ok: true, json: JSON.parse(Buffer.concat(chunks).toString('utf8')) };
  } catch {
    return { ok: false, status: 400, code: ProtocolErrorCode.ParseError, message: 'Parse error: the body is not JSON.' };
  }
}

function sendError(res: ServerResponse, status: number, code: number, message: string, id?: RequestId, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
  res.end(JSON.stringify({ jsonrpc: '2.0', ...(id !== undefined && { id }), error: { code, message } }));
}

function requestIdOf(body: unknown): RequestId | undefined {
  const id = (body as { id?: unknown } | null | undefined)?.id;
  return typeof id === 'string' || (typeof id === 'number' && Number.isSafeInteger(id)) ? id : undefined;
}
