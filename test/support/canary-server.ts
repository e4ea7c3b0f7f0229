/**
 * A canary for escape tests: a server on 127.0.0.1 that nothing legitimate ever contacts, so any
 * request it sees is a sandbox reaching the network.
 *
 * It counts everything: every HTTP request on any path and method (CORS preflights included),
 * WebSocket upgrades, CONNECT requests, and raw TCP connections (a connection that never sends a
 * request still counts in `connections`). It answers generously (CORS open, CORP cross-origin,
 * an event stream for EventSource, JavaScript for scripts) so that a request which does get out
 * is never stopped by the canary itself: when the count is 0, the browser blocked it.
 */
import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import type { Socket } from 'node:net';
import { listenOnLoopback } from './loopback.js';

export interface CanaryHit {
  kind: 'request' | 'upgrade' | 'connect';
  method: string;
  /** Path and query as received. */
  url: string;
  /** The `Origin` header, if any. */
  origin?: string;
  /** Whether a `Cookie` header came along. */
  cookie: boolean;
}

export interface CanaryServer {
  /** `http://127.0.0.1:PORT` (no trailing slash). */
  readonly origin: string;
  /** A URL to aim at: `${origin}/canary`. */
  readonly url: string;
  /** `ws://127.0.0.1:PORT/canary`. */
  readonly wsUrl: string;
  /** Requests, upgrades and CONNECTs received since the last `reset()`. */
  readonly count: number;
  /** TCP connections accepted since the last `reset()`. */
  readonly connections: number;
  /** What was received, in order (since the last `reset()`). */
  readonly hits: readonly CanaryHit[];
  reset(): void;
  close(): Promise<void>;
}

const OPEN_HEADERS = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Headers': '*',
  'Access-Control-Allow-Methods': '*',
  'Cross-Origin-Resource-Policy': 'cross-origin',
  'Cache-Control': 'no-store',
};

function answer(req: IncomingMessage, res: ServerResponse): void {
  if (req.method === 'OPTIONS') {
    res.writeHead(204, OPEN_HEADERS).end();
    return;
  }
  if (req.headers.accept?.includes('text/event-stream')) {
    res.writeHead(200, { ...OPEN_HEADERS, 'Content-Type': 'text/event-stream' });
    res.end('data: canary\n\n');
    return;
  }
  const isScript = /\.(m?js)(\?|$)/.test(req.url ?? '');
  res.writeHead(200, { ...OPEN_HEADERS, 'Content-Type': isScript ? 'text/javascript' : 'text/plain' });
  res.end(isScript ? 'self.__canaryLoaded = true;\nexport {};\n' : 'canary');
}

export async function startCanaryServer(): Promise<CanaryServer> {
  const hits: CanaryHit[] = [];
  let connections = 0;
  const record = (kind: CanaryHit['kind'], req: IncomingMessage) =>
    hits.push({ kind, method: req.method ?? '', url: req.url ?? '', origin: req.headers.origin, cookie: req.headers.cookie !== undefined });

  const server = createServer((req, res) => {
    record('request', req);
    answer(req, res);
  });
  // With an 'upgrade' listener Node does not emit 'request' for upgrade requests: count them here.
  server.on('upgrade', (req: IncomingMessage, socket: Socket) => {
    record('upgrade', req);
    socket.destroy();
  });
  server.on('connect', (req: IncomingMessage, socket: Socket) => {
    record('connect', req);
    socket.destroy();
  });
  const listening = await listenOnLoopback(server, () => connections++);
  const { origin, port } = listening;

  return {
    origin,
    url: `${origin}/canary`,
    wsUrl: `ws://127.0.0.1:${port}/canary`,
    get count() {
      return hits.length;
    },
    get connections() {
      return connections;
    },
    hits,
    reset() {
      hits.length = 0;
      connections = 0;
    },
    close: listening.close,
  };
}
