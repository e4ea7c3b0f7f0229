/**
 * The MCP HTTP server under slow connections (slowloris: each sends a byte now and then), served in
 * this process from the source so the timeouts can be short. Other loopback addresses
 * (127.0.0.2, …) stand for other machines. No test boots an interpreter: listing the tools needs none.
 */
import { afterEach, describe, expect, test } from 'vitest';
import type { RunningHttpMcpServer } from '../../src/integrations/mcp/transports/http.js';
import { serveHttp } from '../../src/integrations/mcp/transports/http.js';
import { type StalledRequest, connectHttp, stalledRequest } from '../support/mcp.js';

let server: RunningHttpMcpServer | undefined;
let stalled: StalledRequest[] = [];
afterEach(async () => {
  for (const connection of stalled) connection.stop();
  stalled = [];
  await server?.close();
  server = undefined;
});

/** Opens `count` stalled requests from `localAddress`, one after another, and lets the server admit them. */
async function stall(url: string, count: number, localAddress: string): Promise<StalledRequest[]> {
  const opened: StalledRequest[] = [];
  for (let i = 0; i < count; i++) {
    opened.push(stalledRequest(url, { localAddress }));
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  await new Promise((resolve) => setTimeout(resolve, 300));
  stalled.push(...opened);
  return opened;
}

async function listsTools(url: string): Promise<number> {
  const client = await connectHttp(url);
  try {
    return (await client.client.listTools()).tools.length;
  } finally {
    await client.close();
  }
}

describe('with the default timeouts (10 s for headers), 8 sessions: 48 connections, 24 from one address', () => {
  test('48 stalled connections from the clients’ own address keep 24 places, and a new client gets through', async () => {
    server = await serveHttp({ port: 0 });
    const local = await stall(server.url, 48, '127.0.0.1');
    expect(local.filter((connection) => connection.open)).toHaveLength(24);
    // The oldest were pushed out; a client's new connection pushes out the next oldest.
    expect(local.slice(0, 24).every((connection) => !connection.open)).toBe(true);
    expect(await listsTools(server.url)).toBe(5);
  });

  test('stalled connections from other machines filling all 48 places give way to a new client', async () => {
    server = await serveHttp({ port: 0 });
    const others = [...(await stall(server.url, 24, '127.0.0.2')), ...(await stall(server.url, 24, '127.0.0.3'))];
    expect(others.filter((connection) => connection.open)).toHaveLength(48);
    expect(await listsTools(server.url)).toBe(5);
    expect(others[0].open).toBe(false);
  });
});

describe('with short timeouts', () => {
  test('a request whose headers, or body, trickle in is closed at the timeout', async () => {
    server = await serveHttp({ port: 0 }, { headersTimeoutMs: 300, requestTimeoutMs: 600, checkIntervalMs: 50 });
    const headers = stalledRequest(server.url, { everyMs: 200 });
    const body = stalledRequest(server.url, { body: true, everyMs: 200 });
    stalled.push(headers, body);
    expect(await headers.closed).toBeLessThan(1000);
    expect(await body.closed).toBeLessThan(1500);
    expect(await listsTools(server.url)).toBe(5);
  });
});
