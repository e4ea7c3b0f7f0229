/**
 * The gateway between the eras: a 2026-07-28 client (the v2 SDK client pinned to that revision,
 * over stdio and over HTTP) in front, and downstream servers of either era behind it, each
 * reached by the gateway's own v2 client: server-memory and server-filesystem from npm (2025
 * only, the 1.x SDK's servers) on stdio, and this package's server (both eras) over HTTP behind a
 * proxy that notes what reaches it. With the 2026 server the gateway speaks 2026-07-28: Python
 * keeps that server's state by the handle it returned, and each call carries the handle as the
 * `Mcp-Param-Handle` header a balancer routes on. Every interpreter runs in a worker thread
 * (`--isolation worker`): the eras do not depend on the boundary.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BOOT_TIMEOUT_MS } from '../support/fixtures.js';
import { type HttpServerProcess, type ToolResult, startHttpServer, textOf } from '../support/mcp.js';
import { MODERN_REVISION, type ModernConnection, connectModernHttp, connectModernStdio } from '../support/mcp-modern.js';
import { referenceServerPath, temporaryFolder } from '../support/mcp-servers.js';
import { type RecordingProxy, startRecordingProxy } from '../support/recording-proxy.js';

const FLAGS = ['--isolation', 'worker'];
const folder = temporaryFolder('gateway-eras-files-');
const state = temporaryFolder('gateway-eras-state-');
let inner: HttpServerProcess;
let proxy: RecordingProxy;
let config: string;

/** One cell using all three servers: the folder's CSV files noted in memory, then x = 41 and x + 1 in the 2026 server's Python, by its handle. */
const CELL = () =>
  [
    `listing = (await default_api.files__list_directory(path=${JSON.stringify(folder.path)}))["content"]`,
    'csvs = sorted(line.split("] ", 1)[1] for line in listing.splitlines() if line.endswith(".csv"))',
    'await default_api.memory__create_entities(entities=[{"name": n, "entityType": "file", "observations": ["csv"]} for n in csvs])',
    'graph = await default_api.memory__read_graph()',
    'print("memory:", sorted(e["name"] for e in graph["entities"]))',
    'first = await default_api.inner__run_python(code="x = 41")',
    'handle = first["handle"]',
    'second = await default_api.inner__run_python(code="x + 1", handle=handle)',
    'print("inner:", second["result"], second["handle"] == handle, handle)',
  ].join('\n');

/** The gateway's own handle, from a result's structured content. */
function handleOf(result: ToolResult): string {
  const handle = result.structuredContent?.handle;
  if (typeof handle !== 'string') throw new Error(`no handle in ${JSON.stringify(result.structuredContent)}`);
  return handle;
}

/** Runs the cell through `client`, checks what Python printed, and returns the 2026 server's handle Python used. */
async function throughGateway(client: ModernConnection): Promise<string> {
  const result = await client.call('run_python', { code: CELL() });
  const printed = textOf(result);
  expect(printed).toContain("memory: ['a.csv', 'b.csv']");
  const inner = /inner: 42 True (\S+)/.exec(printed);
  expect(inner, printed).not.toBeNull();
  // The gateway's own Python state, by its handle too.
  const handle = handleOf(result);
  expect(textOf(await client.call('run_python', { code: 'len(csvs), handle == first["handle"]', handle }))).toBe('(2, True)');
  return inner?.[1] ?? '';
}

/** How many `server/discover` requests reached the 2026 server so far. */
function discovers(): number {
  return proxy.seen.filter((request) => request.method === 'server/discover').length;
}

/** What reached the 2026 server for `handle`: every call in 2026-07-28, the handle as its header. */
function expectRoutable(handle: string): void {
  const calls = proxy.seen.filter((request) => request.method === 'tools/call' && request.handleArgument === handle);
  expect(calls.length).toBeGreaterThan(0);
  for (const call of calls) expect(call).toMatchObject({ protocolVersion: MODERN_REVISION, paramHandle: handle });
}

beforeAll(async () => {
  for (const name of ['a.csv', 'b.csv', 'c.txt']) writeFileSync(join(folder.path, name), `${name}\n`);
  inner = await startHttpServer(FLAGS);
  proxy = await startRecordingProxy(inner.url);
  config = join(state.path, 'mcp.json');
  writeFileSync(
    config,
    JSON.stringify({
      mcpServers: {
        memory: { command: process.execPath, args: [referenceServerPath('memory')], env: { MEMORY_FILE_PATH: join(state.path, 'memory.jsonl') } },
        files: { command: process.execPath, args: [referenceServerPath('filesystem'), folder.path] },
        inner: { url: proxy.url },
      },
    }),
  );
}, BOOT_TIMEOUT_MS);

afterAll(async () => {
  await proxy?.close();
  await inner?.stop();
  folder.remove();
  state.remove();
});

describe('the gateway, a 2026-07-28 client in front, servers of both eras behind', () => {
  it("speaks 2026-07-28 to the 2026 server: Python keeps its state by handle, and each call carries the handle's header", async () => {
    const gateway = await connectModernStdio([...FLAGS, '--mcp-config', config]);
    try {
      const { tools } = await gateway.client.listTools();
      const description = tools.find((tool) => tool.name === 'run_python')?.description ?? '';
      for (const fn of ['memory__read_graph()', 'files__list_directory(path: str)', 'inner__run_python(code: str']) expect(description).toContain(fn);
      const handle = await throughGateway(gateway);
      expectRoutable(handle);
      // No 2025 handshake reached the 2026 server: every request was of the 2026 revision.
      expect(proxy.seen.map((request) => request.method)).not.toContain('initialize');
      for (const request of proxy.seen) expect(request.protocolVersion).toBe(MODERN_REVISION);
    } finally {
      await gateway.close();
    }
  }, 120_000);

  it("serves the same over HTTP: each handle's Python reaches the servers through connections of its own, which do not ask the era again", async () => {
    const asked = discovers();
    const gateway = await startHttpServer([...FLAGS, '--mcp-config', config]);
    try {
      const clients = await Promise.all([connectModernHttp(gateway.url), connectModernHttp(gateway.url)]);
      const handles = [];
      for (const client of clients) handles.push(await throughGateway(client));
      expect(new Set(handles).size).toBe(2);
      for (const handle of handles) expectRoutable(handle);
      // The listing's connection asked; the two handles' own connections started from its answer.
      expect(discovers() - asked).toBe(1);
      await Promise.all(clients.map((client) => client.close()));
    } finally {
      await gateway.stop();
    }
  }, 180_000);
});
