/**
 * The gateway (`mcp --http 0 --mcp-server evil=…`, the Deno boundary) with a hostile downstream
 * server (test/support/hostile-mcp-server.ts on raw node:http, hostile-mcp-stdio.mjs on stdio)
 * whose tools answer 200 MB of image or 1,000,000 content blocks, as one JSON body, one SSE event
 * or one stdio line. The gateway must refuse each having read little of it: watched from outside,
 * its resident memory (/proc) and another session's `tools/list` latency (its event loop's
 * pauses), against the same session's latency idle just before.
 */
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BRANCHING_TOOLS, cellCalling } from '../support/branching-schemas.mjs';
import { type HostileServer, cellReporting as cell, startHostileServer } from '../support/hostile-mcp-server.js';
import { type HttpConnection, type HttpServerProcess, connectHttp, startHttpServer, textOf } from '../support/mcp.js';
import { type ReferenceConnection, connectGateway } from '../support/mcp-servers.js';
import { rssBytes, watchLatency, watchRss } from '../support/process-watch.js';

const MIB = 1024 * 1024;
const STDIO_SERVER = fileURLToPath(new URL('../support/hostile-mcp-stdio.mjs', import.meta.url));
/** What Python is told of a message over the bound. */
const REFUSED = /over 4,194,304 bytes, the most one message may have/;

const DOWNSTREAMS = [
  { label: 'a JSON body', answer: 'json' as const },
  { label: 'one SSE event', answer: 'sse' as const },
  { label: 'one stdio line', answer: 'stdio' as const },
];

describe.each(DOWNSTREAMS)('a downstream answering with $label', ({ answer }) => {
  let evil: HostileServer | undefined;
  let gateway: HttpServerProcess;
  let attacker: HttpConnection;
  let bystander: HttpConnection;

  beforeAll(async () => {
    evil = answer === 'stdio' ? undefined : await startHostileServer({ answer });
    const target = evil ? evil.url : `${process.execPath} ${STDIO_SERVER}`;
    gateway = await startHttpServer(['--timeout-ms', '5000', '--mcp-server', `evil=${target}`]);
    [attacker, bystander] = await Promise.all([connectHttp(gateway.url), connectHttp(gateway.url)]);
    // Python started, and the honest tool answers: what follows measures the attack alone.
    expect(textOf(await attacker.call('run_python', { code: cell('evil__echo(text="hi")') }))).toContain('got 2');
  }, 90_000);

  afterAll(async () => {
    await Promise.all([attacker?.close(), bystander?.close()]);
    await gateway?.stop();
    await evil?.close();
  });

  it.each([
    { what: 'one image block of 200 MB', call: 'evil__image(size=200_000_000)' },
    { what: '1,000,000 text blocks', call: 'evil__blocks(count=1_000_000)' },
  ])(
    'refuses $what having read little: memory and pauses bounded, the run back at once',
    async ({ call }) => {
      const probe = () => bystander.client.listTools();
      const idle = watchLatency(probe);
      await new Promise((resolve) => setTimeout(resolve, 1000));
      const idleMs = await idle.stop();
      const before = rssBytes(gateway.pid);
      const memory = watchRss(gateway.pid);
      const latency = watchLatency(probe);
      const started = performance.now();
      const printed = textOf(await attacker.call('run_python', { code: cell(call) }));
      const runMs = performance.now() - started;
      const longestMs = await latency.stop();
      const growth = memory.stop() - before;
      const report = `run ${Math.round(runMs)} ms, RSS +${Math.round(growth / MIB)} MB, longest tools/list ${Math.round(longestMs)} ms (idle ${Math.round(idleMs)} ms)`;
      if (process.env.SHOW_NUMBERS) console.log(`${answer}, ${call}: ${report}; bytes written ${evil?.callBytes.at(-1)}; ${printed.trim()}`);
      expect(printed, report).toMatch(REFUSED);
      expect(runMs, report).toBeLessThan(15_000);
      expect(growth, report).toBeLessThan(300 * MIB);
      expect(longestMs, report).toBeLessThan(1000 + 3 * idleMs);
      // Over HTTP the server sees the gateway hang up: it wrote the bound and the sockets' buffers, not the 26-200 MB.
      if (evil) expect(evil.callBytes.at(-1), report).toBeLessThan(64 * MIB);
      // The next call works: the server's connection stood (HTTP) or its process started again (stdio).
      expect(textOf(await attacker.call('run_python', { code: cell('evil__echo(text="again")') }))).toContain('got 5');
    },
    60_000,
  );

  // Once, over the plain JSON answer: the check is the gateway's, whatever carries the tool's list.
  it.runIf(answer === 'json')(
    'checks calls of tools whose schemas branch 2^30 ways in one look: other sessions served within 2 s, each run back within 15 s',
    async () => {
      const probe = () => bystander.client.listTools();
      const idle = watchLatency(probe);
      await new Promise((resolve) => setTimeout(resolve, 1000));
      const idleMs = await idle.stop();
      for (const tool of BRANCHING_TOOLS) {
        const latency = watchLatency(probe);
        const started = performance.now();
        const printed = textOf(await attacker.call('run_python', { code: cellCalling([tool], 'evil__') }));
        const runMs = performance.now() - started;
        const longestMs = await latency.stop();
        const report = `${tool.name}: run ${Math.round(runMs)} ms, longest tools/list ${Math.round(longestMs)} ms (idle ${Math.round(idleMs)} ms)`;
        if (process.env.SHOW_NUMBERS) console.log(report);
        // Before: the first call froze the gateway's only thread (silent 30 s until killed, the deadline never fired).
        expect(printed, report).toContain(`${tool.name} ok`);
        expect(runMs, report).toBeLessThan(15_000);
        expect(longestMs, report).toBeLessThan(2000 + 3 * idleMs);
      }
    },
    120_000,
  );

  it.runIf(answer === 'stdio')("passes the server's stderr on with its control characters shown, so it cannot forge the gateway's lines", () => {
    const stderr = gateway.stderr();
    expect(stderr).toContain('pyodide-code-execution: [evil] \\x1b[2K\\x0dpyodide-code-execution: Python runs without a boundary.');
    expect(stderr).not.toMatch(/[\x1b\r]/);
  });
});

describe('a downstream whose optional GET stream is one endless SSE line', () => {
  it('is not read: the gateway does not open the stream, and its memory stays under 600 MB', async () => {
    const evil = await startHostileServer({ stream: 'endless-line' });
    const gateway = await startHttpServer(['--mcp-server', `evil=${evil.url}`]);
    const memory = watchRss(gateway.pid);
    try {
      const client = await connectHttp(gateway.url);
      expect(textOf(await client.call('run_python', { code: cell('evil__echo(text="hi")') }))).toContain('got 2');
      await client.close();
      // Time for a stream to flow: unbounded, 1 GB came in about 35 s and cost gigabytes.
      const started = performance.now();
      while (evil.streamBytes < 1024 * MIB && performance.now() - started < 12_000) await new Promise((resolve) => setTimeout(resolve, 250));
      const peak = memory.stop();
      if (process.env.SHOW_NUMBERS) console.log(`endless GET line: RSS peak ${Math.round(peak / MIB)} MB, ${Math.round(evil.streamBytes / MIB)} MB streamed`);
      expect(peak, `RSS peak ${Math.round(peak / MIB)} MB, ${Math.round(evil.streamBytes / MIB)} MB streamed`).toBeLessThan(600 * MIB);
      expect(evil.methods).not.toContain('GET');
      expect(evil.streamBytes).toBe(0);
    } finally {
      memory.stop();
      await gateway.stop();
      await evil.close();
    }
  }, 90_000);
});

describe('downstream servers slow to connect or to list their tools', () => {
  it("answers its first client's initialize and tools/list within 25 s, leaving them out with a line on stderr", async () => {
    const servers = await Promise.all([
      startHostileServer({ listPages: 3, listDelayMs: 30_000 }),
      startHostileServer({ silentInitialize: true }),
      startHostileServer(),
    ]);
    const [slow, mute, fine] = servers;
    const started = performance.now();
    let gateway: ReferenceConnection | undefined;
    try {
      gateway = await connectGateway(['--mcp-server', `slow=${slow.url}`, '--mcp-server', `mute=${mute.url}`, '--mcp-server', `fine=${fine.url}`]);
      const { tools } = await gateway.client.listTools();
      const servedMs = performance.now() - started;
      if (process.env.SHOW_NUMBERS) console.log(`slow servers: first client served after ${Math.round(servedMs)} ms`);
      expect(servedMs).toBeLessThan(25_000);
      // The server that answered in time is in; the other two are out, each named with why.
      const description = tools[0].description ?? '';
      expect(description).toContain('default_api.fine__echo(');
      expect(description).not.toMatch(/slow__|mute__/);
      expect(gateway.stderr()).toMatch(/MCP server "slow" did not connect and list its tools within 10 s and is left out/);
      expect(gateway.stderr()).toMatch(/MCP server "mute" did not connect and list its tools within 10 s and is left out/);
    } finally {
      await gateway?.close();
      await Promise.all(servers.map((server) => server.close()));
    }
  }, 120_000);
});
