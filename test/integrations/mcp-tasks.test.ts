/**
 * Long runs as tasks (the MCP Tasks extension, `io.modelcontextprotocol/tasks`) for 2026-07-28
 * clients that declare it: a `run_python` still running after the server's `--task-after-ms` is
 * answered with a task, which the client polls (`tasks/get`: the output so far, then the result)
 * or cancels (`tasks/cancel`: the run is interrupted and the interpreter keeps its state). Each
 * request here is given up after the client's per-request timeout (2 s), and the runs take four
 * times as long. The SDK's v2 client refuses a task result, so the extension is spoken as raw
 * JSON-RPC: fetch over HTTP, lines over stdio. Python runs in worker threads (`--isolation
 * worker`): tasks do not depend on the boundary.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { BOOT_TIMEOUT_MS } from '../support/fixtures.js';
import { type HttpServerProcess, type RawStdio, rawStdio, startHttpServer } from '../support/mcp.js';
import {
  type RpcAnswer,
  TASKS_CAPABILITIES,
  type TaskClient,
  httpTaskClient,
  modernLine,
  modernRequest,
  runThroughTask,
  untilTaskEnds,
} from '../support/mcp-modern.js';

/** The client's per-request timeout. */
const CLIENT_TIMEOUT_MS = 2_000;
const FLAGS = ['--isolation', 'worker', '--task-after-ms', '500'];
/** Runs 8 s (four times the client's timeout), printing as it goes, then answers x + 1. */
const EIGHT_SECONDS = 'import time\nfor i in range(8):\n    print(f"tick {i}", flush=True)\n    time.sleep(1)\nx + 1';
const TASK_ID = /^[a-z0-9-]+\.[A-Za-z0-9_-]{22}$/;

/** The 8 s run through a task: answered at once with the task, polled until it completes with the run's result. */
async function longRunThroughTask(client: TaskClient, handle: string): Promise<void> {
  const started = performance.now();
  const created = (await client('tools/call', { name: 'run_python', arguments: { code: EIGHT_SECONDS, handle } })).result ?? {};
  expect(created).toMatchObject({ resultType: 'task', status: 'working', ttlMs: null, pollIntervalMs: 1000 });
  expect(String(created.taskId)).toMatch(TASK_ID);
  expect(created).not.toHaveProperty('result');
  const messages: string[] = [];
  const done = await untilTaskEnds(client, String(created.taskId), (task) => {
    if (task.status === 'working') messages.push(String(task.statusMessage));
  });
  expect(performance.now() - started).toBeGreaterThanOrEqual(4 * CLIENT_TIMEOUT_MS);
  expect(done.status).toBe('completed');
  // The call's result, but its handle: whoever holds the task id reads it (mcp-tasks-handle.test.ts).
  expect(done.result).toMatchObject({ structuredContent: { result: '42', stateLost: false } });
  expect(JSON.stringify(done)).not.toContain(handle);
  // Polls while it ran said how long and what it had printed so far.
  const midway = messages.find((message) => message.includes('tick 2') && !message.includes('tick 7'));
  expect(midway, messages.join('\n---\n')).toMatch(/^Running for \d+\.\d s\. Output so far:\ntick 0\ntick 1\ntick 2\n/);
}

describe('over HTTP', () => {
  let server: HttpServerProcess;
  let client: TaskClient;
  let handle: string;
  beforeAll(async () => {
    server = await startHttpServer(FLAGS);
    client = httpTaskClient(server.url, CLIENT_TIMEOUT_MS);
    // The first call starts an interpreter: answered in place, as only its result gives the handle,
    // so it waits for the boot, which the per-request timeout does not bound here.
    const first = await httpTaskClient(server.url, BOOT_TIMEOUT_MS)('tools/call', { name: 'run_python', arguments: { code: 'x = 41' } });
    expect(first.result?.resultType).toBe('complete');
    handle = String((first.result?.structuredContent as { handle?: string } | undefined)?.handle);
  }, BOOT_TIMEOUT_MS);
  afterAll(async () => {
    await server?.stop();
  });

  test('server/discover offers the extension', async () => {
    const { message } = await modernRequest(server.url, 'server/discover', {});
    expect(message.result?.capabilities).toMatchObject({ extensions: { 'io.modelcontextprotocol/tasks': {} } });
  });

  test('a run four times longer than the client’s per-request timeout completes through a task, its polls saying the output so far', async () => {
    await longRunThroughTask(client, handle);
  }, 60_000);

  test('a cancelled task stops its run mid-way, and the interpreter keeps its variables (stateLost: false)', async () => {
    const created =
      (await client('tools/call', { name: 'run_python', arguments: { code: 'import time\nprint("started", flush=True)\ntime.sleep(60)', handle } })).result ??
      {};
    const taskId = String(created.taskId);
    expect(created.resultType).toBe('task');
    // Mid-run: it has printed, and is sleeping.
    for (let task = created; !String(task.statusMessage).includes('started'); ) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      task = (await client('tasks/get', { taskId })).result ?? {};
      expect(task.status).toBe('working');
    }
    const stopped = performance.now();
    expect((await client('tasks/cancel', { taskId })).result).toEqual({ resultType: 'complete', _meta: expect.any(Object) });
    const ended = await untilTaskEnds(client, taskId);
    expect(performance.now() - stopped).toBeLessThan(10_000);
    expect(ended).toMatchObject({ status: 'cancelled' });
    expect(ended).not.toHaveProperty('result');
    expect(String(ended.statusMessage)).toMatch(/the run was stopped \(KeyboardInterrupt\), and its interpreter keeps its variables/);
    expect(String(ended.statusMessage)).toContain('started\nTraceback');
    // Cancelling an ended task is the same acknowledgement.
    expect((await client('tasks/cancel', { taskId })).result?.resultType).toBe('complete');

    const after = await runThroughTask(client, { code: 'x', handle });
    expect(after.structuredContent).toMatchObject({ result: '41', stateLost: false, handle });
  }, 60_000);

  test('a client that does not declare the extension gets the result in place, and no task method', async () => {
    const { message } = await modernRequest(server.url, 'tools/call', { name: 'run_python', arguments: { code: 'import time\ntime.sleep(1.5)\nx', handle } });
    expect(message.result).toMatchObject({ resultType: 'complete', structuredContent: { result: '41' } });
    expect(message.result).not.toHaveProperty('taskId');
    const created = (await client('tools/call', { name: 'run_python', arguments: { code: 'import time\ntime.sleep(1)', handle } })).result ?? {};
    const refused = await modernRequest(server.url, 'tasks/get', { taskId: created.taskId }, { 'Mcp-Name': String(created.taskId) });
    expect(refused.message.error).toMatchObject({ code: -32021 });
  }, 30_000);

  test('an unknown, forged or malformed task id is an error saying so, never another task', async () => {
    const created = (await client('tools/call', { name: 'run_python', arguments: { code: 'import time\ntime.sleep(1)', handle } })).result ?? {};
    const [instance, secret] = String(created.taskId).split('.');
    const forged = `${instance}.${secret.slice(0, -1)}${secret.endsWith('A') ? 'B' : 'A'}`;
    for (const taskId of [forged, `elsewhere.${secret}`, 'not a task', '']) {
      const answer: RpcAnswer = await client('tasks/get', { taskId });
      expect(answer.error?.code, taskId).toBe(-32602);
      // Unknown or expired, said first, whatever the id: never that a task finished.
      expect(answer.error?.message).toMatch(/^Unknown or expired task id \(task not found\): /);
      expect(answer.error?.message).not.toMatch(/finished|completed/);
    }
    expect((await client('tasks/get', { taskId: `elsewhere.${secret}` })).error?.message).toContain('another server instance ("elsewhere")');
    // The extension has no tasks/result (tasks/get gives the result) and no tasks/list (a task id is its only key).
    for (const method of ['tasks/result', 'tasks/list']) expect((await client(method, { taskId: created.taskId })).error?.code, method).toBe(-32601);
  }, 30_000);
});

describe('over stdio', () => {
  let stdio: RawStdio;
  beforeAll(async () => {
    stdio = rawStdio(FLAGS);
    // As a client opens: the process's start is not a request the timeout bounds.
    stdio.send(modernLine(0, 'server/discover'));
    await stdio.answer(0);
  }, BOOT_TIMEOUT_MS);
  afterAll(async () => {
    await stdio?.stop();
  });

  test('a run four times longer than the client’s per-request timeout completes through a task (lines in, lines out)', async () => {
    // The call that starts the interpreter is answered in place (its result alone gives the handle): it waits for the boot.
    stdio.send(modernLine(1, 'tools/call', { name: 'run_python', arguments: { code: 'x = 41' } }, TASKS_CAPABILITIES));
    const first = (await stdio.answer(1)) as RpcAnswer;
    expect(first.result?.resultType).toBe('complete');
    let id = 1;
    const client: TaskClient = async (method, params) => {
      const mine = ++id;
      stdio.send(modernLine(mine, method, params, TASKS_CAPABILITIES));
      let timer: ReturnType<typeof setTimeout> | undefined;
      const late = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${method} took over the client's ${CLIENT_TIMEOUT_MS} ms`)), CLIENT_TIMEOUT_MS);
      });
      try {
        return (await Promise.race([stdio.answer(mine), late])) as RpcAnswer;
      } finally {
        clearTimeout(timer);
      }
    };
    await longRunThroughTask(client, String((first.result?.structuredContent as { handle?: string } | undefined)?.handle));
  }, 90_000);
});
