/**
 * What a session's runs get besides its sandbox, as the built server gives it: code mode's
 * functions come from the session object, not the process, so two sessions of one server may call
 * different ones (a downstream connection per session needs nothing more), and each session's
 * server lists the functions its runs get.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { afterAll, describe, expect, test } from 'vitest';
import { PythonSandbox, type SandboxFunction } from '../../dist/index.node.js';
import { SessionSandbox, createSessionServer } from '../../dist/mcp.js';
import { BOOT_TIMEOUT_MS } from '../support/fixtures.js';
import { type ToolResult, textOf } from '../support/mcp.js';

const BOUNDS = { timeoutMs: 30_000, maxCodeChars: 10_000, maxFileBytes: 1024 * 1024, place: 'server' as const, network: true };

/** A session whose runs get `functions`, its server and a client connected to it. */
async function sessionWith(functions: SandboxFunction[]) {
  const session = new SessionSandbox(() => PythonSandbox.create({ isolation: 'worker', warmSpare: false }), 4, { functions });
  const server = createSessionServer(session, BOUNDS);
  const [clientEnd, serverEnd] = InMemoryTransport.createLinkedPair();
  await server.connect(serverEnd);
  const client = new Client({ name: 'test', version: '1.0.0' });
  await client.connect(clientEnd);
  const run = async (code: string) => textOf((await client.callTool({ name: 'run_python', arguments: { code } })) as ToolResult);
  return { client, run, close: async () => (await client.close(), await session.close()) };
}

const greeting = (who: string): SandboxFunction => ({
  name: `${who}__greet`,
  description: `Greets from ${who}.`,
  parameters: { type: 'object', properties: {} },
  handler: () => `hello from ${who}`,
});

describe("a session's functions", () => {
  const sessions: { close(): Promise<void> }[] = [];
  afterAll(async () => {
    await Promise.all(sessions.map((session) => session.close()));
  });

  test(
    "are what its runs call and its server lists, another session's not",
    async () => {
      const alpha = await sessionWith([greeting('alpha')]);
      const beta = await sessionWith([greeting('beta')]);
      sessions.push(alpha, beta);
      const description = async (session: typeof alpha) => (await session.client.listTools()).tools[0].description ?? '';
      expect(await description(alpha)).toContain('default_api.alpha__greet()');
      expect(await description(alpha)).not.toContain('beta__greet');
      expect(await description(beta)).toContain('default_api.beta__greet()');
      expect(await alpha.run('await default_api.alpha__greet()')).toBe("'hello from alpha'");
      expect(await beta.run('await default_api.beta__greet()')).toBe("'hello from beta'");
      expect(await beta.run('await default_api.alpha__greet()')).toContain("AttributeError: default_api has no function 'alpha__greet'");
    },
    2 * BOOT_TIMEOUT_MS,
  );
});

describe("a session's release", () => {
  /** A session whose interpreters are stand-ins, and what happened to them in order. */
  function recordedSession() {
    const events: string[] = [];
    let made = 0;
    const create = async () => {
      const number = ++made;
      return { dispose: async () => void events.push(`interpreter ${number} disposed`) } as unknown as PythonSandbox;
    };
    const session = new SessionSandbox(create, 4, { functions: [], release: async () => void events.push('released') });
    return { session, events, boot: () => session.use(async () => undefined) };
  }

  test('is called once its interpreter is disposed: a reset, given back while idle, the end of the session', async () => {
    const { session, events, boot } = recordedSession();
    await boot();
    await session.reset();
    await boot();
    await session.dropInterpreter('given back');
    await boot();
    await session.close();
    expect(events).toEqual(['interpreter 1 disposed', 'released', 'interpreter 2 disposed', 'released', 'interpreter 3 disposed', 'released']);
  });

  test('is not called for a session that never had an interpreter', async () => {
    const { session, events } = recordedSession();
    await session.reset();
    await session.close();
    expect(events).toEqual([]);
  });
});
