/**
 * MCP test helpers: the built CLI (dist/cli.js) spawned and driven by the official SDK Client over
 * stdio or streamable HTTP, a raw stdio connection for bytes no SDK client would send, and the
 * pieces of a tool result the tests look at.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { request } from 'node:http';
import { connect } from 'node:net';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

/** The package's bin, as built. */
export const CLI = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));

/** The CLI without Deno: where to run it, and the environment (PATH holding Node alone) in which it finds none. */
export interface DenolessCli {
  cli: string;
  env: Record<string, string>;
  remove(): void;
}

/**
 * The built CLI in a package folder of its own with no `deno` package beside it (a copy of dist/,
 * its runtime linked, the MCP SDK's packages, its dependencies, linked), as a user has it who did not install
 * Deno. Run with `env`, whose PATH holds Node alone, it finds no Deno.
 */
export function denolessCli(): DenolessCli {
  const root = mkdtempSync(join(tmpdir(), 'mcp-no-deno-'));
  const dist = fileURLToPath(new URL('../../dist/', import.meta.url));
  const pkg = join(root, 'node_modules', 'pyodide-code-execution');
  mkdirSync(pkg, { recursive: true });
  writeFileSync(join(pkg, 'package.json'), readFileSync(join(dist, '..', 'package.json')));
  cpSync(dist, join(pkg, 'dist'), { recursive: true, filter: (source) => source !== join(dist, 'pyodide') });
  symlinkSync(join(dist, 'pyodide'), join(pkg, 'dist', 'pyodide'), 'dir');
  mkdirSync(join(root, 'node_modules', '@modelcontextprotocol'));
  for (const sdk of ['server', 'client', 'core'])
    symlinkSync(join(dist, '..', 'node_modules', '@modelcontextprotocol', sdk), join(root, 'node_modules', '@modelcontextprotocol', sdk), 'dir');
  return { cli: join(pkg, 'dist', 'cli.js'), env: { PATH: dirname(process.execPath) }, remove: () => rmSync(root, { recursive: true, force: true }) };
}

/** The Gemini CLI version the client test drives (the one issue 54 met). */
export const GEMINI_CLI_VERSION = '0.61.0';

/**
 * `@google/gemini-cli` from the npm registry, installed once into node_modules/.cache/gemini-cli
 * (as scripts/node-binary.mjs installs Node): its entry script, or why it is missing.
 */
export function installGeminiCli(): { script: string; missing?: undefined } | { script?: undefined; missing: string } {
  const folder = fileURLToPath(new URL('../../node_modules/.cache/gemini-cli/', import.meta.url));
  const pkg = join(folder, 'node_modules', '@google', 'gemini-cli');
  const script = join(pkg, 'bundle', 'gemini.js');
  const installed = () => existsSync(script) && JSON.parse(readFileSync(join(pkg, 'package.json'), 'utf8')).version === GEMINI_CLI_VERSION;
  if (installed()) return { script };
  const args = ['install', '--prefix', folder, '--no-save', '--no-package-lock', '--no-audit', '--no-fund', `@google/gemini-cli@${GEMINI_CLI_VERSION}`];
  const run = spawnSync('npm', args, { encoding: 'utf8', timeout: 180_000 });
  if (installed()) return { script };
  return { missing: `@google/gemini-cli@${GEMINI_CLI_VERSION} (npm ${args.join(' ')} failed: ${(run.stderr || run.error?.message || '').trim().slice(-300)})` };
}

/** A tool result as the SDK client returns it. */
export interface ToolResult {
  content: { type: string; text?: string; data?: string; mimeType?: string; resource?: { uri: string; blob?: string; mimeType?: string } }[];
  isError?: boolean;
  structuredContent?: Record<string, unknown>;
}

/** A connected client and how to end it (and, for stdio, its server process). */
export interface Connection {
  client: Client;
  call(name: string, args?: Record<string, unknown>, options?: Parameters<Client['callTool']>[2]): Promise<ToolResult>;
  close(): Promise<void>;
  /** The server process's peak resident memory so far, in bytes (stdio, on Linux). */
  peakRssBytes?(): number;
}

function connection(client: Client, close: () => Promise<void>): Connection {
  return { client, close, call: async (name, args = {}, options) => (await client.callTool({ name, arguments: args }, undefined, options)) as ToolResult };
}

/** The CLI on stdio (`mcp` plus `flags`), connected to a new SDK client; `cli` and `env` another build's (see {@link denolessCli}). */
export async function connectStdio(flags: string[] = [], other?: Pick<DenolessCli, 'cli' | 'env'>): Promise<Connection> {
  const transport = new StdioClientTransport({ command: process.execPath, args: [other?.cli ?? CLI, 'mcp', ...flags], stderr: 'pipe', env: other?.env });
  const client = new Client({ name: 'test', version: '1.0.0' });
  await client.connect(transport);
  return { ...connection(client, () => client.close()), peakRssBytes: () => peakRssBytes(transport.pid) };
}

/** VmHWM of process `pid` (Linux's /proc), in bytes. */
function peakRssBytes(pid: number | null): number {
  const kib = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'latin1'))?.[1];
  if (kib === undefined) throw new Error(`no VmHWM for process ${pid}`);
  return Number(kib) * 1024;
}

/** The CLI serving streamable HTTP on a free port; `url` is its endpoint. */
export interface HttpServerProcess {
  url: string;
  /** The server's process id. */
  pid: number;
  /** Everything the process wrote to stderr so far. */
  stderr: () => string;
  stop(): Promise<void>;
}

/** Starts `mcp --http 0` with `flags` and resolves once it says where it listens. */
export async function startHttpServer(flags: string[] = []): Promise<HttpServerProcess> {
  const child = spawn(process.execPath, [CLI, 'mcp', '--http', '0', ...flags], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  const url = await new Promise<string>((resolve, reject) => {
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (text: string) => {
      stderr += text;
      const match = /at (http:\/\/\S+)/.exec(stderr);
      if (match) resolve(match[1]);
    });
    child.once('exit', (code) => reject(new Error(`the server exited (${code}): ${stderr}`)));
  });
  return { url, pid: child.pid ?? -1, stderr: () => stderr, stop: () => stopProcess(child) };
}

/** A connection over HTTP, with its session's id. */
export interface HttpConnection extends Connection {
  sessionId: string;
  /** Closes the client without ending its session (no DELETE), as the SDK's `close()` does. */
  leave(): Promise<void>;
}

/** A new SDK client of the HTTP server at `url`. */
export async function connectHttp(url: string): Promise<HttpConnection> {
  const client = new Client({ name: 'test', version: '1.0.0' });
  const transport = new StreamableHTTPClientTransport(new URL(url));
  await client.connect(transport);
  const close = async () => {
    // Ends the session on the server (DELETE), as a well-behaved client does.
    await transport.terminateSession().catch(() => {});
    await client.close();
  };
  return { ...connection(client, close), sessionId: transport.sessionId ?? '', leave: () => client.close() };
}

/** An SDK client of the HTTP server at `url` that carries on session `sessionId` without an initialize, as a reconnecting client does. */
export async function resumeHttp(url: string, sessionId: string): Promise<Connection> {
  const client = new Client({ name: 'test', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(url), { sessionId }));
  return connection(client, () => client.close());
}

/** The HTTP status of a `ping` in session `sessionId` (404: the server holds no such session). */
export async function pingStatus(url: string, sessionId: string): Promise<number> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream', 'Mcp-Session-Id': sessionId },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' }),
  });
  await response.body?.cancel();
  return response.status;
}

/**
 * The HTTP status of `body` POSTed to `url` with the `Host` header `host` (fetch sets Host itself;
 * a rebound name reaches a server only this way, as through a DNS answer).
 */
export function postWithHost(url: string, host: string, body: string): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    const headers = { 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream', Host: host };
    const req = request(url, { method: 'POST', headers }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** A slowloris connection: a request sent a byte at a time. */
export interface StalledRequest {
  /** Whether the server has not closed it. */
  readonly open: boolean;
  /** Milliseconds from its start to the server closing it. */
  readonly closed: Promise<number>;
  stop(): void;
}

/**
 * Connects to `url` (from `localAddress`, another loopback address for another client machine) and
 * sends a POST one byte every `everyMs`: its headers, or with `body` the headers at once and then
 * the body that never completes.
 */
export function stalledRequest(url: string, options: { localAddress?: string; body?: boolean; everyMs?: number } = {}): StalledRequest {
  const { hostname, port, pathname } = new URL(url);
  const started = Date.now();
  const socket = connect({ host: hostname, port: Number(port), localAddress: options.localAddress });
  socket.on('error', () => {});
  const head = `POST ${pathname} HTTP/1.1\r\nHost: ${hostname}:${port}\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n`;
  let trickle = options.body ? '{"x":"'.padEnd(100_000, 'x') : head;
  if (options.body) socket.write(head);
  const timer = setInterval(() => {
    socket.write(trickle.slice(0, 1));
    trickle = trickle.slice(1) || trickle;
  }, options.everyMs ?? 5000);
  socket.write(trickle.slice(0, 1));
  trickle = trickle.slice(1);
  const closed = new Promise<number>((resolve) => socket.once('close', () => resolve(Date.now() - started)));
  void closed.then(() => clearInterval(timer));
  return {
    get open() {
      return !socket.destroyed;
    },
    closed,
    stop: () => socket.destroy(),
  };
}

/** The CLI on stdio with raw pipes: lines in, parsed JSON lines out. */
export interface RawStdio {
  /** The server process's id. */
  pid: number;
  send(line: string): void;
  /** The next message whose `id` is `id` (or, with `undefined`, the next without an id). */
  answer(id: number | string | undefined): Promise<Record<string, unknown>>;
  /** Every line the server wrote to stdout so far, parsed (a line that is not JSON as `{ notJson: text }`). */
  seen(): readonly Record<string, unknown>[];
  /**
   * Whether a line matching `match` comes within `ms`: a worker thread's stdout reaches the process's
   * own through the main thread, so it may come after an answer written later.
   */
  comes(match: (message: Record<string, unknown>) => boolean, ms: number): Promise<boolean>;
  /** Whether the server process is still running. */
  alive(): boolean;
  /** Closes the server's stdin, as a client that leaves does, and resolves with its exit code. */
  end(): Promise<number | null>;
  stop(): Promise<void>;
}

/** Spawns the CLI on stdio for bytes no SDK client sends; `env` replaces the environment it inherits. */
export function rawStdio(flags: string[] = [], env?: NodeJS.ProcessEnv): RawStdio {
  const child = spawn(process.execPath, [CLI, 'mcp', ...flags], { stdio: ['pipe', 'pipe', 'ignore'], env });
  const messages: Record<string, unknown>[] = [];
  const all: Record<string, unknown>[] = [];
  const waiters: (() => void)[] = [];
  let buffer = '';
  child.stdout?.setEncoding('utf8');
  child.stdout?.on('data', (text: string) => {
    buffer += text;
    for (let newline = buffer.indexOf('\n'); newline !== -1; newline = buffer.indexOf('\n')) {
      const line = buffer.slice(0, newline);
      let message: Record<string, unknown>;
      try {
        message = JSON.parse(line);
      } catch {
        message = { notJson: line };
      }
      messages.push(message);
      all.push(message);
      buffer = buffer.slice(newline + 1);
    }
    for (const wake of waiters.splice(0)) wake();
  });
  const answer = async (id: number | string | undefined) => {
    for (;;) {
      const index = messages.findIndex((message) => message.id === id);
      if (index !== -1) return messages.splice(index, 1)[0];
      await new Promise<void>((resolve) => waiters.push(resolve));
    }
  };
  return {
    pid: child.pid ?? -1,
    send: (line) => child.stdin?.write(`${line}\n`),
    answer,
    seen: () => all,
    comes: async (match, ms) => {
      const deadline = Date.now() + ms;
      while (!all.some(match)) {
        const left = deadline - Date.now();
        if (left <= 0) return false;
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, left);
          waiters.push(() => {
            clearTimeout(timer);
            resolve();
          });
        });
      }
      return true;
    },
    alive: () => child.exitCode === null && child.signalCode === null,
    end: () => {
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      child.stdin?.end();
      return exited;
    },
    stop: () => stopProcess(child),
  };
}

/** A `tools/call` request as one line; `meta`, its `_meta` (a `progressToken`, say). */
export function toolCallLine(id: number, name: string, args: Record<string, unknown>, meta?: Record<string, unknown>): string {
  return JSON.stringify({ jsonrpc: '2.0', id, method: 'tools/call', params: { name, arguments: args, ...(meta && { _meta: meta }) } });
}

/** The notification a client sends once `initialize` is answered, as one line. */
export function initializedLine(): string {
  return JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' });
}

/** The initialize request a client sends first, as one line. */
export function initializeLine(id: number): string {
  return JSON.stringify({
    jsonrpc: '2.0',
    id,
    method: 'initialize',
    params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } },
  });
}

/**
 * `run_python` with `args`, called again while the server answers busy ("Call again in N
 * seconds", as boots wait their turn), as a client should: after the seconds it names, or
 * `waitMs`; the last answer after `attempts` calls.
 */
export async function runPythonServed(
  client: { call(name: string, args: Record<string, unknown>): Promise<ToolResult> },
  args: Record<string, unknown>,
  { waitMs, attempts = 20 }: { waitMs?: number; attempts?: number } = {},
): Promise<ToolResult> {
  for (let attempt = 1; ; attempt++) {
    const result = await client.call('run_python', args);
    const again = result.isError ? /Call again in (\d+) seconds/.exec(textOf(result)) : null;
    if (!again || attempt >= attempts) return result;
    await new Promise((resolve) => setTimeout(resolve, waitMs ?? Number(again[1]) * 1000));
  }
}

/** The text blocks of a result, joined. */
export function textOf(result: ToolResult): string {
  return result.content
    .filter((block) => block.type === 'text')
    .map((block) => block.text)
    .join('\n');
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}
