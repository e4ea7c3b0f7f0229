/**
 * The MCP server over streamable HTTP: the built CLI with `--http 0`, driven by the official SDK
 * client; raw `fetch` for what no SDK client sends. Each describe has its own server process,
 * started with the flags its tests need.
 */
import { ErrorCode } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DISPLAY_PNG_CODE } from '../support/agent-fixtures.js';
import { BOOT_TIMEOUT_MS } from '../support/fixtures.js';
import {
  type Connection,
  type HttpServerProcess,
  connectHttp,
  initializeLine,
  initializedLine,
  pingStatus,
  postWithHost,
  startHttpServer,
  textOf,
} from '../support/mcp.js';
import { LOAD_TINY_LIBRARY, TINY_LIBRARY } from '../support/tiny-library.js';

/** Headers a streamable HTTP client sends with each POST. */
const POST_HEADERS = { 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream' };

function useServer(flags: string[]): () => HttpServerProcess {
  let server: HttpServerProcess | undefined;
  beforeAll(async () => {
    server = await startHttpServer(flags);
  }, BOOT_TIMEOUT_MS);
  afterAll(async () => {
    await server?.stop();
  });
  return () => {
    if (!server) throw new Error('the server did not start');
    return server;
  };
}

describe('a server with room for several sessions', () => {
  const server = useServer(['--max-code-chars', '1000', '--max-file-bytes', '1000']);
  let a: Connection;
  let b: Connection;
  beforeAll(async () => {
    a = await connectHttp(server().url);
    b = await connectHttp(server().url);
  }, BOOT_TIMEOUT_MS);
  afterAll(async () => {
    await Promise.all([a?.close(), b?.close()]);
  });

  test('lists the tools', async () => {
    const { tools } = await a.client.listTools();
    expect(tools.map((tool) => tool.name)).toEqual(['run_python', 'write_file', 'read_file', 'reset', 'rewind_python']);
  });

  test('runs code keeping state across calls', async () => {
    await a.call('run_python', { code: 'total = 40' });
    expect(textOf(await a.call('run_python', { code: 'total += 2\ntotal' }))).toBe('42');
  });

  test('an image comes back as image content', async () => {
    const result = await a.call('run_python', { code: DISPLAY_PNG_CODE });
    expect(result.content.map((block) => block.type)).toEqual(['text', 'image']);
    expect(result.content[1].mimeType).toBe('image/png');
  });

  test('writes then reads a file', async () => {
    await a.call('write_file', { path: 'notes.md', content: '# hi\n' });
    expect(textOf(await a.call('read_file', { path: 'notes.md' }))).toBe('# hi\n');
  });

  test("two clients' sessions see neither each other's variables nor files", async () => {
    await a.call('run_python', { code: 'secret = "only a"' });
    await a.call('write_file', { path: 'secret.txt', content: 'only a' });
    const variable = await b.call('run_python', { code: 'secret' });
    expect(textOf(variable)).toContain("NameError: name 'secret' is not defined");
    const file = await b.call('read_file', { path: 'secret.txt' });
    expect(file.isError).toBe(true);
    expect(textOf(await a.call('run_python', { code: 'secret' }))).toBe("'only a'");
  });

  test('a cancelled run stops, and the session runs again with its state', async () => {
    await b.call('run_python', { code: 'before = 7' });
    const controller = new AbortController();
    const long = b.call('run_python', { code: 'while True: pass' }, { signal: controller.signal });
    setTimeout(() => controller.abort(), 1000);
    await expect(long).rejects.toThrow();
    const started = Date.now();
    expect(textOf(await b.call('run_python', { code: 'before * 6' }))).toBe('42');
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  test('an oversized file is a tool error, and the session keeps serving', async () => {
    const result = await a.call('write_file', { path: 'big.txt', content: 'x'.repeat(1001) });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toContain('at most 1,000');
    expect(textOf(await a.call('run_python', { code: '2 ** 10' }))).toBe('1024');
  });

  test('a body that is not JSON, or over the bound, gets a JSON-RPC error, and the server keeps serving', async () => {
    const garbage = await fetch(server().url, { method: 'POST', headers: POST_HEADERS, body: '{oops' });
    expect(garbage.status).toBe(400);
    expect(await garbage.json()).toMatchObject({ jsonrpc: '2.0', error: { code: ErrorCode.ParseError } });
    // The bound here is ~71 KB (6 × 1,000 code characters, plus 64 KiB).
    const huge = await fetch(server().url, {
      method: 'POST',
      headers: POST_HEADERS,
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping', params: { pad: 'x'.repeat(200_000) } }),
    });
    expect(huge.status).toBe(413);
    expect(await huge.json()).toMatchObject({ error: { message: expect.stringContaining('not read') } });
    const stranger = await fetch(server().url, {
      method: 'POST',
      headers: POST_HEADERS,
      body: JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/list' }),
    });
    expect(stranger.status).toBe(400);
    expect(textOf(await a.call('run_python', { code: '"alive"' }))).toBe("'alive'");
  });

  test("a GET before initialize is 405 (no stream without a session), and the session's GET after it opens the stream, as the AI SDK's client does them", async () => {
    const early = await fetch(server().url, { headers: { Accept: 'text/event-stream' } });
    expect(early.status).toBe(405);
    expect(early.headers.get('allow')).toBe('POST');
    await early.body?.cancel();
    const initialized = await fetch(server().url, { method: 'POST', headers: POST_HEADERS, body: initializeLine(1) });
    const sessionId = initialized.headers.get('mcp-session-id') ?? '';
    await initialized.body?.cancel();
    const session = { 'Mcp-Session-Id': sessionId, 'Mcp-Protocol-Version': '2025-06-18' };
    const notified = await fetch(server().url, {
      method: 'POST',
      headers: { ...POST_HEADERS, ...session },
      body: initializedLine(),
    });
    expect(notified.status).toBe(202);
    const stream = await fetch(server().url, { headers: { Accept: 'text/event-stream', ...session } });
    expect(stream.status).toBe(200);
    expect(stream.headers.get('content-type')).toContain('text/event-stream');
    await stream.body?.cancel();
    await fetch(server().url, { method: 'DELETE', headers: session });
  });

  test('a request naming another site in Host or Origin is refused (DNS rebinding, cross-site pages)', async () => {
    const url = new URL(server().url);
    expect(await postWithHost(server().url, `attacker.example:${url.port}`, initializeLine(1))).toBe(403);
    const crossSite = await fetch(url, { method: 'POST', headers: { ...POST_HEADERS, Origin: 'https://attacker.example' }, body: initializeLine(1) });
    expect(crossSite.status).toBe(403);
  });
});

describe('a server listening on another loopback address, with a name allowed', () => {
  const server = useServer(['--host', '127.0.0.2', '--allowed-host', 'python-box']);

  test('answers its own URL, and the allowed name, but not a rebinding name', async () => {
    const url = new URL(server().url);
    expect(url.hostname).toBe('127.0.0.2');
    const own = await connectHttp(server().url);
    try {
      expect((await own.client.listTools()).tools).toHaveLength(5);
    } finally {
      await own.close();
    }
    expect(await postWithHost(server().url, `python-box:${url.port}`, initializeLine(1))).toBe(200);
    expect(await postWithHost(server().url, `attacker.example:${url.port}`, initializeLine(1))).toBe(403);
  });
});

describe('a server with room for two sessions', () => {
  const server = useServer(['--max-sessions', '2']);

  test('clients that leave without DELETE do not lock it out: a new client takes the place of the longest idle session', async () => {
    const oldest = await connectHttp(server().url);
    const newer = await connectHttp(server().url);
    await oldest.leave();
    await newer.leave();
    const next = await connectHttp(server().url);
    expect((await next.client.listTools()).tools).toHaveLength(5);
    expect(await pingStatus(server().url, oldest.sessionId)).toBe(404);
    expect(await pingStatus(server().url, newer.sessionId)).toBe(200);
    await Promise.all([next.close(), newer.close()]);
  });

  test('a session whose client still listens is kept while one whose client left is evicted, though it is newer', async () => {
    const staying = await connectHttp(server().url);
    const leaving = await connectHttp(server().url);
    await leaving.leave();
    // The SDK client opens its GET stream just after initializing; a call's round trip lets it
    // arrive. The server hears of the left client's stream closing from its socket, which a
    // loaded machine delivers late: a moment for it (in a full suite it once came after `next`).
    await staying.client.ping();
    await new Promise((resolve) => setTimeout(resolve, 500));
    const next = await connectHttp(server().url);
    expect(await pingStatus(server().url, leaving.sessionId)).toBe(404);
    expect((await staying.client.listTools()).tools).toHaveLength(5);
    await Promise.all([next.close(), staying.close()]);
  });
});

describe('a server with room for one session, closed after 2 idle seconds', () => {
  const server = useServer(['--max-sessions', '1', '--idle-minutes', String(2 / 60)]);

  test('a second session is refused with a clear MCP error while the first runs a call, and takes its place once it is idle', async () => {
    const first = await connectHttp(server().url);
    try {
      expect(textOf(await first.call('run_python', { code: '1' }))).toBe('1');
      const controller = new AbortController();
      const running = first.call('run_python', { code: 'import time\ntime.sleep(60)' }, { signal: controller.signal });
      await new Promise((resolve) => setTimeout(resolve, 300));
      await expect(connectHttp(server().url)).rejects.toThrow(/maximum of 1 sessions, each running a call/);
      // Said as HTTP says busy: 503 with Retry-After, and the seconds in the message.
      const initialize = {
        jsonrpc: '2.0',
        id: 1,
        method: 'initialize',
        params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 't', version: '1' } },
      };
      const refused = await fetch(server().url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream' },
        body: JSON.stringify(initialize),
      });
      expect([refused.status, refused.headers.get('retry-after')]).toEqual([503, '10']);
      expect((await refused.json()).error.message).toMatch(/Call again in 10 seconds\.$/);
      controller.abort();
      await expect(running).rejects.toThrow();
      // Runs of a session queue: once this one answers, the stopped one has ended on the server.
      expect(textOf(await first.call('run_python', { code: '2' }))).toBe('2');
      const second = await connectHttp(server().url);
      expect(await pingStatus(server().url, first.sessionId)).toBe(404);
      await second.close();
    } finally {
      await first.close();
    }
  });

  test('an idle session is closed, its place freed, and a call on it told to start a new one', async () => {
    const idle = await connectHttp(server().url);
    try {
      expect(textOf(await idle.call('run_python', { code: '1' }))).toBe('1');
      await new Promise((resolve) => setTimeout(resolve, 3500));
      await expect(idle.call('run_python', { code: '2' })).rejects.toThrow(/Session not found/);
      const next = await connectHttp(server().url);
      expect(textOf(await next.call('run_python', { code: '3' }))).toBe('3');
      await next.close();
    } finally {
      await idle.close();
    }
  });
});

describe('a server whose sessions close after 6 idle seconds', () => {
  const server = useServer(['--idle-minutes', String(6 / 60)]);

  test('an idle session that cannot be saved (compiled code loaded) keeps its interpreter past the give-back: its next run finds everything, and nothing was lost', async () => {
    const client = await connectHttp(server().url);
    try {
      await client.call('write_file', { path: 'libtiny.so', content: Buffer.from(TINY_LIBRARY).toString('base64'), encoding: 'base64' });
      expect(textOf(await client.call('run_python', { code: `${LOAD_TINY_LIBRARY}\nkept = 1` }))).toBe('(no output)');
      // Past the give-back (a third of the 6 s), whose save is refused: the interpreter stays.
      await new Promise((resolve) => setTimeout(resolve, 3000));
      const after = await client.call('run_python', { code: 'kept' });
      expect(textOf(after)).toBe('1');
      expect(after.structuredContent).toMatchObject({ stateLost: false });
    } finally {
      await client.close();
    }
  });
});
