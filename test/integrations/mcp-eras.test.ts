/**
 * Both protocol eras on one server, in one run: the v2 SDK client pinned to 2026-07-28 (no
 * session: Python state by handle) and the 1.x client of the 2025 protocol (a session per
 * client), on the same HTTP endpoint, and each over stdio. Raw requests in the 2026 envelope check
 * what the client hides (`server/discover`, `resultType`, the cache fields) and what it never sends
 * (a handle without its header, a header naming another handle). The servers run Python in worker
 * threads (`--isolation worker`): the eras do not depend on the boundary, and a Deno process per
 * interpreter would cost ~360 MB each here.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { BOOT_TIMEOUT_MS } from '../support/fixtures.js';
import { type Connection, type HttpConnection, type HttpServerProcess, connectHttp, connectStdio, startHttpServer, textOf } from '../support/mcp.js';
import { MODERN_REVISION, type ModernConnection, connectModernHttp, connectModernStdio, modernRequest } from '../support/mcp-modern.js';

const FLAGS = ['--isolation', 'worker'];

/** The handle a result returned, from its structured content. */
function handleOf(result: { structuredContent?: Record<string, unknown> }): string {
  const handle = result.structuredContent?.handle;
  if (typeof handle !== 'string') throw new Error(`no handle in ${JSON.stringify(result.structuredContent)}`);
  return handle;
}

/** x = 41 in a new interpreter, then x + 1 by its handle; files by handle; reset by handle. What both transports must do. */
async function stateByHandle(client: ModernConnection): Promise<void> {
  const first = await client.call('run_python', { code: 'x = 41' });
  const handle = handleOf(first);
  expect(handle).toMatch(/^[a-z0-9-]+\.[A-Za-z0-9_-]{22}$/);
  expect(textOf(first)).toContain(`handle is "${handle}"`);
  const second = await client.call('run_python', { code: 'x + 1', handle });
  expect(textOf(second)).toBe('42');
  expect(second.structuredContent).toMatchObject({ result: '42', handle, stateLost: false });

  expect((await client.call('write_file', { path: 'notes.txt', content: 'kept by handle', handle })).structuredContent).toMatchObject({ handle });
  const read = await client.call('read_file', { path: 'notes.txt', handle });
  expect(textOf(read)).toBe('kept by handle');
  expect(textOf(await client.call('run_python', { code: 'open("notes.txt").read()', handle }))).toBe("'kept by handle'");

  // Another interpreter: neither the variable nor the file.
  const other = await client.call('run_python', { code: 'x' });
  expect(handleOf(other)).not.toBe(handle);
  expect(textOf(other)).toContain("NameError: name 'x' is not defined");
  expect((await client.call('read_file', { path: 'notes.txt', handle: handleOf(other) })).isError).toBe(true);

  const reset = await client.call('reset', { handle });
  expect(reset.isError).toBeFalsy();
  expect(reset.structuredContent).toMatchObject({ handle });
  const after = await client.call('run_python', { code: 'x', handle });
  expect(textOf(after)).toContain("NameError: name 'x' is not defined");
  expect((await client.call('read_file', { path: 'notes.txt', handle })).isError).toBe(true);
}

describe('one HTTP endpoint, both eras', () => {
  let server: HttpServerProcess;
  let modern: ModernConnection;
  let legacy: HttpConnection;
  beforeAll(async () => {
    server = await startHttpServer(FLAGS);
    [modern, legacy] = await Promise.all([connectModernHttp(server.url), connectHttp(server.url)]);
  }, BOOT_TIMEOUT_MS);
  afterAll(async () => {
    await Promise.all([modern?.close(), legacy?.close()]);
    await server?.stop();
  });

  test('the v2 client pinned to 2026-07-28 gets it, the 1.x client a 2025 session', () => {
    expect(modern.client.getNegotiatedProtocolVersion()).toBe(MODERN_REVISION);
    expect(legacy.sessionId).toMatch(/^[a-z0-9-]+\.[0-9a-f-]{36}$/);
  });

  test('the 2026 client lists the tools with a handle argument declared for Mcp-Param-Handle (its client keeps them: a valid SEP-2243 declaration); the 2025 session lists them as before', async () => {
    const { tools } = await modern.client.listTools();
    expect(tools.map((tool) => tool.name)).toEqual(['run_python', 'write_file', 'read_file', 'reset', 'rewind_python', 'fork_python']);
    for (const tool of tools) {
      expect(tool.inputSchema.properties?.handle).toMatchObject({ type: 'string', 'x-mcp-header': 'Handle' });
      expect(tool.description).toContain('pass that handle in every later call');
    }
    const old = (await legacy.client.listTools()).tools;
    expect(old.map((tool) => tool.name)).toEqual(['run_python', 'write_file', 'read_file', 'reset', 'rewind_python']);
    for (const tool of old) expect(tool.inputSchema.properties?.handle).toBeUndefined();
  });

  test('x = 41, then x + 1 by handle is 42; files written then read by handle; reset by handle', async () => {
    await stateByHandle(modern);
  });

  test('the 2025 session on the same endpoint keeps its own state, and sees none of the handles’', async () => {
    await legacy.call('run_python', { code: 'y = 1' });
    expect(textOf(await legacy.call('run_python', { code: 'y + 1' }))).toBe('2');
    const handle = handleOf(await modern.call('run_python', { code: 'y = "by handle"' }));
    expect(textOf(await legacy.call('run_python', { code: 'y' }))).toBe('1');
    expect(textOf(await modern.call('run_python', { code: 'y', handle }))).toBe("'by handle'");
  });

  test('server/discover offers 2026-07-28; every result has resultType; tools/list is the same each time, with ttlMs and cacheScope', async () => {
    const discover = await modernRequest(server.url, 'server/discover', {});
    expect(discover.status).toBe(200);
    expect(discover.message.result).toMatchObject({ supportedVersions: [MODERN_REVISION], capabilities: { tools: {} }, resultType: 'complete' });
    const lists = await Promise.all([modernRequest(server.url, 'tools/list', {}), modernRequest(server.url, 'tools/list', {})]);
    expect(lists[0].message.result).toMatchObject({ resultType: 'complete', ttlMs: 300_000, cacheScope: 'public' });
    expect(JSON.stringify(lists[1].message.result)).toBe(JSON.stringify(lists[0].message.result));
    const call = await modernRequest(server.url, 'tools/call', { name: 'run_python', arguments: { code: '6 * 7' } });
    expect(call.message.result).toMatchObject({ resultType: 'complete', structuredContent: { result: '42' } });
  });

  test('the argument decides: a handle in the body alone (no Mcp-Param-Handle) reaches its interpreter; a header naming another handle runs nothing', async () => {
    const handle = handleOf(await modern.call('run_python', { code: 'z = 7' }));
    const bodyOnly = await modernRequest(server.url, 'tools/call', { name: 'run_python', arguments: { code: 'z * 6', handle } });
    expect(bodyOnly.message.result).toMatchObject({ structuredContent: { result: '42', handle } });
    const other = handleOf(await modern.call('run_python', { code: 'z = 0' }));
    const crossed = await modernRequest(server.url, 'tools/call', { name: 'run_python', arguments: { code: 'z = -1', handle } }, { 'Mcp-Param-Handle': other });
    expect(crossed.message.result).toMatchObject({ isError: true });
    expect(JSON.stringify(crossed.message.result)).toContain('name different handles');
    expect(textOf(await modern.call('run_python', { code: 'z', handle }))).toBe('7');
    expect(textOf(await modern.call('run_python', { code: 'z', handle: other }))).toBe('0');
  });

  test('an unknown, a malformed and a mistyped handle each get a tool error saying the state is gone and how to start again', async () => {
    const live = handleOf(await modern.call('run_python', { code: '1' }));
    const [instance] = live.split('.');
    for (const handle of [`${instance}.AAAAAAAAAAAAAAAAAAAAAA`, 'not-a-handle', 12]) {
      const result = await modern.call('run_python', { code: '1', handle });
      expect(result.isError).toBe(true);
      expect(textOf(result)).toMatch(/(state of this handle is gone|not a handle this server gave out)[\s\S]*without a handle to start a new interpreter/);
    }
  });

  test("a 6 MB write_file (past the SDK's 4 MiB default body bound) is taken by handle, within the server's own bound", async () => {
    const handle = handleOf(await modern.call('run_python', { code: '0' }));
    const content = 'x'.repeat(6 * 1024 * 1024);
    const written = await modern.call('write_file', { path: 'big.txt', content, handle });
    expect(written.isError).toBeFalsy();
    expect(written.structuredContent).toMatchObject({ size: content.length, handle });
    expect(textOf(await modern.call('run_python', { code: 'len(open("big.txt").read())', handle }))).toBe(String(content.length));
  });
});

describe('stdio, both eras', () => {
  let modern: ModernConnection;
  let legacy: Connection;
  beforeAll(async () => {
    [modern, legacy] = await Promise.all([connectModernStdio(FLAGS), connectStdio(FLAGS)]);
  }, BOOT_TIMEOUT_MS);
  afterAll(async () => {
    await Promise.all([modern?.close(), legacy?.close()]);
  });

  test('the v2 client pinned to 2026-07-28: x = 41, then x + 1 by handle is 42; files by handle; reset by handle', async () => {
    expect(modern.client.getNegotiatedProtocolVersion()).toBe(MODERN_REVISION);
    await stateByHandle(modern);
  });

  test('a 2025 client of the same command keeps its one session, without handles', async () => {
    await legacy.call('run_python', { code: 'x = 41' });
    const result = await legacy.call('run_python', { code: 'x + 1' });
    expect(textOf(result)).toBe('42');
    expect(result.structuredContent?.handle).toBeUndefined();
  });
});
