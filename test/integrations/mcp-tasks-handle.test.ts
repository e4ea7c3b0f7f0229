/**
 * A task id is read by whoever holds it (the Tasks extension has clients send it in the `Mcp-Name`
 * header, which proxies log), and over HTTP without sessions there is no client to bind it to: so
 * nothing a task answers names the handle of the interpreter it runs in, and a task id is no
 * handle. A call that starts an interpreter, whose handle only its result gives, is answered in
 * place. Python runs in worker threads (`--isolation worker`).
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { BOOT_TIMEOUT_MS } from '../support/fixtures.js';
import { type HttpServerProcess, startHttpServer } from '../support/mcp.js';
import { type RpcAnswer, type TaskClient, httpTaskClient, runThroughTask, untilTaskEnds } from '../support/mcp-modern.js';

const FLAGS = ['--isolation', 'worker', '--task-after-ms', '500'];
const HANDLE = /^[a-z0-9-]+\.[A-Za-z0-9_-]{22}$/;

/** A run_python call through `client`, answered at once (no task): its result. */
async function inPlace(client: TaskClient, args: Record<string, unknown>): Promise<Record<string, unknown>> {
  const answer = await client('tools/call', { name: 'run_python', arguments: args });
  expect(answer.result?.resultType, JSON.stringify(answer)).toBe('complete');
  return answer.result ?? {};
}

describe('a task names no handle', () => {
  let server: HttpServerProcess;
  let owner: TaskClient;
  let other: TaskClient;
  let handle: string;
  beforeAll(async () => {
    server = await startHttpServer(FLAGS);
    owner = httpTaskClient(server.url, 10_000);
    other = httpTaskClient(server.url, 10_000);
    handle = String(((await runThroughTask(owner, { code: 'x = 41' })).structuredContent as { handle: string }).handle);
  }, BOOT_TIMEOUT_MS);
  afterAll(async () => {
    await server?.stop();
  });

  test(
    'a call that starts an interpreter is answered in place, past the task threshold: its result alone gives the new handle',
    async () => {
      const first = await inPlace(other, { code: 'import time\ntime.sleep(1.5)\ny = 1' });
      const minted = String((first.structuredContent as { handle?: unknown }).handle);
      expect(minted).toMatch(HANDLE);
      expect(minted).not.toBe(handle);
      expect(JSON.stringify(first.content)).toContain(minted);
    },
    BOOT_TIMEOUT_MS,
  );

  test('no answer about a task, to its own client or another, names the handle; the task id reaches no interpreter', async () => {
    const secret = handle.split('.')[1];
    const seen: RpcAnswer[] = [];
    const read = async (client: TaskClient, taskId: string) => {
      const answer = await client('tasks/get', { taskId });
      seen.push(answer);
      return answer.result ?? {};
    };

    // A run that completes: its own client polls it, and so does another client that has its id.
    const created = await owner('tools/call', {
      name: 'run_python',
      arguments: { code: 'import time\nprint("begun", flush=True)\ntime.sleep(3)\nx + 1', handle },
    });
    seen.push(created);
    const taskId = String(created.result?.taskId);
    expect(created.result?.resultType).toBe('task');
    const done = await untilTaskEnds(owner, taskId, (task) => seen.push({ result: task }));
    expect(done).toMatchObject({ status: 'completed', result: { structuredContent: { result: '42', stateLost: false } } });
    expect((done.result as { structuredContent: object }).structuredContent).not.toHaveProperty('handle');
    expect(await read(other, taskId)).toMatchObject({ status: 'completed', result: { structuredContent: { result: '42' } } });

    // A run that is cancelled: its status says the interpreter keeps its state, without naming it.
    const long = await owner('tools/call', { name: 'run_python', arguments: { code: 'import time\nprint("begun", flush=True)\ntime.sleep(60)', handle } });
    seen.push(long);
    const longId = String(long.result?.taskId);
    while (!String((await read(other, longId)).statusMessage).includes('begun')) await new Promise((resolve) => setTimeout(resolve, 200));
    seen.push(await other('tasks/cancel', { taskId: longId }));
    const cancelled = await untilTaskEnds(owner, longId, (task) => seen.push({ result: task }));
    seen.push(await other('tasks/update', { taskId: longId }));

    // A forged id is the same "not found" as an expired one.
    const forged = await other('tasks/get', { taskId: `${taskId.slice(0, -1)}${taskId.endsWith('A') ? 'B' : 'A'}` });
    seen.push(forged);
    expect(forged.error).toMatchObject({ code: -32602, message: expect.stringMatching(/^Unknown or expired task id \(task not found\): /) });
    expect(forged.error?.message).not.toMatch(/finished|completed/);

    for (const answer of seen) expect(JSON.stringify(answer)).not.toContain(secret);
    expect(seen.length).toBeGreaterThan(8);
    expect(String(seen.find((answer) => String(answer.result?.statusMessage).includes('begun'))?.result?.statusMessage)).toMatch(
      /^Running for \d+\.\d s\. Output so far:\nbegun\n$/,
    );
    expect(String(cancelled.statusMessage)).toMatch(/the run was stopped \(KeyboardInterrupt\), and its interpreter keeps its variables/);

    // Given as a handle, a task id finds no interpreter.
    for (const id of [taskId, longId]) {
      const asHandle = await inPlace(other, { code: 'x', handle: id });
      expect(asHandle).toMatchObject({ isError: true });
      expect(JSON.stringify(asHandle)).toMatch(/Python state of this handle is gone/);
    }
    // The interpreter kept its state through both, for its own handle.
    expect((await inPlace(owner, { code: 'x', handle })).structuredContent).toMatchObject({ result: '41', handle });
  }, 60_000);
});
