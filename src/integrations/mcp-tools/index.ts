/**
 * Code mode over MCP: the tools of connected MCP servers as functions the model's Python calls
 * (`default_api.memory__read_graph()`), in the shape every entry that takes code-callable
 * functions accepts. The client is the official SDK's, of either line: the v2 `Client`
 * (`@modelcontextprotocol/client`) or the 1.x one (`@modelcontextprotocol/sdk`), taken by the
 * methods used, as a structural type only: nothing here loads an SDK, so a page's bundle carries
 * only the client it connected itself.
 */
import type { ConfirmCall } from '../../shared/types.js';
import { isServerName, pythonNames } from './names.js';
import { bounded, pythonValue } from './results.js';
import { usableSchema } from './schema.js';

/** What `callTool` is given besides the tool's name and arguments: the call's signal and the request options. */
export interface McpCallOptions {
  signal?: AbortSignal;
  timeout?: number;
  maxTotalTimeout?: number;
  resetTimeoutOnProgress?: boolean;
}

/** A `tools/call`'s parameters. */
export interface McpCallParams {
  name: string;
  arguments?: Record<string, unknown>;
}

/** What {@link mcpFunctions} needs of a 1.x `Client` (`@modelcontextprotocol/sdk`): `callTool(params, resultSchema, options)`. */
export interface McpToolClientV1 {
  /** One page of the server's `tools/list`. */
  listTools(params?: { cursor?: string }): Promise<unknown>;
  /** One `tools/call`: the options come third, after a result schema this library never passes. */
  callTool(params: McpCallParams, resultSchema?: undefined, options?: McpCallOptions): Promise<unknown>;
}

/** What {@link mcpFunctions} needs of a v2 `Client` (`@modelcontextprotocol/client`): `callTool(params, options)`, told apart by `getProtocolEra`. */
export interface McpToolClientV2 {
  /** One page of the server's `tools/list`. */
  listTools(params?: { cursor?: string }): Promise<unknown>;
  /** One `tools/call`, with the options second. */
  callTool(params: McpCallParams, options?: McpCallOptions): Promise<unknown>;
  /** Which era of the protocol the connection speaks: only a v2 client has it, so it tells the two apart. */
  getProtocolEra(): string | undefined;
}

/** What {@link mcpFunctions} needs of a connected client: the SDK's `Client`, of either line, has it. */
export type McpToolClient = McpToolClientV1 | McpToolClientV2;

/**
 * One MCP tool as a code-callable function. It is at once a `SandboxFunction` (`run(code,
 * { functions })`, the AI SDK tool's `functions`) and a `LocalFunction` with `callableFrom: 'code'`
 * (the chat, `generateWithCodeExecution`, Live, the widget's `functions`): pass it to any of them
 * as it is.
 */
export interface McpFunction {
  /** The name Python calls (`default_api.<name>`): the tool's, as an identifier, after `<server>__` for a named server. */
  readonly name: string;
  /** The tool's description (the server's text, bounded). */
  readonly description?: string;
  /** The tool's `inputSchema`, bounded and without regular expressions (the server still checks its input). */
  readonly parameters: Record<string, unknown>;
  /** The same, as the chat's function declaration. */
  readonly declaration: { name: string; description?: string; parametersJsonSchema: Record<string, unknown> };
  /** Only the model's Python calls it. */
  readonly callableFrom: 'code';
  /** The server's name for the tool, as `tools/call` takes it. */
  readonly tool: string;
  /** Calls the tool; the `signal`'s abort cancels the request (the server receives `notifications/cancelled`). */
  handler(args: Record<string, unknown>, context: { signal?: AbortSignal }): Promise<unknown>;
  /** Asked before each call, when {@link McpFunctionsOptions.confirm} was given. */
  readonly confirm?: ConfirmCall;
}

/** The tool as a server lists it, for {@link McpFunctionsOptions.include}: the server's data, read with care. */
export interface McpToolInfo {
  /** The server's name for it. */
  name: string;
  /** Its description, if it has one. */
  description?: string;
  /** The server's hints (`readOnlyHint`, `destructiveHint`, …): claims of the server, not guarantees. */
  annotations?: Record<string, unknown>;
}

/** Options of {@link mcpFunctions}. */
export interface McpFunctionsOptions {
  /** Which tools to offer (default: all). A server's hints are its own claims: decide by name where it matters. */
  include?: (tool: McpToolInfo, server: string | undefined) => boolean;
  /**
   * Asked before each call of every offered tool, once the sandbox has checked it (as
   * `SandboxFunction.confirm`): only `true` lets the call reach the server. `call.name` is the
   * Python name.
   */
  confirm?: ConfirmCall;
  /** Per-request options for the SDK besides the call's signal: e.g. `timeout` (the SDK's default is 60 s). */
  requestOptions?: { timeout?: number; maxTotalTimeout?: number; resetTimeoutOnProgress?: boolean };
}

/** The most tools one server may list (pages are followed up to it): a run takes at most 128 functions. */
const MAX_TOOLS = 1_000;
/** The most `tools/list` pages followed. */
const MAX_PAGES = 50;
/** The most of a tool's description kept. */
const MAX_DESCRIPTION_CHARS = 4_000;

/**
 * The tools of connected MCP servers as code-callable functions. One client: its tools by their own
 * names (made Python identifiers). Several, keyed by a name for each (`{ github, memory }`): each
 * tool as `<server>__<tool>` (`default_api.memory__read_graph()`), so two servers' tools never
 * share a name. A tool's result reaches Python as a `dict` (structured content), a `str` (text
 * content) or a `list` of blocks (see the guide); an error result raises
 * `default_api.FunctionCallError` with the server's text.
 * @param servers A connected client, or clients by server name (letters, digits, single underscores).
 * @param options Which tools, an approval for calls, request options.
 * @returns The functions, in the servers' listing order. List again for a server's changed tools.
 * @throws {TypeError} a server name Python cannot use.
 * @throws the SDK's error when a server's `tools/list` fails.
 * @example
 * ```ts
 * import { Client } from '@modelcontextprotocol/sdk/client/index.js';
 * import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
 * import { createCodeExecutionChat, mcpFunctions } from 'pyodide-code-execution';
 *
 * const memory = new Client({ name: 'my-app', version: '1.0.0' });
 * await memory.connect(new StreamableHTTPClientTransport(new URL('https://example.com/mcp')));
 * const chat = createCodeExecutionChat({ ai, model: 'gemini-flash-latest', sandbox, functions: await mcpFunctions({ memory }) });
 * ```
 */
export async function mcpFunctions(
  servers: McpToolClient | Readonly<Record<string, McpToolClient>>,
  options: McpFunctionsOptions = {},
): Promise<McpFunction[]> {
  const named: [string | undefined, McpToolClient][] = isClient(servers) ? [[undefined, servers]] : Object.entries(servers);
  for (const [server, client] of named) {
    if (server !== undefined && !isServerName(server))
      throw new TypeError(`mcpFunctions: "${server}" cannot name a server in Python (a letter first, then letters, digits and single underscores, up to 40)`);
    if (!isClient(client)) throw new TypeError(`mcpFunctions: "${server}" is not a connected MCP client (listTools and callTool)`);
  }
  const lists = await Promise.all(named.map(async ([server, client]) => ({ server, client, tools: await listTools(client) })));
  return lists.flatMap(({ server, client, tools }) => {
    const offered = tools.filter((tool) => options.include?.(tool, server) ?? true);
    const names = pythonNames(
      offered.map((tool) => tool.name),
      server,
    );
    return offered.map((tool, i) => toFunction(client, tool, names[i], options));
  });
}

/** A listed tool with what the functions use of it. */
interface ListedTool extends McpToolInfo {
  inputSchema: unknown;
}

/** Every tool the server lists, following pages; tools without a usable name are left out. */
async function listTools(client: McpToolClient): Promise<ListedTool[]> {
  const tools: ListedTool[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < MAX_PAGES && tools.length < MAX_TOOLS; page++) {
    const listed: unknown = await client.listTools(cursor === undefined ? undefined : { cursor });
    const { tools: items, nextCursor } = (listed ?? {}) as { tools?: unknown; nextCursor?: unknown };
    for (const item of Array.isArray(items) ? items.slice(0, MAX_TOOLS - tools.length) : []) {
      const tool = item as Partial<Record<keyof ListedTool, unknown>>;
      if (typeof tool?.name !== 'string' || tool.name.length === 0 || tool.name.length > 128) continue;
      tools.push({
        name: tool.name,
        ...(typeof tool.description === 'string' && { description: tool.description.slice(0, MAX_DESCRIPTION_CHARS) }),
        ...(typeof tool.annotations === 'object' && tool.annotations !== null && { annotations: { ...tool.annotations } }),
        inputSchema: tool.inputSchema,
      });
    }
    if (typeof nextCursor !== 'string' || nextCursor === cursor) break;
    cursor = nextCursor;
  }
  return tools;
}

function toFunction(client: McpToolClient, tool: ListedTool, name: string, options: McpFunctionsOptions): McpFunction {
  const parameters = usableSchema(tool.inputSchema);
  return {
    name,
    description: tool.description,
    parameters,
    declaration: { name, description: tool.description, parametersJsonSchema: parameters },
    callableFrom: 'code',
    tool: tool.name,
    ...(options.confirm && { confirm: options.confirm }),
    handler: caller(client, tool.name, options.requestOptions),
  };
}

/**
 * `fn` (made by {@link mcpFunctions}) with its calls going to `client`, another connection to the
 * same server, and the SDK's default request options: the gateway lists a server's tools once and
 * gives each session connections of its own.
 */
export function callingThrough(fn: McpFunction, client: McpToolClient): McpFunction {
  return { ...fn, handler: caller(client, fn.tool) };
}

/** A function's handler: calls `tool` through `client`, its result as Python takes it. */
function caller(client: McpToolClient, tool: string, requestOptions?: McpFunctionsOptions['requestOptions']): McpFunction['handler'] {
  return async (args, { signal }) => {
    let result: unknown;
    try {
      // The SDK sends notifications/cancelled when the signal aborts (a stop, the deadline, the call's timeout).
      result = await callTool(client, { name: tool, arguments: args }, { ...requestOptions, signal });
    } catch (error) {
      signal?.throwIfAborted();
      throw new Error(bounded(error instanceof Error ? error.message : String(error)));
    }
    return pythonValue(result);
  };
}

/** A tool call through either line's client: the options are v2's second argument, 1.x's third (after a result schema). */
function callTool(client: McpToolClient, params: McpCallParams, options: McpCallOptions): Promise<unknown> {
  if ('getProtocolEra' in client && typeof client.getProtocolEra === 'function') return client.callTool(params, options);
  return (client as McpToolClientV1).callTool(params, undefined, options);
}

function isClient(value: unknown): value is McpToolClient {
  const client = value as Partial<McpToolClient> | null;
  return typeof client?.listTools === 'function' && typeof client.callTool === 'function';
}
