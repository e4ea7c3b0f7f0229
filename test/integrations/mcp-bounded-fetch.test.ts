/**
 * `boundedMcpFetch`, the `fetch` a page (and the gateway) hands the MCP SDK's Streamable HTTP
 * transport so a server's message is bounded before anything parses it: byte for byte for what is
 * within the bound, however the stream is cut into chunks; past it, an error the request gets and
 * a stream never read further. Then with the SDK's client against a raw server whose optional GET
 * stream is one endless line.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { describe, expect, it } from 'vitest';
import { boundedMcpFetch } from '../../src/integrations/mcp-tools/bounded-fetch.js';
import { startHostileServer } from '../support/hostile-mcp-server.js';

const MIB = 1024 * 1024;
const encoder = new TextEncoder();
const REFUSED = /over 1,000 bytes, the most one message may have/;

/** A server's body: `chunks`, then (with `endless`) 'A's without end, counting what was pulled and whether it was cancelled. */
function source(chunks: (string | Uint8Array)[], endless = false) {
  const seen = { pulledBytes: 0, cancelled: false };
  const queue = chunks.map((chunk) => (typeof chunk === 'string' ? encoder.encode(chunk) : chunk));
  const body = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        const chunk = queue.shift() ?? (endless ? new Uint8Array(64 * 1024).fill(0x41) : undefined);
        if (!chunk) return controller.close();
        seen.pulledBytes += chunk.length;
        controller.enqueue(chunk);
      },
      cancel() {
        seen.cancelled = true;
      },
    },
    { highWaterMark: 0 },
  );
  return { body, seen };
}

/** A bounded fetch whose server answers every request with `answer()`, recording the requests it reached. */
function fetchAnswering(answer: () => Response, maxMessageBytes = 1000) {
  const reached: string[] = [];
  const refusals: string[] = [];
  const fetch = boundedMcpFetch({
    maxMessageBytes,
    fetch: async (_url, init) => {
      reached.push(init?.method ?? 'GET');
      return answer();
    },
    onRefused: (error) => refusals.push(error.message),
  });
  return { fetch, reached, refusals };
}

const sse = (body: ReadableStream<Uint8Array>) => new Response(body, { headers: { 'content-type': 'text/event-stream' } });
const json = (body: ReadableStream<Uint8Array>) => new Response(body, { headers: { 'content-type': 'application/json' } });
const post = (message: unknown) => ({ method: 'POST', body: JSON.stringify(message) });

describe('boundedMcpFetch', () => {
  it('passes SSE events within the bound byte for byte, however chunks cut them and whichever line breaks they use', async () => {
    const event = (n: number, end: string) =>
      `id: ${n}${end}data: ${JSON.stringify({ jsonrpc: '2.0', method: 'x', params: { text: 'a'.repeat(800) } })}${end}${end}`;
    const text = [event(1, '\n'), event(2, '\r\n'), event(3, '\r'), ': comment\n\n', event(4, '\n')].join('');
    // Cut every 7 bytes: \r\n pairs and event ends fall across chunks.
    const bytes = encoder.encode(text);
    const chunks = Array.from({ length: Math.ceil(bytes.length / 7) }, (_, i) => bytes.subarray(i * 7, i * 7 + 7));
    const { fetch, refusals } = fetchAnswering(() => sse(source(chunks).body));
    const response = await fetch('http://mcp.test/', post({ jsonrpc: '2.0', id: 1, method: 'tools/call' }));
    expect(await response.text()).toBe(text);
    expect(refusals).toEqual([]);
  });

  it.each([
    { what: 'one line without end', chunks: ['data: '], endless: true },
    { what: 'short data lines with no blank line to end the event', chunks: Array.from({ length: 400 }, () => 'data: x\r\n'), endless: false },
  ])('drops an SSE event over the bound ($what), answers each request of the POST with an error, and reads no further', async ({ chunks, endless }) => {
    const server = source(['event: message\ndata: {"jsonrpc":"2.0","method":"notifications/progress"}\n\n', ...chunks], endless);
    const { fetch, refusals } = fetchAnswering(() => sse(server.body));
    const response = await fetch(
      'http://mcp.test/',
      post([
        { jsonrpc: '2.0', id: 7, method: 'tools/call' },
        { jsonrpc: '2.0', method: 'notifications/x' },
      ]),
    );
    const text = await response.text();
    // The event before the bound went on whole; the cut one is typed `dropped` (the SDK reads `message` events only).
    expect(text.startsWith('event: message\ndata: {"jsonrpc":"2.0","method":"notifications/progress"}\n\n')).toBe(true);
    expect(text).toMatch(/\nevent: dropped\n\ndata: \{"jsonrpc":"2.0","id":7,"error":\{"code":-32000,"message":"[^"]+"\}\}\n\n$/);
    expect(JSON.parse(text.slice(text.lastIndexOf('data: ') + 6)).error.message).toMatch(REFUSED);
    expect(text.length).toBeLessThan(2000);
    // The source is cancelled once the pipe sees its end: a turn or more later on Node 24, at once on Node 20.
    await expect.poll(() => server.seen.cancelled, { timeout: 5_000 }).toBe(true);
    expect(server.seen.pulledBytes).toBeLessThan(200_000);
    expect(refusals).toHaveLength(1);
  });

  it('answers the requests of a JSON body over the bound with an error saying why, and reads no further; a body within it reads as sent', async () => {
    const big = source(['{"jsonrpc":"2.0","id":1,"result":{"content":[{"type":"image","data":"'], true);
    const { fetch, refusals } = fetchAnswering(() => json(big.body));
    const answer = await (await fetch('http://mcp.test/', post({ jsonrpc: '2.0', id: 1, method: 'tools/call' }))).json();
    expect(answer).toMatchObject({ jsonrpc: '2.0', id: 1, error: { code: -32000, message: expect.stringMatching(REFUSED) } });
    // The source is cancelled once the pipe sees its end: a turn or more later on Node 24, at once on Node 20.
    await expect.poll(() => big.seen.cancelled, { timeout: 5_000 }).toBe(true);
    expect(big.seen.pulledBytes).toBeLessThan(200_000);
    expect(refusals).toHaveLength(1);
    const small = { jsonrpc: '2.0', id: 2, result: { content: [{ type: 'text', text: 'b'.repeat(900) }] } };
    const { fetch: within } = fetchAnswering(() => json(source([JSON.stringify(small).slice(0, 500), JSON.stringify(small).slice(500)]).body));
    expect(await (await within('http://mcp.test/', post({ jsonrpc: '2.0', id: 2, method: 'tools/call' }))).json()).toEqual(small);
  });

  it('errors a body over the bound that answers no request (a GET)', async () => {
    const { fetch } = fetchAnswering(() => json(source(['['], true).body));
    await expect((await fetch('http://mcp.test/', { method: 'GET' })).text()).rejects.toThrow(REFUSED);
  });

  it("answers GETs 405 itself once a server's stream was dropped, so the SDK neither reopens nor resumes it; POSTs go on", async () => {
    const { fetch, reached } = fetchAnswering(() => sse(source(['data: '], true).body));
    await (await fetch('http://mcp.test/', { method: 'GET' })).text();
    expect((await fetch('http://mcp.test/', { method: 'GET', headers: { 'last-event-id': '1' } })).status).toBe(405);
    await (await fetch('http://mcp.test/', post({ jsonrpc: '2.0', id: 3, method: 'ping' }))).text();
    expect(reached).toEqual(['GET', 'POST']);
  });

  it('takes a positive whole number of bytes', () => {
    for (const maxMessageBytes of [0, -1, 1.5, Number.NaN]) expect(() => boundedMcpFetch({ maxMessageBytes })).toThrow(RangeError);
  });

  it("keeps an SDK client's memory from a server whose GET stream is one endless SSE line: cut at the bound, not reopened, calls go on", async () => {
    const evil = await startHostileServer({ stream: 'endless-line' });
    const client = new Client({ name: 'bounded-test', version: '1.0.0' });
    try {
      await client.connect(new StreamableHTTPClientTransport(new URL(evil.url), { fetch: boundedMcpFetch() }));
      await expect.poll(() => evil.methods.includes('GET')).toBe(true);
      // The SDK would reconnect a second after the stream ends: give it three.
      await new Promise((resolve) => setTimeout(resolve, 3000));
      expect(evil.methods.filter((method) => method === 'GET')).toHaveLength(1);
      expect(evil.streamBytes).toBeLessThan(64 * MIB);
      const result = (await client.callTool({ name: 'echo', arguments: { text: 'still here' } })) as { content: { text: string }[] };
      expect(result.content[0].text).toBe('still here');
    } finally {
      await client.close();
      await evil.close();
    }
  });
});
