/**
 * A loopback HTTP proxy in front of an MCP server that notes, for each POST, the JSON-RPC method
 * and the headers a 2026-07-28 client sends (`MCP-Protocol-Version`, `Mcp-Param-Handle`): what
 * a load balancer in front of the server would see.
 */
import { createServer, request } from 'node:http';
import { listenOnLoopback } from './loopback.js';

/** One POST as the proxy saw it. */
export interface SeenRequest {
  method: string;
  protocolVersion?: string;
  paramHandle?: string;
  /** The `handle` argument of a tools/call, if any. */
  handleArgument?: string;
}

/** A running proxy. */
export interface RecordingProxy {
  /** Its MCP endpoint (the target's path on the proxy's port). */
  url: string;
  /** The POSTs so far, in order. */
  readonly seen: readonly SeenRequest[];
  close(): Promise<void>;
}

/** Starts a proxy to the MCP endpoint `target` (`http://127.0.0.1:PORT/mcp`). */
export async function startRecordingProxy(target: string): Promise<RecordingProxy> {
  const upstream = new URL(target);
  const seen: SeenRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      if (req.method === 'POST') seen.push(noted(body, req.headers));
      const forward = request(
        { host: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers: { ...req.headers, host: upstream.host } },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      forward.on('error', () => res.destroy());
      forward.end(body);
    });
  });
  const listening = await listenOnLoopback(server);
  return { url: `${listening.origin}${upstream.pathname}`, seen, close: () => listening.close() };
}

function noted(body: Buffer, headers: Record<string, string | string[] | undefined>): SeenRequest {
  let message: { method?: unknown; params?: { arguments?: { handle?: unknown } } } = {};
  try {
    message = JSON.parse(body.toString('utf8'));
  } catch {}
  const header = (name: string) => (typeof headers[name] === 'string' ? (headers[name] as string) : undefined);
  const handle = message.params?.arguments?.handle;
  return {
    method: typeof message.method === 'string' ? message.method : '(not a request)',
    protocolVersion: header('mcp-protocol-version'),
    paramHandle: header('mcp-param-handle'),
    ...(typeof handle === 'string' && { handleArgument: handle }),
  };
}
