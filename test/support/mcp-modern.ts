/**
 * The 2026-07-28 side of the MCP tests: the v2 SDK client (`@modelcontextprotocol/client`) pinned
 * to that revision, over stdio (the built CLI) or streamable HTTP, and raw requests in that
 * revision's envelope (`_meta` on each request, the standard headers) for what no client sends.
 */
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { CLI, type ToolResult } from './mcp.js';

/** The protocol revision without sessions. */
export const MODERN_REVISION = '2026-07-28';

/** A v2 client pinned to {@link MODERN_REVISION}. */
export interface ModernConnection {
  client: Client;
  call(name: string, args?: Record<string, unknown>): Promise<ToolResult>;
  close(): Promise<void>;
}

function pinnedClient(): Client {
  return new Client({ name: 'test-2026', version: '1.0.0' }, { versionNegotiation: { mode: { pin: MODERN_REVISION } } });
}

function modern(client: Client): ModernConnection {
  return {
    client,
    call: async (name, args = {}) => (await client.callTool({ name, arguments: args })) as ToolResult,
    close: () => client.close(),
  };
}

/** The v2 client, pinned, on the HTTP server at `url`. */
export async function connectModernHttp(url: string): Promise<ModernConnection> {
  const client = pinnedClient();
  await client.connect(new StreamableHTTPClientTransport(new URL(url)));
  return modern(client);
}

/** The v2 client, pinned, on the CLI over stdio (`mcp` plus `flags`). */
export async function connectModernStdio(flags: string[] = []): Promise<ModernConnection> {
  const client = pinnedClient();
  await client.connect(new StdioClientTransport({ command: process.execPath, args: [CLI, 'mcp', ...flags], stderr: 'pipe' }));
  return modern(client);
}

/** The `_meta` envelope each 2026-07-28 request carries. */
export const ENVELOPE = {
  'io.modelcontextprotocol/protocolVersion': MODERN_REVISION,
  'io.modelcontextprotocol/clientInfo': { name: 'raw', version: '1' },
  'io.modelcontextprotocol/clientCapabilities': {},
};

/** A raw 2026-07-28 request's answer: the HTTP status and the JSON-RPC message. */
export interface ModernAnswer {
  status: number;
  message: { result?: Record<string, unknown>; error?: { code: number; message: string } };
}

/**
 * POSTs one 2026-07-28 request to `url` with the headers the revision requires (`Mcp-Method`,
 * `Mcp-Name` for a tool call) and `headers` besides.
 */
export async function modernRequest(url: string, method: string, params: Record<string, unknown>, headers: Record<string, string> = {}): Promise<ModernAnswer> {
  const name: Record<string, string> = typeof params.name === 'string' ? { 'Mcp-Name': params.name } : {};
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      Accept: 'application/json, text/event-stream',
      'MCP-Protocol-Version': MODERN_REVISION,
      'Mcp-Method': method,
      ...name,
      ...headers,
    },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params: { ...params, _meta: ENVELOPE } }),
  });
  return { status: response.status, message: await response.json() };
}

/** One 2026-07-28 request as a stdio line, with the envelope (`capabilities` as the client declares them). */
export function modernLine(id: number, method: string, params: Record<string, unknown> = {}, capabilities: Record<string, unknown> = {}): string {
  const _meta = { ...ENVELOPE, 'io.modelcontextprotocol/clientCapabilities': capabilities };
  return JSON.stringify({ jsonrpc: '2.0', id, method, params: { ...params, _meta } });
}

/** The Tasks extension (`io.modelcontextprotocol/tasks`) as a client declares it in its capabilities. */
export const TASKS_CAPABILITIES = { extensions: { 'io.modelcontextprotocol/tasks': {} } };

/** A JSON-RPC answer: a result or an error. */
export interface RpcAnswer {
  result?: Record<string, unknown>;
  error?: { code: number; message: string };
}

/** Sends one request of a client that declares the Tasks extension, and gives its answer (or throws past the client's per-request timeout). */
export type TaskClient = (method: string, params: Record<string, unknown>) => Promise<RpcAnswer>;

/**
 * A client of the Tasks extension on the HTTP endpoint `url`, each request given up after
 * `timeoutMs`, as a client's per-request timeout does. It sends the headers the extension asks
 * for: `Mcp-Name` (the tool, or the task id of `tasks/*`) and `Mcp-Param-Handle`, for balancers.
 * The v2 client 2.4.0 refuses a task result, even through its raw `request()`, so this is fetch.
 */
export function httpTaskClient(url: string, timeoutMs: number): TaskClient {
  let id = 0;
  return async (method, params) => {
    const args = params.arguments as { handle?: unknown } | undefined;
    const name = method === 'tools/call' ? params.name : method.startsWith('tasks/') ? params.taskId : undefined;
    const response = await fetch(url, {
      method: 'POST',
      signal: AbortSignal.timeout(timeoutMs),
      headers: {
        'Content-Type': 'application/json',
        Accept: 'application/json, text/event-stream',
        'MCP-Protocol-Version': MODERN_REVISION,
        'Mcp-Method': method,
        ...(typeof name === 'string' && { 'Mcp-Name': name }),
        ...(typeof args?.handle === 'string' && { 'Mcp-Param-Handle': args.handle }),
      },
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: ++id,
        method,
        params: { ...params, _meta: { ...ENVELOPE, 'io.modelcontextprotocol/clientCapabilities': TASKS_CAPABILITIES } },
      }),
    });
    return (await response.json()) as RpcAnswer;
  };
}

/**
 * Polls `tasks/get` for `taskId` at the interval the server asks until the task ends; `seen` hears
 * each answer. Gives the last one.
 */
export async function untilTaskEnds(
  client: TaskClient,
  taskId: string,
  seen: (task: Record<string, unknown>) => void = () => {},
): Promise<Record<string, unknown>> {
  for (;;) {
    const answer = await client('tasks/get', { taskId });
    if (!answer.result) throw new Error(`tasks/get failed: ${JSON.stringify(answer.error)}`);
    seen(answer.result);
    if (answer.result.status !== 'working') return answer.result;
    await new Promise((resolve) => setTimeout(resolve, Number(answer.result?.pollIntervalMs ?? 1000)));
  }
}

/** A `tools/call` of `run_python` through `client`: its result, at once or through the task it became. */
export async function runThroughTask(client: TaskClient, args: Record<string, unknown>): Promise<Record<string, unknown>> {
  const answer = await client('tools/call', { name: 'run_python', arguments: args });
  if (!answer.result) throw new Error(`tools/call failed: ${JSON.stringify(answer.error)}`);
  if (answer.result.resultType !== 'task') return answer.result;
  const task = await untilTaskEnds(client, String(answer.result.taskId));
  if (task.status !== 'completed') throw new Error(`the task ended ${task.status}: ${task.statusMessage}`);
  return task.result as Record<string, unknown>;
}
