/**
 * Rewind and fork through the MCP server: each `run_python` result names the checkpoint holding
 * the state right after it, `rewind_python` goes back to one (a 2025 session or a 2026-07-28
 * handle), and `fork_python` copies one into a new handle (2026-07-28 only; a 2025 session is told
 * why not). A name reaches only its own interpreter's checkpoints, and bad names change nothing.
 * Over stdio and HTTP, with the SDK's 1.x client (2025) and its v2 client pinned to 2026-07-28.
 * A fork's handle is taken up by another instance on a shared state folder, as any handle is,
 * directly and behind the shipped HAProxy configuration.
 * Python runs in worker threads (`--isolation worker`): the tools do not depend on the boundary.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { haproxyPresent, startBalancer } from '../support/balancer.js';
import { BOOT_TIMEOUT_MS } from '../support/fixtures.js';
import { type Connection, type HttpServerProcess, type ToolResult, connectHttp, connectStdio, startHttpServer, textOf } from '../support/mcp.js';
import { type ModernConnection, connectModernHttp, connectModernStdio } from '../support/mcp-modern.js';

const FLAGS = ['--isolation', 'worker'];
const NAME = /^r\d+\.[A-Za-z0-9_-]{8}$/;

function field(result: ToolResult, key: string): string {
  const value = result.structuredContent?.[key];
  if (typeof value !== 'string') throw new Error(`no ${key} in ${JSON.stringify(result.structuredContent ?? result.content)}`);
  return value;
}

/** x = 1 and a.txt, then x = 2 and b.txt; rewound at once to the first: x is 1, b.txt is gone, and the next result says so. */
async function rewindsRightAfterTheCall(call: Connection['call']): Promise<{ first: string; second: string; at: Record<string, string> }> {
  const one = await call('run_python', { code: 'x = 1\nopen("a.txt", "w").write("a")' });
  const first = field(one, 'checkpoint');
  expect(first).toMatch(NAME);
  // A 2026-07-28 client's first call started an interpreter: later calls name its handle.
  const owner = one.structuredContent?.handle;
  const at: Record<string, string> = typeof owner === 'string' ? { handle: owner } : {};
  const second = field(await call('run_python', { code: 'x = 2\nopen("b.txt", "w").write("b")', ...at }), 'checkpoint');
  expect(second.split('.')[1]).toBe(first.split('.')[1]);

  const rewound = await call('rewind_python', { checkpoint: first, ...at });
  expect(rewound.isError, textOf(rewound)).toBeFalsy();
  expect(textOf(rewound)).toContain(`rewound to checkpoint ${first}`);
  const after = await call('run_python', { code: 'import os\nx, sorted(os.listdir())', ...at });
  expect(textOf(after)).toBe("(1, ['a.txt'])");
  expect(after.structuredContent?.restoredFrom).toMatchObject({ source: 'checkpoint' });
  return { first, second, at };
}

/** Names that are not this interpreter's kept checkpoints are tool errors, and the state is as it was. */
async function refusesBadNames(call: Connection['call'], at: Record<string, string>, dropped: string, expected: string): Promise<void> {
  const refusals: [unknown, RegExp][] = [
    ['c1', /is not a checkpoint name/],
    [dropped, /No checkpoint of this interpreter holds the state after run 2: it keeps r1\./],
    [`${dropped.split('.')[0]}.AAAAAAAA`, /is not one of this Python interpreter's/],
    [5, /must be a string/],
  ];
  for (const [checkpoint, message] of refusals) {
    const refused = await call('rewind_python', { checkpoint, ...at });
    expect(refused.isError).toBe(true);
    expect(textOf(refused)).toMatch(message);
  }
  expect(textOf(await call('run_python', { code: 'import os\nx, sorted(os.listdir())', ...at }))).toBe(expected);
}

/** What a 2025 session does: rewind, refuse bad names, and be told that forking needs a 2026-07-28 client. */
async function sessionTimeline(client: Connection): Promise<void> {
  const names = (await client.client.listTools()).tools.map((tool) => tool.name);
  expect(names).toEqual(['run_python', 'write_file', 'read_file', 'reset', 'rewind_python']);
  const { second } = await rewindsRightAfterTheCall(client.call);
  // A file written after the rewind is saved naming run 2 (the last run before it), yet it is not run 2's state.
  await client.call('write_file', { path: 'c.txt', content: 'c' });
  await refusesBadNames(client.call, {}, second, "(1, ['a.txt', 'c.txt'])");
  const fork = await client.call('fork_python', {});
  expect(fork.isError).toBe(true);
  expect(textOf(fork)).toMatch(/fork_python needs a 2026-07-28 client/);
}

/** What a 2026-07-28 client does: rewind and fork by handle; a fork and its parent each keep their own changes; a handle cannot name another's checkpoint. */
async function handleTimeline(client: ModernConnection): Promise<void> {
  const names = (await client.client.listTools()).tools.map((tool) => tool.name);
  expect(names).toEqual(['run_python', 'write_file', 'read_file', 'reset', 'rewind_python', 'fork_python']);
  const { first, second, at } = await rewindsRightAfterTheCall(client.call);
  const { handle } = at;
  await client.call('write_file', { path: 'c.txt', content: 'c', handle });
  await refusesBadNames(client.call, at, second, "(1, ['a.txt', 'c.txt'])");

  const forked = await client.call('fork_python', { handle });
  expect(forked.isError, textOf(forked)).toBeFalsy();
  const forkHandle = field(forked, 'forkHandle');
  expect(forkHandle).not.toBe(handle);
  expect(forked.structuredContent).toMatchObject({ handle, checkpoint: expect.stringMatching(/^r0\./) });
  const forkFirst = await client.call('run_python', { code: 'x = "fork"\nopen("fork.txt", "w").write("f")', handle: forkHandle });
  expect(forkFirst.structuredContent?.restoredFrom).toMatchObject({ source: 'fork' });
  await client.call('run_python', { code: 'x = "parent"', handle });
  const seen = 'import os\nx, sorted(os.listdir())';
  expect(textOf(await client.call('run_python', { code: seen, handle }))).toBe("('parent', ['a.txt', 'c.txt'])");
  expect(textOf(await client.call('run_python', { code: seen, handle: forkHandle }))).toBe("('fork', ['a.txt', 'c.txt', 'fork.txt'])");

  // The parent's first checkpoint, named to the fork, reaches nothing there; the fork is unchanged.
  const across = await client.call('rewind_python', { checkpoint: first, handle: forkHandle });
  expect(across.isError).toBe(true);
  expect(textOf(across)).toMatch(/is not one of this Python interpreter's/);
  expect(textOf(await client.call('run_python', { code: 'x', handle: forkHandle }))).toBe("'fork'");

  // A fork of a checkpoint: the parent's first state.
  const fromFirst = field(await client.call('fork_python', { handle, checkpoint: first }), 'forkHandle');
  expect(textOf(await client.call('run_python', { code: seen, handle: fromFirst }))).toBe("(1, ['a.txt'])");

  for (const tool of ['rewind_python', 'fork_python']) {
    const unnamed = await client.call(tool, { checkpoint: first });
    expect(unnamed.isError).toBe(true);
    expect(textOf(unnamed)).toMatch(/needs the "handle"/);
  }
}

describe('over HTTP', () => {
  let server: HttpServerProcess;
  beforeAll(async () => {
    server = await startHttpServer(FLAGS);
  }, BOOT_TIMEOUT_MS);
  afterAll(() => server?.stop());

  test('a 2025 session rewinds to the checkpoint its result named, and is told a fork needs a 2026-07-28 client', async () => {
    const client = await connectHttp(server.url);
    try {
      await sessionTimeline(client);
    } finally {
      await client.close();
    }
  }, 120_000);

  test('a 2026-07-28 client rewinds and forks by handle', async () => {
    const client = await connectModernHttp(server.url);
    try {
      await handleTimeline(client);
    } finally {
      await client.close();
    }
  }, 180_000);
});

describe('over stdio', () => {
  test('a 2025 session rewinds', async () => {
    const client = await connectStdio(FLAGS);
    try {
      await sessionTimeline(client);
    } finally {
      await client.close();
    }
  }, 120_000);

  test('a 2026-07-28 client rewinds and forks by handle', async () => {
    const client = await connectModernStdio(FLAGS);
    try {
      await handleTimeline(client);
    } finally {
      await client.close();
    }
  }, 180_000);
});

test('--checkpoints 0 turns them off: no checkpoint is named and neither tool is listed', async () => {
  const client = await connectStdio([...FLAGS, '--checkpoints', '0']);
  try {
    expect((await client.client.listTools()).tools.map((tool) => tool.name)).toEqual(['run_python', 'write_file', 'read_file', 'reset']);
    expect((await client.call('run_python', { code: '1' })).structuredContent?.checkpoint).toBeUndefined();
  } finally {
    await client.close();
  }
}, 60_000);

test("a fork's handle is taken up by another instance sharing the state folder once its own has stopped", async () => {
  const folder = mkdtempSync(join(tmpdir(), 'mcp-timeline-state-'));
  const shared = [...FLAGS, '--state-dir', folder];
  let second: HttpServerProcess | undefined;
  try {
    const first = await startHttpServer([...shared, '--instance', 'one']);
    const client = await connectModernHttp(first.url);
    const handle = field(await client.call('run_python', { code: 'x = "parent"' }), 'handle');
    const forkHandle = field(await client.call('fork_python', { handle }), 'forkHandle');
    expect(forkHandle).toMatch(/^one\./);
    await client.call('run_python', { code: 'x = "fork"', handle: forkHandle });
    await client.close();
    // Stopping saves each live interpreter into the folder.
    await first.stop();
    second = await startHttpServer([...shared, '--instance', 'two']);
    const elsewhere = await connectModernHttp(second.url);
    expect(textOf(await elsewhere.call('run_python', { code: 'x', handle: forkHandle }))).toBe("'fork'");
    expect(textOf(await elsewhere.call('run_python', { code: 'x', handle }))).toBe("'parent'");
    await elsewhere.close();
  } finally {
    await second?.stop();
    rmSync(folder, { recursive: true, force: true });
  }
}, 120_000);

test.skipIf(!haproxyPresent)(
  "behind the shipped HAProxy configuration: a fork's handle reaches its instance, and once that one has stopped, another takes it up from the shared folder",
  async () => {
    const folder = mkdtempSync(join(tmpdir(), 'mcp-timeline-balancer-'));
    const servers = await Promise.all(['py1', 'py2', 'py3'].map((name) => startHttpServer([...FLAGS, '--state-dir', folder, '--instance', name])));
    const balancer = await startBalancer(servers.map((server) => new URL(server.url).host) as [string, string, string]);
    const clients: ModernConnection[] = [];
    try {
      const client = await connectModernHttp(balancer.url);
      clients.push(client);
      // Clients list the tools before calling them; the SDK's sends Mcp-Param-Handle only for a listed tool.
      await client.client.listTools();
      const handle = field(await client.call('run_python', { code: 'x = "parent"' }), 'handle');
      const forkHandle = field(await client.call('fork_python', { handle }), 'forkHandle');
      const instance = handle.split('.')[0];
      expect(forkHandle.split('.')[0]).toBe(instance);
      await client.call('run_python', { code: 'x = "fork"', handle: forkHandle });
      expect(textOf(await client.call('run_python', { code: 'x', handle }))).toBe("'parent'");
      // Stopping saves each live interpreter into the folder; the balancer sends their handles elsewhere.
      await servers[Number(instance.slice(2)) - 1].stop();
      for (let waited = 0; !new RegExp(`python/${instance} is DOWN`).test(balancer.output()) && waited < 20_000; waited += 200)
        await new Promise((resolve) => setTimeout(resolve, 200));
      expect(balancer.output()).toMatch(new RegExp(`python/${instance} is DOWN`));
      const later = await connectModernHttp(balancer.url);
      clients.push(later);
      await later.client.listTools();
      expect(textOf(await later.call('run_python', { code: 'x', handle: forkHandle }))).toBe("'fork'");
      expect(textOf(await later.call('run_python', { code: 'x', handle }))).toBe("'parent'");
    } finally {
      await Promise.all(clients.map((client) => client.close().catch(() => {})));
      await balancer.stop();
      await Promise.all(servers.map((server) => server.stop()));
      rmSync(folder, { recursive: true, force: true });
    }
  },
  180_000,
);
