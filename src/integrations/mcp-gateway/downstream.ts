/**
 * The gateway's downstream MCP servers, connected with the official SDK's client: each configured
 * process is started with only the environment the user gave it (beside the SDK's few defaults:
 * HOME, PATH, SHELL, TERM, USER, LOGNAME), its stderr goes to this process's stderr, line by line
 * under its name and bounded, never to the MCP channel (stdout); an HTTP server is reached at its
 * URL with its headers. A process that dies is started again by the next call of one of its tools,
 * so Python's call during the death raises and the next one works.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { JsonSchemaValidator, jsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/types.js';
import { FUNCTION_LIMITS } from '../../function-limits.js';
import { type McpFunction, type McpToolClient, mcpFunctions } from '../mcp-tools/index.js';
import type { DownstreamServer } from './config.js';

/** The most of one server's stderr passed on; past it, one line says the rest is dropped. */
const MAX_STDERR_BYTES = 256 * 1024;

/**
 * The client's check of structured results against a tool's `outputSchema`, left out: both come
 * from the server, so the check proves nothing, and the SDK's default (Ajv) would run the server's
 * regular expressions on the server's data in this process (one written to backtrack would hold
 * it). The result is bounded and passed on as data instead (mcp-tools/results.ts).
 */
const TRUSTING_NOTHING: jsonSchemaValidator = {
  getValidator<T>(): JsonSchemaValidator<T> {
    return (input) => ({ valid: true, data: input as T, errorMessage: undefined });
  },
};

/** Connected downstream servers and their tools as code-mode functions. */
export interface Downstream {
  /** Every server's tools, `<server>__<tool>`. */
  functions: McpFunction[];
  /** Closes every connection (and ends the processes). */
  close(): Promise<void>;
}

/** Where the gateway's notices go (the CLI: stderr). */
export type Log = (line: string) => void;

/**
 * Connects `servers` and lists their tools. A server that cannot be reached is left out, with a
 * notice to `log`: one broken entry does not take the others (or the gateway) down.
 */
export async function connectDownstream(servers: readonly DownstreamServer[], log: Log): Promise<Downstream> {
  const connections = servers.map((server) => new Connection(server, log));
  const reached = await Promise.all(
    connections.map(async (connection) => {
      try {
        await connection.client();
        return connection;
      } catch (error) {
        log(`MCP server "${connection.name}" could not be reached and is left out: ${(error as Error).message}`);
        await connection.close();
        return undefined;
      }
    }),
  );
  const lists = await Promise.all(
    reached.map(async (connection) => {
      if (!connection) return [];
      try {
        return await mcpFunctions({ [connection.name]: connection.asClient() });
      } catch (error) {
        log(`MCP server "${connection.name}" did not list its tools and is left out: ${(error as Error).message}`);
        return [];
      }
    }),
  );
  // Each server's tools start with its own name, and the names are unique: no two functions share a name.
  const all = lists.flat();
  const functions = all.slice(0, FUNCTION_LIMITS.maxFunctionsPerRun);
  if (all.length > functions.length)
    log(
      `${all.length} downstream tools, over the ${functions.length} a run takes: left out ${all
        .slice(functions.length)
        .map((fn) => fn.name)
        .join(', ')}`,
    );
  return { functions, close: async () => void (await Promise.all(connections.map((connection) => connection.close()))) };
}

/** One downstream server: its client, made again once its connection closed. */
class Connection {
  readonly name: string;
  private current: Promise<Client> | undefined;
  private closed = false;
  private stderrBytes = 0;

  constructor(
    private readonly server: DownstreamServer,
    private readonly log: Log,
  ) {
    this.name = server.name;
  }

  /** The connected client, connecting (again) if there is none. */
  client(): Promise<Client> {
    if (this.closed) return Promise.reject(new Error(`the MCP server "${this.name}" was closed`));
    this.current ??= this.connect().catch((error) => {
      this.current = undefined;
      throw error;
    });
    return this.current;
  }

  /** A client for `mcpFunctions` whose calls go to the current connection. */
  asClient(): McpToolClient {
    return {
      listTools: async (...args: Parameters<Client['listTools']>) => (await this.client()).listTools(...args),
      callTool: async (...args: Parameters<Client['callTool']>) => (await this.client()).callTool(...args),
    } as McpToolClient;
  }

  async close(): Promise<void> {
    this.closed = true;
    const client = await this.current?.catch(() => undefined);
    await client?.close().catch(() => undefined);
  }

  private async connect(): Promise<Client> {
    const client = new Client({ name: 'pyodide-code-execution', version: '1.0.0' }, { jsonSchemaValidator: TRUSTING_NOTHING });
    const transport =
      'url' in this.server
        ? new StreamableHTTPClientTransport(new URL(this.server.url), { requestInit: { headers: this.server.headers } })
        : this.stdio(this.server);
    // A closed connection (the process died, the server hung up) is made again by the next call.
    client.onclose = () => {
      if (this.current && !this.closed) this.log(`MCP server "${this.name}" closed its connection; the next call starts it again`);
      this.current = undefined;
    };
    await client.connect(transport);
    return client;
  }

  private stdio(server: Extract<DownstreamServer, { command: string }>): StdioClientTransport {
    const transport = new StdioClientTransport({ command: server.command, args: server.args, env: server.env, cwd: server.cwd, stderr: 'pipe' });
    transport.stderr?.on('data', (chunk: Buffer) => this.passOn(chunk));
    return transport;
  }

  /** The process's stderr, under its name, up to `MAX_STDERR_BYTES`. */
  private passOn(chunk: Buffer): void {
    const before = this.stderrBytes;
    this.stderrBytes += chunk.length;
    if (before >= MAX_STDERR_BYTES) return;
    const text = chunk.subarray(0, MAX_STDERR_BYTES - before).toString('utf8');
    for (const line of text.split('\n')) if (line.trim()) this.log(`[${this.name}] ${line}`);
    if (this.stderrBytes >= MAX_STDERR_BYTES) this.log(`[${this.name}] (more stderr dropped)`);
  }
}
