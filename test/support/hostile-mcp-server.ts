/**
 * A hostile MCP server over Streamable HTTP, written on raw `node:http` so it can send what no SDK
 * server would: tool results far over any bound (hostile-mcp-payloads.mjs) as one JSON body or one
 * SSE event, an optional GET stream that is one endless SSE line, a `tools/list` that takes its
 * time page after page, an `initialize` never answered. Everything is written as it goes, with
 * the socket's backpressure, and counted: what a client read before it hung up shows whether it
 * bounded the message. CORS is open, so a page's client reaches it too.
 */
import { once } from 'node:events';
import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import { TOOLS, initializeAnswer, toolAnswer } from './hostile-mcp-payloads.mjs';
import { listenOnLoopback } from './loopback.js';

export interface HostileServerOptions {
  /** How `tools/call` answers: one JSON body (default) or one event of an SSE stream. */
  answer?: 'json' | 'sse';
  /** The optional GET stream: refused with 405 (default), or one SSE line without end (stopped at `endlessCapBytes`). */
  stream?: 'none' | 'endless-line';
  /** The most the endless line writes (default 4 GiB): a safety stop, far past any bound. */
  endlessCapBytes?: number;
  /** `tools/list` in this many pages (default 1), each answered after `listDelayMs` (default 0). */
  listPages?: number;
  listDelayMs?: number;
  /** Never answer `initialize` (the request is held open). */
  silentInitialize?: boolean;
}

export interface HostileServer {
  /** The MCP endpoint, `http://127.0.0.1:PORT/mcp`. */
  url: string;
  /** Each request's JSON-RPC method (`GET` for a GET stream, `DELETE` for a session's end), in order. */
  readonly methods: readonly string[];
  /** Bytes written into each `tools/call` answer, in order (what the client let through before it hung up, plus the socket's buffers). */
  readonly callBytes: readonly number[];
  /** Bytes written into GET streams in all. */
  readonly streamBytes: number;
  close(): Promise<void>;
}

const MIB = 1024 * 1024;

/** A cell that awaits `call` (`evil__image(size=1)`) and prints the length of what came back, or the error it raised. */
export const cellReporting = (call: string) =>
  [
    'try:',
    `    r = await default_api.${call}`,
    '    print("got", len(str(r)))',
    'except default_api.FunctionCallError as e:',
    '    print("raised:", str(e)[:400])',
  ].join('\n');
const ENDLESS_CHUNK = Buffer.alloc(MIB, 'A');

export async function startHostileServer(options: HostileServerOptions = {}): Promise<HostileServer> {
  const methods: string[] = [];
  const callBytes: number[] = [];
  let streamBytes = 0;
  const held = new Set<ServerResponse>();

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    res.setHeader('access-control-allow-origin', '*');
    res.setHeader('access-control-expose-headers', 'mcp-session-id');
    if (req.method === 'OPTIONS') {
      res.writeHead(204, {
        'access-control-allow-methods': 'GET, POST, DELETE',
        'access-control-allow-headers': req.headers['access-control-request-headers'] ?? '*',
      });
      res.end();
      return;
    }
    if (req.method === 'GET') {
      methods.push('GET');
      if (options.stream !== 'endless-line') return void res.writeHead(405).end();
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store' });
      await writeChunks(res, endless(options.endlessCapBytes ?? 4 * 1024 * MIB), (bytes) => {
        streamBytes += bytes;
      });
      return;
    }
    if (req.method === 'DELETE') {
      methods.push('DELETE');
      return void res.writeHead(200).end();
    }
    const message = JSON.parse(await bodyOf(req)) as { id?: string | number; method: string; params?: Record<string, unknown> };
    methods.push(message.method);
    if (message.id === undefined) return void res.writeHead(202).end();
    const json = (value: unknown) => {
      res.writeHead(200, { 'content-type': 'application/json', 'mcp-session-id': 'hostile-session' });
      res.end(JSON.stringify(value));
    };
    switch (message.method) {
      case 'initialize':
        if (options.silentInitialize) {
          held.add(res);
          return;
        }
        return json(initializeAnswer(message.id, String(message.params?.protocolVersion)));
      case 'tools/list': {
        const page = Number(message.params?.cursor ?? 0);
        if (options.listDelayMs) await new Promise((resolve) => setTimeout(resolve, options.listDelayMs));
        const last = page + 1 >= (options.listPages ?? 1);
        const tools = TOOLS.map((tool) => ({ ...tool, name: page === 0 ? tool.name : `${tool.name}_${page}` }));
        return json({ jsonrpc: '2.0', id: message.id, result: { tools, ...(!last && { nextCursor: String(page + 1) }) } });
      }
      case 'tools/call': {
        const { name, arguments: args } = message.params as { name: string; arguments?: Record<string, unknown> };
        const answer = toolAnswer(message.id, name, args);
        const index = callBytes.push(0) - 1;
        const sse = options.answer === 'sse';
        res.writeHead(200, { 'content-type': sse ? 'text/event-stream' : 'application/json', 'cache-control': 'no-store' });
        await writeChunks(res, sse ? sseEvent(answer) : answer, (bytes) => {
          callBytes[index] += bytes;
        });
        return;
      }
      default:
        return json({ jsonrpc: '2.0', id: message.id, result: {} });
    }
  };

  const server = createServer((req, res) => {
    handle(req, res).catch(() => res.destroy());
  });
  const listening = await listenOnLoopback(server);
  return {
    url: `${listening.origin}/mcp`,
    methods,
    callBytes,
    get streamBytes() {
      return streamBytes;
    },
    close: async () => {
      for (const res of held) res.destroy();
      await listening.close();
    },
  };
}

/** Writes `chunks` to `res` as the client takes them, counting each, then ends it; stops when the client hangs up. */
async function writeChunks(res: ServerResponse, chunks: Iterable<string | Buffer>, count: (bytes: number) => void): Promise<void> {
  const gone = once(res, 'close');
  for (const chunk of chunks) {
    if (res.destroyed || res.writableEnded) return;
    count(Buffer.byteLength(chunk));
    if (!res.write(chunk)) await Promise.race([once(res, 'drain'), gone]);
  }
  res.end();
}

function* sseEvent(data: Iterable<string | Buffer>): Generator<string | Buffer> {
  yield 'event: message\ndata: ';
  yield* data;
  yield '\n\n';
}

/** One SSE line that goes on until `cap` bytes. */
function* endless(cap: number): Generator<string | Buffer> {
  yield 'data: ';
  for (let written = 0; written < cap; written += MIB) yield ENDLESS_CHUNK;
}

async function bodyOf(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
