/**
 * The gateway's downstream MCP servers, connected with the official SDK's client: each configured
 * process is started with only the environment the user gave it (beside the SDK's few defaults:
 * HOME, PATH, SHELL, TERM, USER, LOGNAME), its stderr goes to this process's stderr, line by line
 * under its name and bounded, never to the MCP channel (stdout); an HTTP server is reached at its
 * URL with its headers. A process that dies is started again by the next call of one of its tools,
 * so Python's call during the death raises and the next one works.
 *
 * The tools are listed once: at start over HTTP, at the first listing or call on stdio (cli.ts).
 * The stdio gateway's one client calls them through the connections that listed them; each HTTP
 * session gets connections of its own (`forSession`), made on its first call of a server's tool
 * and ended with its interpreter, so what one session's Python leaves in a server's memory (or an
 * HTTP server's session) another session's does not read.
 *
 * A server's messages are bounded before they are parsed (`MAX_MESSAGE_BYTES`, a line on stdio, a
 * body or an SSE event over HTTP), its optional GET stream is not opened, and its connection and
 * listing together have `CONNECT_AND_LIST_MS`: a slow or hostile server is left out, and the
 * gateway serves its clients before they give up on it. A session's own connection has as long.
 *
 * The client is the v2 SDK's, speaking either era: the first connection to a server asks it
 * (`server/discover`) and speaks 2026-07-28 with one that offers it, the 2025 handshake with one
 * that does not; later connections to the same server (a session's own, one made again) reuse
 * that answer instead of asking again (on stdio the question costs a second process), and the
 * tools it listed, from which a 2026-07-28 client sends a call's `x-mcp-header` arguments as
 * `Mcp-Param-*` headers (what lets a balancer in front of the server route the call).
 */
import { Client, type JsonSchemaValidator, type PriorDiscovery, StreamableHTTPClientTransport, type jsonSchemaValidator } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { FUNCTION_LIMITS } from '../../shared/function-limits.js';
import { untilAborted } from '../../sandbox/runs/abort-signals.js';
import { MAX_MESSAGE_BYTES, boundedMcpFetch, refusalText } from '../mcp-tools/bounded-fetch.js';
import { type McpFunction, type McpToolClient, callingThrough, mcpFunctions } from '../mcp-tools/index.js';
import { BoundedResponseCache } from './bounded-cache.js';
import type { DownstreamServer } from './config.js';

/** The most of one server's stderr passed on; past it, one line says the rest is dropped. */
const MAX_STDERR_BYTES = 256 * 1024;

/**
 * The longest one server may take to connect and list its tools, pages and all, before it is left
 * out: the gateway answers no client until every server is in or out, and clients give up on a
 * server that has not started in 30 to 60 s. Any later connection (a session's own, one made again)
 * has as long to connect, else the call that made it fails.
 */
const CONNECT_AND_LIST_MS = 10_000;

/**
 * How long the first connection waits for a server's answer to `server/discover`: on stdio a
 * server silent that long is taken for a 2025 one (and gets the handshake); over HTTP it is left
 * out. Half the connection's time, so the handshake and listing still have the rest.
 */
const DISCOVER_MS = CONNECT_AND_LIST_MS / 2;

/** The most `tools/list` pages the client follows for one listing (as mcpFunctions follows 1.x's pages). */
const MAX_LIST_PAGES = 50;

/** How long an HTTP server is given to answer the end of a session (DELETE) before its connection is closed anyway. */
const END_SESSION_MS = 2_000;

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

/** Connections to the downstream servers, and their tools as code-mode functions calling through them. */
export interface DownstreamConnections {
  /** Every server's tools, `<server>__<tool>`. */
  functions: McpFunction[];
  /** Ends these connections (and processes); the next call of one of `functions` makes its server's again. */
  release(): Promise<void>;
}

/** The downstream servers, listed through connections that stay (for one client), and connections of each session's own. */
export interface Downstream extends DownstreamConnections {
  /** Connections of one session's own to every server, each made on its first call of one of the server's tools: the same functions, calling through them. */
  forSession(): DownstreamConnections;
  /** Ends the connections `functions` call through, for good (a session's own end with it: `release`). */
  close(): Promise<void>;
}

/** Where the gateway's notices go (the CLI: stderr). */
export type Log = (line: string) => void;

/**
 * Connects `servers` and lists their tools. A server that cannot be reached, does not list its
 * tools, or takes over `CONNECT_AND_LIST_MS` for both is left out, with a notice to `log`: one
 * broken or slow entry does not take the others (or the gateway) down.
 */
export async function connectDownstream(servers: readonly DownstreamServer[], log: Log): Promise<Downstream> {
  const known = servers.map((): Known => ({ cache: new BoundedResponseCache() }));
  const connections = servers.map((server, index) => new Connection(server, known[index], log));
  const lists = await Promise.all(connections.map((connection) => toolsOf(connection, log)));
  // Each server's tools start with its own name, and the names are unique: no two functions share a name.
  const all = lists.flatMap((functions, server) => functions.map((fn) => ({ fn, server })));
  const offered = all.slice(0, FUNCTION_LIMITS.maxFunctionsPerRun);
  if (all.length > offered.length)
    log(
      `${all.length} downstream tools, over the ${offered.length} a run takes: left out ${all
        .slice(offered.length)
        .map(({ fn }) => fn.name)
        .join(', ')}`,
    );
  return {
    functions: offered.map(({ fn }) => fn),
    release: () => releaseAll(connections),
    forSession: () => {
      // Made only when the session first calls one of the server's tools.
      const own = servers.map((server, index) => new Connection(server, known[index], log));
      return { functions: offered.map(({ fn, server }) => callingThrough(fn, own[server].asClient())), release: () => releaseAll(own) };
    },
    close: async () => void (await Promise.all(connections.map((connection) => connection.close()))),
  };
}

async function releaseAll(connections: readonly Connection[]): Promise<void> {
  await Promise.all(connections.map((connection) => connection.release()));
}

/** The server's tools as functions, or none (the server closed and left out, saying why) when it fails or is too slow. */
async function toolsOf(connection: Connection, log: Log): Promise<McpFunction[]> {
  let listing = false;
  const work = (async () => {
    await connection.client();
    listing = true;
    return mcpFunctions({ [connection.name]: connection.asClient() });
  })();
  try {
    return await untilAborted(work, AbortSignal.timeout(CONNECT_AND_LIST_MS));
  } catch (error) {
    const message = (error as Error).message;
    const why =
      (error as Error).name === 'TimeoutError'
        ? `did not connect and list its tools within ${CONNECT_AND_LIST_MS / 1000} s and is left out`
        : `${listing ? 'did not list its tools' : 'could not be reached'} and is left out: ${message}`;
    log(`MCP server "${connection.name}" ${why}`);
    // Not awaited: a process that ignores the end of its stdin is killed seconds later, and the gateway need not wait.
    void connection.close();
    return [];
  }
}

/** What one connection to a server found out, for the others to start from. */
interface Known {
  /** Which era the server speaks, once a connection found out. */
  prior?: PriorDiscovery;
  /** The client's cache, holding the server's tool list (the SDK keys it by the server's name and version). */
  cache: BoundedResponseCache;
}

/** One connection to a server, and what cut it short. */
interface Generation {
  client: Promise<Client>;
  transport: StdioClientTransport | StreamableHTTPClientTransport;
  /** Aborted with the reason when the server broke a bound and its connection is ending: its pending calls fail at once, saying so. */
  dropped: AbortController;
}

/** One downstream server: its client, made again once its connection closed. */
class Connection {
  readonly name: string;
  private current: Generation | undefined;
  private closed = false;
  private stderrBytes = 0;

  constructor(
    private readonly server: DownstreamServer,
    private readonly known: Known,
    private readonly log: Log,
  ) {
    this.name = server.name;
  }

  /** The connected client, connecting (again) if there is none. */
  async client(): Promise<Client> {
    return this.generation().client;
  }

  /** A client for `mcpFunctions` whose calls go to the current connection. */
  asClient(): McpToolClient {
    const call = async <T>(use: (client: Client) => Promise<T>): Promise<T> => {
      const { client, dropped } = this.generation();
      return untilAborted(client.then(use), dropped.signal);
    };
    return {
      listTools: (...args: Parameters<Client['listTools']>) => call((client) => client.listTools(...args)),
      callTool: (...args: Parameters<Client['callTool']>) => call((client) => client.callTool(...args)),
      // Tells mcpFunctions this is a v2 client (its call options come second): the era the server was found to speak.
      getProtocolEra: () => this.known.prior?.kind,
    } satisfies McpToolClient;
  }

  /** Ends the connection (and the process), a pending connection too; the next call makes it again. */
  async release(): Promise<void> {
    const generation = this.current;
    this.current = undefined;
    if (!generation) return;
    const { transport } = generation;
    // An HTTP server is told the session ended (DELETE), so it lets go of what it kept for it; one that does not answer is not waited for.
    if (transport instanceof StreamableHTTPClientTransport)
      await untilAborted(transport.terminateSession(), AbortSignal.timeout(END_SESSION_MS)).catch(() => undefined);
    await transport.close().catch(() => undefined);
  }

  /** Ends the connection for good: later calls fail. */
  async close(): Promise<void> {
    this.closed = true;
    await this.release();
  }

  /** The current connection, made if there is none. @throws {Error} the connection was closed for good. */
  private generation(): Generation {
    if (this.closed) throw new Error(`the MCP server "${this.name}" was closed`);
    if (this.current) return this.current;
    const dropped = new AbortController();
    const transport = 'url' in this.server ? this.http(this.server) : this.stdio(this.server, dropped);
    const generation: Generation = { client: this.connect(transport), transport, dropped };
    generation.client.catch(() => {
      if (this.current !== generation) return;
      this.current = undefined;
      // A process that started but did not connect in time is ended.
      void transport.close().catch(() => undefined);
    });
    this.current = generation;
    return generation;
  }

  private async connect(transport: Generation['transport']): Promise<Client> {
    const client = new Client(
      { name: 'pyodide-code-execution', version: '1.0.0' },
      {
        jsonSchemaValidator: TRUSTING_NOTHING,
        listMaxPages: MAX_LIST_PAGES,
        responseCacheStore: this.known.cache,
        versionNegotiation: { mode: 'auto', probe: { timeoutMs: DISCOVER_MS } },
      },
    );
    // A closed connection (the process died, the server hung up) is made again by the next call.
    client.onclose = () => {
      if (this.current?.transport !== transport) return;
      if (!this.closed) this.log(`MCP server "${this.name}" closed its connection; the next call starts it again`);
      this.current = undefined;
    };
    const timeout = AbortSignal.timeout(CONNECT_AND_LIST_MS);
    const { prior } = this.known;
    try {
      await untilAborted(client.connect(transport, prior && { prior }), timeout);
      this.known.prior ??= eraOf(client);
    } catch (error) {
      // The server may have changed (an upgrade between two starts): the next connection asks again.
      if (prior && this.known.prior === prior) this.known.prior = undefined;
      if (!timeout.aborted) throw error;
      // A TimeoutError, as the listing's own bound: the listing says the server was too slow either way.
      throw Object.assign(new Error(`the MCP server "${this.name}" did not connect within ${CONNECT_AND_LIST_MS / 1000} s`), { name: 'TimeoutError' });
    }
    return client;
  }

  private http(server: Extract<DownstreamServer, { url: string }>): StreamableHTTPClientTransport {
    const bounded = boundedMcpFetch({ onRefused: () => this.log(`MCP server "${this.name}" sent a message over ${bytes(MAX_MESSAGE_BYTES)}; it was refused`) });
    return new StreamableHTTPClientTransport(new URL(server.url), {
      requestInit: { headers: server.headers },
      // The optional GET stream brings the gateway nothing (it lists the tools once and answers no server's
      // request), so it is not opened: answered here as a server without one answers. A resumption (Last-Event-ID) goes on.
      fetch: (url, init) => (isStandaloneStream(init) ? Promise.resolve(new Response(null, { status: 405 })) : bounded(url, init)),
    });
  }

  private stdio(server: Extract<DownstreamServer, { command: string }>, dropped: AbortController): StdioClientTransport {
    const transport = new StdioClientTransport({
      command: server.command,
      args: server.args,
      env: server.env,
      cwd: server.cwd,
      stderr: 'pipe',
      // The SDK's buffer of a line not yet ended: past it, the SDK ends the process (and says so below).
      maxBufferSize: MAX_MESSAGE_BYTES,
    });
    transport.stderr?.on('data', (chunk: Buffer) => this.passOn(chunk));
    // Set before the client's own handler, which the client chains after this one.
    transport.onerror = (error) => {
      if (!OVER_BUFFER.test(error.message) || dropped.signal.aborted) return;
      this.log(`MCP server "${this.name}" sent a message over ${bytes(MAX_MESSAGE_BYTES)}; its process is ended, and the next call starts it again`);
      dropped.abort(new Error(refusalText(MAX_MESSAGE_BYTES)));
      if (this.current?.transport === transport) this.current = undefined;
    };
    return transport;
  }

  /** The process's stderr, under its name, up to `MAX_STDERR_BYTES`, its control characters shown. */
  private passOn(chunk: Buffer): void {
    const before = this.stderrBytes;
    this.stderrBytes += chunk.length;
    if (before >= MAX_STDERR_BYTES) return;
    const text = chunk.subarray(0, MAX_STDERR_BYTES - before).toString('utf8');
    for (const line of text.split(/\r?\n/)) if (line.trim()) this.log(`[${this.name}] ${visible(line)}`);
    if (this.stderrBytes >= MAX_STDERR_BYTES) this.log(`[${this.name}] (more stderr dropped)`);
  }
}

/** What a connected client found out about its server's era, for the next connection to start from. */
function eraOf(client: Client): PriorDiscovery | undefined {
  const discover = client.getDiscoverResult();
  if (client.getProtocolEra() === 'modern') return discover && { kind: 'modern', discover };
  return { kind: 'legacy' };
}

/** The SDK's error when a stdio server's line outgrows `maxBufferSize` (the process is then closed). */
const OVER_BUFFER = /exceeded maximum size/;

/** Whether `init` opens the standalone GET stream (a GET that resumes nothing). */
function isStandaloneStream(init: RequestInit | undefined): boolean {
  return (init?.method ?? 'GET').toUpperCase() === 'GET' && !new Headers(init?.headers).has('last-event-id');
}

/**
 * `line` with its control characters (escape sequences, carriage returns, backspaces) shown as
 * `\xNN`: a server's stderr can neither rewrite the terminal's lines nor pass for the gateway's own.
 */
function visible(line: string): string {
  return line.replace(/[\x00-\x08\x0b-\x1f\x7f-\x9f]/g, (char) => `\\x${char.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

function bytes(count: number): string {
  return `${count.toLocaleString('en-US')} bytes`;
}
