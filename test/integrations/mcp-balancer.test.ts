/**
 * Many servers, one address: three HTTP servers (`--instance py1..py3`) behind the shipped HAProxy
 * configuration (examples/mcp-balancer/haproxy.cfg), as Debian's haproxy runs it. 30 clients of
 * the 2026-07-28 protocol each start an interpreter through the balancer (spread about evenly) and
 * keep its state over 10 calls, every call checking that the interpreter is its own; a 2025 client
 * keeps its session; long runs become tasks whose polls and cancels reach the run's server. Killing one server leaves the other servers' handles working and gives the
 * dead one's a clear state-lost result from a live server.
 *
 * Each server runs Python in worker threads (`--isolation worker`, ~100 MB an interpreter: 30
 * Deno interpreters would need ~10 GB) and holds at most 16 (`--max-sessions 16`, above the ~11
 * each gets here, so none is evicted).
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type Balancer, haproxyPresent, startBalancer } from '../support/balancer.js';
import { BOOT_TIMEOUT_MS } from '../support/fixtures.js';
import { type HttpConnection, type HttpServerProcess, type ToolResult, connectHttp, startHttpServer, textOf } from '../support/mcp.js';
import { type ModernConnection, connectModernHttp, httpTaskClient, untilTaskEnds } from '../support/mcp-modern.js';

const INSTANCES = ['py1', 'py2', 'py3'] as const;
const CLIENTS = 30;
const CALLS = 10;

/** A client of the balancer with its interpreter: its handle and the secret only its interpreter holds. */
interface Tenant {
  connection: ModernConnection;
  secret: string;
  handle: string;
  /** Calls answered so far: the interpreter's `count`. */
  calls: number;
}

/** One more call of `tenant`: its interpreter must hold its secret, and count on. */
async function nextCall(tenant: Tenant): Promise<ToolResult> {
  return tenant.connection.call('run_python', {
    code: `assert secret == ${JSON.stringify(tenant.secret)}, "another client's interpreter"\ncount += 1\ncount`,
    handle: tenant.handle,
  });
}

describe.skipIf(!haproxyPresent)('three servers behind the shipped HAProxy configuration', () => {
  let servers: HttpServerProcess[] = [];
  let balancer: Balancer;
  const tenants: Tenant[] = [];
  const taskIds: string[] = [];
  let legacy: HttpConnection;

  beforeAll(async () => {
    servers = await Promise.all(
      INSTANCES.map((name) => startHttpServer(['--instance', name, '--isolation', 'worker', '--max-sessions', '16', '--task-after-ms', '500'])),
    );
    balancer = await startBalancer(servers.map((server) => new URL(server.url).host) as [string, string, string]);
  }, BOOT_TIMEOUT_MS);
  afterAll(async () => {
    await Promise.all([...tenants.map((tenant) => tenant.connection.close().catch(() => {})), legacy?.close().catch(() => {})]);
    await balancer?.stop();
    await Promise.all(servers.map((server) => server.stop()));
  });

  test(`${CLIENTS} clients each start an interpreter through it, spread about evenly, and keep its state over ${CALLS} calls, each reaching its own`, async () => {
    await Promise.all(
      Array.from({ length: CLIENTS }, async () => {
        const connection = await connectModernHttp(balancer.url);
        // Clients list the tools before calling them; the SDK's sends Mcp-Param-Handle only for a listed tool.
        await connection.client.listTools();
        const secret = randomUUID();
        const first = await connection.call('run_python', { code: `secret = ${JSON.stringify(secret)}\ncount = 1\ncount` });
        expect(textOf(first)).toContain('1');
        const tenant: Tenant = { connection, secret, handle: String(first.structuredContent?.handle), calls: 1 };
        tenants.push(tenant);
        for (; tenant.calls < CALLS; tenant.calls++) expect(textOf(await nextCall(tenant))).toBe(String(tenant.calls + 1));
      }),
    );
    const per = INSTANCES.map((name) => tenants.filter((tenant) => tenant.handle.startsWith(`${name}.`)).length);
    expect(per.reduce((sum, count) => sum + count, 0)).toBe(CLIENTS);
    for (const count of per) expect(count, `handles per server: ${per.join(', ')}`).toBeGreaterThanOrEqual(7);
  }, 240_000);

  test('a 2025 client keeps its session through it (routed by Mcp-Session-Id)', async () => {
    legacy = await connectHttp(balancer.url);
    expect(legacy.sessionId).toMatch(/^py[123]\./);
    await legacy.call('run_python', { code: 'kept = 20' });
    for (let i = 0; i < 5; i++) await legacy.call('run_python', { code: 'kept += 1' });
    expect(textOf(await legacy.call('run_python', { code: 'kept' }))).toBe('25');
  }, 60_000);

  test("a long run through it becomes a task on the handle's server, whose polls and cancel (routed by Mcp-Name) reach that server", async () => {
    const client = httpTaskClient(balancer.url, 2_000);
    const runs = INSTANCES.map((name) => tenants.find((tenant) => tenant.handle.startsWith(`${name}.`)) as Tenant);
    // A task on each server, polled through the balancer until it completes with its own interpreter's count.
    await Promise.all(
      runs.map(async (tenant) => {
        const created =
          (await client('tools/call', { name: 'run_python', arguments: { code: 'import time\ntime.sleep(3)\ncount', handle: tenant.handle } })).result ?? {};
        expect(created.resultType).toBe('task');
        expect(String(created.taskId).split('.')[0]).toBe(tenant.handle.split('.')[0]);
        taskIds.push(String(created.taskId));
        const done = await untilTaskEnds(client, String(created.taskId));
        expect(done.result).toMatchObject({ structuredContent: { result: String(tenant.calls) } });
        expect(JSON.stringify(done)).not.toContain(tenant.handle);
      }),
    );
    // A cancel reaches the run's server: it stops there, and the interpreter counts on.
    const tenant = runs[2];
    const created =
      (await client('tools/call', { name: 'run_python', arguments: { code: 'import time\ntime.sleep(60)', handle: tenant.handle } })).result ?? {};
    taskIds.push(String(created.taskId));
    expect((await client('tasks/cancel', { taskId: created.taskId })).result?.resultType).toBe('complete');
    expect((await untilTaskEnds(client, String(created.taskId))).status).toBe('cancelled');
    expect(textOf(await nextCall(tenant))).toBe(String(++tenant.calls));
  }, 60_000);

  test("killing one server: the others' handles keep working, and the dead one's get a clear state-lost result from a live server", async () => {
    const dead = 'py2';
    process.kill(servers[1].pid, 'SIGKILL');
    for (let waited = 0; !/python\/py2 is DOWN/.test(balancer.output()) && waited < 20_000; waited += 200) {
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(balancer.output()).toMatch(/python\/py2 is DOWN/);
    const results = await Promise.all(tenants.map(async (tenant) => ({ tenant, result: await nextCall(tenant) })));
    for (const { tenant, result } of results) {
      if (tenant.handle.startsWith(`${dead}.`)) {
        expect(result.isError).toBe(true);
        expect(textOf(result)).toMatch(/held by another server instance \("py2"\), which has stopped[\s\S]*without a handle to start a new interpreter/);
      } else {
        expect(textOf(result)).toBe(String(tenant.calls + 1));
      }
    }
    expect(results.filter(({ result }) => result.isError).length).toBe(tenants.filter((tenant) => tenant.handle.startsWith(`${dead}.`)).length);
    // A handle of the dead server starts again: a new interpreter on a live one.
    const lost = tenants.find((tenant) => tenant.handle.startsWith(`${dead}.`));
    if (lost) {
      const again = await lost.connection.call('run_python', { code: '6 * 7' });
      expect(textOf(again)).toContain('42');
      expect(String(again.structuredContent?.handle)).toMatch(/^py[13]\./);
    }
    // The balancer wrote no handle and no session id anywhere (only its servers' ups and downs).
    for (const tenant of tenants) expect(balancer.output()).not.toContain(tenant.handle.split('.')[1]);
    for (const taskId of taskIds) expect(balancer.output()).not.toContain(taskId.split('.')[1]);
    expect(balancer.output()).not.toContain(legacy.sessionId.split('.')[1]);
  }, 120_000);
});
