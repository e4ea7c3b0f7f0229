/**
 * MCP tools in code mode when things go wrong: a stop or a timeout while a call is pending cancels
 * the request (the server receives `notifications/cancelled`) and keeps the interpreter; a server
 * that answers garbage, too much, or dies mid-call is a Python exception, never a host crash; and
 * what a server lists (names, schemas) is bounded before use. The servers are the SDK's own, in
 * process, with tools written here, and the reference server-everything for a real process to kill.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type McpToolClient, type PythonSandbox, mcpFunctions } from '../../dist/index.node.js';
import { DEFAULT_API_OWN_NAMES } from '../../src/shared/default-api-names.js';
import { BRANCHING_TOOLS, PLAIN_TOOL, cellCalling } from '../support/branching-schemas.mjs';
import { useSandbox } from '../support/fixtures.js';
import { type InProcessServer, connectReferenceServer, inProcessServer, notificationMethods } from '../support/mcp-servers.js';

let sandbox: PythonSandbox;
useSandbox({ warmSpare: false, limits: { functionTimeoutMs: 1000 } }, (made) => {
  sandbox = made;
});

let open: InProcessServer | undefined;
afterEach(async () => {
  await open?.close();
  open = undefined;
});

/** An in-process server with one tool, `wait`, that answers only when its request is cancelled; `started` resolves when a call arrives. */
async function waitingServer() {
  let arrived!: () => void;
  const started = new Promise<void>((resolve) => (arrived = resolve));
  const cancelled: string[] = [];
  open = await inProcessServer((server) =>
    server.registerTool('wait', { description: 'Waits until cancelled.' }, (extra) => {
      arrived();
      return new Promise((resolve) =>
        extra.signal.addEventListener('abort', () => {
          cancelled.push(String(extra.requestId));
          resolve({ content: [{ type: 'text', text: 'too late' }] });
        }),
      );
    }),
  );
  return { server: open, started, cancelled, functions: await mcpFunctions(open.client) };
}

/** The tools/call requests the server received, by id. */
function toolCallIds(server: InProcessServer): string[] {
  return server.received.filter((m) => 'method' in m && m.method === 'tools/call' && 'id' in m).map((m) => String((m as { id: unknown }).id));
}

describe('a pending MCP call', () => {
  it('is cancelled by a stop: the server receives notifications/cancelled for it, and the interpreter keeps its variables', async () => {
    const { server, started, cancelled, functions } = await waitingServer();
    const controller = new AbortController();
    const running = sandbox.run('kept = 41\nawait default_api.wait()\nkept = 0', { functions, signal: controller.signal });
    await started;
    controller.abort();
    const r = await running;
    expect(r.outcome).not.toBe('OUTCOME_OK');
    expect(r.stateLost).toBe(false);
    await expect.poll(() => cancelled).toHaveLength(1);
    expect(notificationMethods(server.received)).toContain('notifications/cancelled');
    expect(cancelled).toEqual(toolCallIds(server));
    expect((await sandbox.run('kept + 1')).result).toBe('42');
  });

  it("is cancelled when it passes limits.functionTimeoutMs, and Python's call raises while the run goes on", async () => {
    const { server, cancelled, functions } = await waitingServer();
    const code = [
      'try:',
      '    await default_api.wait()',
      'except default_api.FunctionCallError as error:',
      '    print("raised:", error)',
      'print("went on")',
    ].join('\n');
    const r = await sandbox.run(code, { functions });
    expect(r.stdout).toMatch(/^raised: wait: .*did not finish within 1000 ms.*\nwent on\n$/);
    await expect.poll(() => cancelled).toEqual(toolCallIds(server));
  });
});

describe('a server that misbehaves is a Python exception', () => {
  it('answers garbage, too much, or an error of a megabyte: each call raises, bounded, and the next one works', async () => {
    open = await inProcessServer((server) => {
      server.registerTool('garbage', {}, () => ({ content: 'not a list' }) as never);
      server.registerTool('huge', {}, () => ({ content: [{ type: 'text', text: 'x'.repeat(2_000_000) }] }));
      server.registerTool('many', {}, () => ({ content: Array.from({ length: 5000 }, () => ({ type: 'text', text: '' })) }));
      server.registerTool('shouting', {}, () => ({ isError: true, content: [{ type: 'text', text: `E${'!'.repeat(1_000_000)}` }] }));
      server.registerTool('throws', {}, () => {
        throw new Error('the database is gone');
      });
      server.registerTool('fine', { inputSchema: { n: z.number() } }, ({ n }) => ({ content: [{ type: 'text', text: `n=${n}` }] }));
    });
    const functions = await mcpFunctions(open.client);
    const code = [
      'for name in ["garbage", "huge", "many", "shouting", "throws"]:',
      '    try:',
      '        await getattr(default_api, name)()',
      '    except default_api.FunctionCallError as error:',
      '        print(name, len(str(error)) < 3000, " ".join(str(error).split())[:80])',
      'print(await default_api.fine(n=3))',
    ].join('\n');
    const r = await sandbox.run(code, { functions });
    const lines = r.stdout.trim().split('\n');
    expect(lines, r.stdout).toHaveLength(6);
    expect(lines[0]).toMatch(/^garbage True garbage: .*Invalid tools\/call result/);
    expect(lines[1]).toMatch(/^huge True huge: the server returned more than 1,048,576 characters/);
    expect(lines[2]).toMatch(/^many True many: the server's result has 5000 content blocks, over 1000/);
    expect(lines[3]).toMatch(/^shouting True shouting: E!!!!/);
    expect(lines[4]).toMatch(/^throws True throws: .*the database is gone/);
    expect(lines[5]).toBe('n=3');
  });

  it('dies mid-call (server-everything killed): the pending call raises, the host stays up, another server still answers', async () => {
    const everything = await connectReferenceServer('everything');
    open = await inProcessServer((server) => server.registerTool('ping', {}, () => ({ content: [{ type: 'text', text: 'pong' }] })));
    try {
      const functions = await mcpFunctions({ everything: everything.client, local: open.client });
      const code = [
        'try:',
        '    await default_api.everything__trigger_long_running_operation(duration=30, steps=1)',
        'except default_api.FunctionCallError as error:',
        '    print("raised:", error)',
        'print(await default_api.local__ping())',
      ].join('\n');
      const running = sandbox.run(code, { functions, timeoutMs: 20_000 });
      // The call is on its way once the server has had a moment; then the process goes.
      await new Promise((resolve) => setTimeout(resolve, 300));
      process.kill(everything.pid, 'SIGKILL');
      const r = await running;
      expect(r.stdout).toMatch(/^raised: everything__trigger_long_running_operation: .*(closed|timed out|did not finish)/i);
      expect(r.stdout).toMatch(/pong\n$/);
      const again = await sandbox.run('await default_api.everything__echo(message="hi")', { functions });
      expect(again.error?.message).toMatch(/everything__echo: /);
    } finally {
      await everything.close();
    }
  });
});

/** Watches the event loop from now: `stop()` gives the longest gap between 10 ms ticks, in ms. */
function eventLoopWatch(): { stop(): number } {
  let last = performance.now();
  let longest = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    longest = Math.max(longest, now - last);
    last = now;
  }, 10);
  return {
    stop() {
      clearInterval(timer);
      return Math.max(longest, performance.now() - last);
    },
  };
}

/** A client listing `tools` (as a server might), answering each call with the arguments it got. */
function listing(tools: unknown[]): McpToolClient & { calls: unknown[] } {
  const calls: unknown[] = [];
  return {
    calls,
    listTools: async () => ({ tools }) as never,
    callTool: async (params: unknown) => {
      calls.push(params);
      return { content: [{ type: 'text', text: 'ok' }] } as never;
    },
  };
}

describe('what a server lists is read with care', () => {
  it('makes every tool name one Python can call, and two servers never share one', async () => {
    const tools = ['get-item', 'get_item', 'class', '3d.render', 'run_python', 'a/b', 'long'.repeat(30), ''].map((name) => ({
      name,
      inputSchema: { type: 'object' },
    }));
    expect((await mcpFunctions(listing(tools))).map((fn) => fn.name)).toEqual([
      'get_item',
      'get_item_2',
      'class_',
      'tool_3d_render',
      'run_python_',
      'a_b',
      'long'.repeat(25),
    ]);
    // default_api's own names, from the list the sandbox refuses them by: renamed alone, kept behind a server's name.
    const own = DEFAULT_API_OWN_NAMES.map((name) => ({ name, inputSchema: { type: 'object' } }));
    expect((await mcpFunctions(listing(own))).map((fn) => fn.name)).toEqual(DEFAULT_API_OWN_NAMES.map((name) => `${name}_`));
    expect((await mcpFunctions({ shop: listing(own) })).map((fn) => fn.name)).toEqual(DEFAULT_API_OWN_NAMES.map((name) => `shop__${name}`));
    const two = await mcpFunctions({ shop: listing(tools.slice(0, 2)), shop_a: listing(tools.slice(0, 1)) });
    expect(two.map((fn) => fn.name)).toEqual(['shop__get_item', 'shop__get_item_2', 'shop_a__get_item']);
    for (const bad of ['my__files', 'files_', '_files', 'my-files', '']) {
      await expect(mcpFunctions({ [bad]: listing(tools) })).rejects.toThrow(/cannot name a server in Python/);
    }
  });

  it("keeps the schema's top level only: no regular expression (which the host would run), no nesting, nothing oversized", async () => {
    const evil = {
      type: 'object',
      properties: { s: { type: 'string', pattern: '^(a+)+$', maxLength: 100 }, tags: { type: 'array', items: { type: 'string' }, maxItems: 3 } },
      required: ['s'],
      additionalProperties: false,
    };
    const huge = {
      type: 'object',
      properties: Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`p${i}`, { type: 'string', description: 'x'.repeat(20) }])),
    };
    const client = listing([
      { name: 'evil', inputSchema: evil },
      { name: 'huge', inputSchema: huge },
    ]);
    const [evilFn, hugeFn] = await mcpFunctions(client);
    expect(evilFn.parameters).toEqual({
      type: 'object',
      properties: { s: { type: 'string', maxLength: 100 }, tags: { type: 'array', maxItems: 3 } },
      required: ['s'],
      additionalProperties: false,
    });
    expect(hugeFn.parameters).toEqual({ type: 'object' });
    const started = performance.now();
    const cell = [
      `print(await default_api.evil(s="${'a'.repeat(40)}!", tags=[1]))`,
      'for wrong in [dict(s=1), dict(s="a", tags=[1, 2, 3, 4]), dict(s="a", other=1)]:',
      '    try:',
      '        await default_api.evil(**wrong)',
      '    except default_api.FunctionCallError as error:',
      '        print(str(error).split("parameters: ")[1][:40])',
    ].join('\n');
    const r = await sandbox.run(cell, { functions: [evilFn] });
    expect(performance.now() - started).toBeLessThan(5_000);
    // The item's type inside `tags` is the server's to check; the top-level bounds are the host's.
    expect(r.stdout.split('\n').slice(0, 4)).toEqual([
      'ok',
      'arguments.s: Instance type "number" is i',
      'arguments.tags: Array has too many items',
      'arguments: Property "other" does not mat',
    ]);
  });

  it('checks a call in one look at each argument whatever the schema: chains that branch 2^30 ways, and a 60 KB schema against a 1 MB argument', async () => {
    const tools = [PLAIN_TOOL, ...BRANCHING_TOOLS];
    const client = listing(tools);
    const functions = await mcpFunctions(client);
    // The control: the same kind of call on a plain schema, in this run, on this machine.
    let started = performance.now();
    expect((await sandbox.run(cellCalling([PLAIN_TOOL]), { functions })).stdout).toBe('lookup_plain ok\n');
    const controlMs = performance.now() - started;
    for (const tool of BRANCHING_TOOLS) {
      const watch = eventLoopWatch();
      started = performance.now();
      const r = await sandbox.run(cellCalling([tool]), { functions, timeoutMs: 15_000 });
      const tookMs = performance.now() - started;
      const pauseMs = watch.stop();
      expect(r.stdout, tool.name).toBe(`${tool.name} ok\n`);
      // Before: the first chain never answered (2^30 checks on the host's thread) and the deadline never fired.
      expect(tookMs, `${tool.name}: ${Math.round(tookMs)} ms against the plain call's ${Math.round(controlMs)} ms`).toBeLessThan(10 * controlMs + 2_000);
      expect(pauseMs, `${tool.name}: the host's longest pause`).toBeLessThan(1_000);
    }
    expect(client.calls).toHaveLength(tools.length);
  });

  it('offers only the tools `include` lets through, and asks `confirm` before a call reaches the server', async () => {
    const client = listing([
      { name: 'read', inputSchema: { type: 'object' }, annotations: { readOnlyHint: true } },
      { name: 'delete', inputSchema: { type: 'object' } },
    ]);
    const asked: unknown[] = [];
    const functions = await mcpFunctions(client, {
      include: (tool) => tool.annotations?.readOnlyHint === true || tool.name === 'delete',
      confirm: (call) => {
        asked.push(call);
        return call.name === 'read';
      },
    });
    expect(functions.map((fn) => fn.name)).toEqual(['read', 'delete']);
    const r = await sandbox.run('print(await default_api.read(x=1))\nawait default_api.delete(id=7)', { functions });
    expect(r.stdout).toBe('ok\n');
    expect(r.error?.message).toMatch(/delete: .*declined/);
    expect(asked).toEqual([
      { name: 'read', args: { x: 1 } },
      { name: 'delete', args: { id: 7 } },
    ]);
    expect(client.calls).toEqual([{ name: 'read', arguments: { x: 1 } }]);
  });
});
