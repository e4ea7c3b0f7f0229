/**
 * A page's MCP client against a hostile server, in Chromium, Firefox and WebKit: the page builds
 * the official SDK's client and transport itself (pages/harness.js `connectMcp`), handing the
 * transport `boundedMcpFetch()`, and gives the tools to its Python with `mcpFunctions`. The server
 * (test/support/hostile-mcp-server.ts, raw node:http) answers a tool with one 100 MB image block,
 * as one JSON body or one SSE event. The page must refuse it at the bound: no pause of a second
 * (against the idle page just before), the browser's memory (its processes, from /proc: no engine
 * but Chromium tells a page its heap) up by under 150 MB, and the run going on. (What the server
 * wrote is reported, not bounded: WebKit's network process reads on after the page cancels, 12 to
 * 95 MB of the 100, and is left out of the memory.) The same server lists tools whose input schemas
 * would make a validator try 2^30 branches (branching-schemas.mjs): their calls must not pause the page.
 *
 * Needs `npm run build` (dist/sandbox.js).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BRANCHING_TOOLS, cellCalling } from '../support/branching-schemas.mjs';
import { useHostPage } from '../support/browser/engine-host.js';
import { bundleMcpClient } from '../support/browser/mcp-client.js';
import { pauseAgainstIdle, pauseReport } from '../support/pause-bound.js';
import { requireLibBuild } from '../support/browser/repo.js';
import { chromium } from '../support/engines/chromium.js';
import type { Engine } from '../support/engines/engine.js';
import { firefox } from '../support/engines/firefox.js';
import { descendantsRssBytes } from '../support/engines/process-cpu.js';
import { webkit } from '../support/engines/webkit.js';
import { type HostileServer, cellReporting as cell, startHostileServer } from '../support/hostile-mcp-server.js';
import { watchPeak } from '../support/process-watch.js';

const TIMEOUT_MS = 120_000;
const MIB = 1024 * 1024;
const ENGINES: Engine[] = [chromium(), firefox(), webkit({ sharedArrayBuffer: true })];

let servers: { json: HostileServer; sse: HostileServer };

/**
 * The browsers' processes' resident bytes, WebKit's network process left out: it reads on after
 * the page cancels a response (up to 92 of the 100 MB) and holds it outside the page.
 */
const browserRss = () => descendantsRssBytes(process.pid, 'WebKitNetworkPr');

beforeAll(async () => {
  requireLibBuild();
  await bundleMcpClient();
  const [json, sse] = await Promise.all([startHostileServer({ answer: 'json' }), startHostileServer({ answer: 'sse' })]);
  servers = { json, sse };
}, TIMEOUT_MS);

afterAll(async () => {
  await Promise.all(Object.values(servers ?? {}).map((server) => server.close()));
});

describe.each(ENGINES)('$name', (engine) => {
  const { host } = useHostPage(engine, true);
  afterAll(() => engine.close());

  describe.skipIf(engine.missing)(engine.missing ? `(skipped: ${engine.missing})` : 'a cross-origin-isolated page with the default frame', () => {
    beforeAll(async () => {
      await host.create();
      for (const [name, server] of Object.entries(servers)) expect(await host.connectMcp(server.url, name)).toContain(`${name}__image`);
      // Python started and the honest tool answers: what follows measures the attack alone.
      expect((await host.run(cell('json__echo(text="hi")'), { pageFunctions: ['json__echo'] })).stdout).toBe('got 2\n');
    }, TIMEOUT_MS);

    it.each(['json', 'sse'] as const)(
      'refuses a 100 MB image block as one %s message at the bound: no pause of a second, memory up by under 150 MB',
      async (name) => {
        const before = browserRss();
        const memory = watchPeak(browserRss, 50);
        const timed = await pauseAgainstIdle(host.longestStallDuring, 1000, () =>
          host.run(cell(`${name}__image(size=100_000_000)`), { pageFunctions: [`${name}__image`], timeoutMs: 15_000 }),
        );
        const growth = memory.stop() - before;
        const report = `${pauseReport(timed)}; browser RSS +${Math.round(growth / MIB)} MB; server wrote ${Math.round((servers[name].callBytes.at(-1) ?? 0) / MIB)} MB`;
        if (process.env.SHOW_NUMBERS) console.log(`${engine.name}, ${name}: ${report}`);
        expect(timed.value.stdout, report).toMatch(/^raised: .*over 4,194,304 bytes, the most one message may have/);
        expect(timed.stallMs, report).toBeLessThan(timed.boundMs);
        expect(growth, report).toBeLessThan(150 * MIB);
        // The connection stood: the next call answers.
        expect((await host.run(cell(`${name}__echo(text="again")`), { pageFunctions: [`${name}__echo`] })).stdout).toBe('got 5\n');
      },
      TIMEOUT_MS,
    );

    it(
      'checks calls of tools whose schemas branch 2^30 ways in one look: each answers within 15 s, the page never paused 1 s',
      async () => {
        for (const tool of BRANCHING_TOOLS) {
          const name = `json__${tool.name}` as const;
          const timed = await pauseAgainstIdle(host.longestStallDuring, 1000, () =>
            host.run(cellCalling([tool], 'json__'), { pageFunctions: [name], timeoutMs: 15_000 }),
          );
          // Before: the first call froze the page (at least 32 s in Chromium) and the deadline never fired.
          expect(timed.value.stdout, `${engine.name}, ${tool.name}: ${pauseReport(timed)}`).toBe(`${tool.name} ok\n`);
          expect(timed.stallMs, `${engine.name}, ${tool.name}: ${pauseReport(timed)}`).toBeLessThan(timed.boundMs);
        }
      },
      TIMEOUT_MS,
    );
  });
});
