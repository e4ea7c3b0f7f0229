/**
 * MCP servers for the code-mode-over-MCP tests: the reference servers from npm, which nobody here
 * wrote (`@modelcontextprotocol/server-everything`, `-memory`, `-filesystem`), spawned on stdio
 * with the official SDK's client; and a small server of the SDK's own, in process, whose tools a
 * test writes (a slow one, one that answers garbage) and whose received messages it reads.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';

/** The reference servers this repository tests against. */
export type ReferenceServer = 'everything' | 'memory' | 'filesystem';

/** A reference server's entry point, as installed from npm. */
export function referenceServerPath(name: ReferenceServer): string {
  return fileURLToPath(new URL(`../../node_modules/@modelcontextprotocol/server-${name}/dist/index.js`, import.meta.url));
}

/** A connected SDK client and its server's process. */
export interface ReferenceConnection {
  client: Client;
  /** The server's process id (to kill it mid-call). */
  pid: number;
  /** What the server wrote to stderr so far. */
  stderr: () => string;
  close(): Promise<void>;
}

/** Spawns reference server `name` with `args` on stdio (only `env` besides the SDK's default environment) and connects a client. */
export async function connectReferenceServer(name: ReferenceServer, args: string[] = [], env: Record<string, string> = {}): Promise<ReferenceConnection> {
  const transport = new StdioClientTransport({ command: process.execPath, args: [referenceServerPath(name), ...args], env, stderr: 'pipe' });
  let stderr = '';
  transport.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  const client = new Client({ name: 'code-mode-test', version: '1.0.0' });
  await client.connect(transport);
  return { client, pid: transport.pid ?? -1, stderr: () => stderr, close: () => client.close() };
}

/** A temporary folder, removed by `remove()`. */
export function temporaryFolder(prefix: string): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/** An in-process SDK server and a client connected to it, with every message the server received. */
export interface InProcessServer {
  server: McpServer;
  client: Client;
  /** The messages that reached the server, in order. */
  received: JSONRPCMessage[];
  close(): Promise<void>;
}

/** `define` registers the server's tools; then a client is connected over the SDK's in-memory transport. */
export async function inProcessServer(define: (server: McpServer) => void): Promise<InProcessServer> {
  const server = new McpServer({ name: 'test-server', version: '1.0.0' });
  define(server);
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  const received: JSONRPCMessage[] = [];
  const deliver = clientSide.send.bind(clientSide);
  clientSide.send = (message, options) => {
    received.push(message);
    return deliver(message, options);
  };
  await server.connect(serverSide);
  const client = new Client({ name: 'code-mode-test', version: '1.0.0' });
  await client.connect(clientSide);
  return {
    server,
    client,
    received,
    close: async () => {
      await client.close();
      await server.close();
    },
  };
}

/** The methods of the notifications among `messages`. */
export function notificationMethods(messages: readonly JSONRPCMessage[]): string[] {
  return messages.filter((message) => 'method' in message && !('id' in message)).map((message) => (message as { method: string }).method);
}

/** This package's MCP server (the built CLI, `mcp` plus `flags`) on stdio, with `env` added to the SDK's default environment. */
export async function connectGateway(flags: string[], env: Record<string, string> = {}): Promise<ReferenceConnection> {
  const cli = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));
  const transport = new StdioClientTransport({ command: process.execPath, args: [cli, 'mcp', ...flags], env, stderr: 'pipe' });
  let stderr = '';
  transport.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  const client = new Client({ name: 'gateway-test', version: '1.0.0' });
  await client.connect(transport);
  return { client, pid: transport.pid ?? -1, stderr: () => stderr, close: () => client.close() };
}

/** The processes whose parent is `pid` and whose command line contains `text` (Linux's /proc). */
export function childProcesses(pid: number, text: string): number[] {
  const children = readdirSync(`/proc/${pid}/task`).flatMap((task) =>
    readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').split(' ').filter(Boolean).map(Number),
  );
  return children.filter((child) => {
    try {
      return readFileSync(`/proc/${child}/cmdline`, 'utf8').includes(text);
    } catch {
      return false;
    }
  });
}

/** server-everything over Streamable HTTP (its own Express server, CORS open) on a free port; `url` is its endpoint. */
export async function startEverythingOverHttp(): Promise<{ url: string; stop(): Promise<void> }> {
  const port = await freePort();
  const child = spawn(process.execPath, [referenceServerPath('everything'), 'streamableHttp'], {
    env: { PATH: process.env.PATH, PORT: String(port) },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  await new Promise<void>((resolve, reject) => {
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (text: string) => {
      stderr += text;
      if (stderr.includes(`listening on port ${port}`)) resolve();
    });
    child.once('exit', (code) => reject(new Error(`server-everything exited (${code}): ${stderr}`)));
  });
  return {
    url: `http://127.0.0.1:${port}/mcp`,
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill();
      await exited;
    },
  };
}

/** A port no one listens on just now. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
