/**
 * A tiny static file server for browser tests and benchmarks (node:http, no dependencies).
 *
 * Serves one root directory (usually the repo root, so `/dist/...`, `/node_modules/...` and test
 * pages are all reachable) on 127.0.0.1 with an OS-chosen port. Optionally sends the headers that
 * make a page cross-origin isolated, which is what unlocks SharedArrayBuffer (and so the sandbox's
 * non-destructive interrupt). Every request is logged so tests can assert on what was fetched.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import { extname, resolve, sep } from 'node:path';
import { listenOnLoopback } from './loopback.js';

export interface StaticServerOptions {
  /** Directory served at `/`. */
  root: string;
  /** Send COOP/COEP/CORP so pages are `crossOriginIsolated`. Default false. */
  crossOriginIsolated?: boolean;
  /** More headers on every response (e.g. a Content-Security-Policy). */
  headers?: Record<string, string>;
  /**
   * Dynamic answers for exact paths (any method), tried before the files. The handler gets the
   * request after the isolation headers are set and must end the response; it returns the status.
   */
  routes?: Record<string, (req: IncomingMessage, res: ServerResponse) => number | Promise<number>>;
}

export interface ServedRequest {
  method: string;
  /** Path without the query string, e.g. `/dist/pyodide/pyodide.asm.wasm`. */
  path: string;
  /** 0 until the response is sent. */
  status: number;
}

export interface StaticServer {
  /** `http://127.0.0.1:PORT` (no trailing slash). */
  readonly origin: string;
  /** Every request served so far, in arrival order. */
  readonly requests: readonly ServedRequest[];
  /** Requests whose path satisfies `match` (a substring or a predicate). */
  countRequests(match: string | ((request: ServedRequest) => boolean)): number;
  /** Forgets the request log (e.g. between tests). */
  clearRequests(): void;
  close(): Promise<void>;
}

const MIME_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  // Anything else here makes streaming compilation fail and `loadPyodide` hang.
  '.wasm': 'application/wasm',
  '.zip': 'application/zip',
  '.whl': 'application/zip',
  '.css': 'text/css; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.py': 'text/x-python; charset=utf-8',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
};

export function mimeTypeFor(path: string): string {
  return MIME_TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream';
}

const ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

export async function startStaticServer(options: StaticServerOptions): Promise<StaticServer> {
  const root = resolve(options.root);
  const requests: ServedRequest[] = [];

  const server = createServer((req, res) => {
    const path = decodePath(req.url);
    // Logged on arrival (status filled in when known) so a request in flight is already counted.
    const entry: ServedRequest = { method: req.method ?? 'GET', path: path ?? String(req.url), status: 0 };
    requests.push(entry);
    for (const [name, value] of Object.entries(options.headers ?? {})) res.setHeader(name, value);
    const route = path === undefined ? undefined : options.routes?.[path];
    const answer = route
      ? Promise.resolve()
          .then(() => {
            if (options.crossOriginIsolated) for (const [name, value] of Object.entries(ISOLATION_HEADERS)) res.setHeader(name, value);
            return route(req, res);
          })
          .catch(() => end(res, 500, 'Route failed'))
      : serve(req, res, root, path, options.crossOriginIsolated ?? false);
    void answer.then((status) => {
      entry.status = status;
    });
  });
  const listening = await listenOnLoopback(server);

  return {
    origin: listening.origin,
    requests,
    countRequests(match) {
      const test = typeof match === 'string' ? (r: ServedRequest) => r.path.includes(match) : match;
      return requests.filter(test).length;
    },
    clearRequests() {
      requests.length = 0;
    },
    close: listening.close,
  };
}

/** The URL's path, decoded; `undefined` if it cannot be decoded. */
function decodePath(url: string | undefined): string | undefined {
  try {
    return decodeURIComponent(new URL(url ?? '/', 'http://x').pathname);
  } catch {
    return undefined;
  }
}

/** Answers one request; resolves with the status sent. */
async function serve(req: IncomingMessage, res: ServerResponse, root: string, path: string | undefined, isolated: boolean): Promise<number> {
  if (isolated) for (const [name, value] of Object.entries(ISOLATION_HEADERS)) res.setHeader(name, value);
  // Always revalidate, so a test never sees a stale build; Last-Modified makes that a cheap 304.
  res.setHeader('Cache-Control', 'no-cache');

  if (req.method !== 'GET' && req.method !== 'HEAD') return end(res, 405, 'Method not allowed');
  if (path === undefined) return end(res, 400, 'Bad path');
  const file = resolve(root, `.${path}`);
  // Never serve outside the root (`/../` is normalised away by URL, but encoded forms are not).
  if (file !== root && !file.startsWith(root + sep)) return end(res, 403, 'Forbidden');

  const info = await stat(file).catch(() => undefined);
  if (!info?.isFile()) return end(res, 404, 'Not found');

  const lastModified = new Date(Math.floor(info.mtimeMs / 1000) * 1000);
  const since = Date.parse(req.headers['if-modified-since'] ?? '');
  if (!Number.isNaN(since) && lastModified.getTime() <= since) return end(res, 304);

  res.writeHead(200, {
    'Content-Type': mimeTypeFor(file),
    'Content-Length': info.size,
    'Last-Modified': lastModified.toUTCString(),
  });
  if (req.method === 'HEAD') {
    res.end();
    return 200;
  }
  return new Promise((resolveSent) => {
    const stream = createReadStream(file);
    stream.on('error', () => res.destroy());
    res.on('close', () => resolveSent(200));
    stream.pipe(res);
  });
}

function end(res: ServerResponse, status: number, body?: string): number {
  if (body === undefined) res.writeHead(status).end();
  else res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8' }).end(body);
  return status;
}
