/**
 * The bounds on tasks (src/integrations/mcp/sessions/tasks.ts), with runs the test finishes itself: how
 * many tasks are held, how long an ended one is kept, how many bytes of results are kept, how much
 * output a running one reports, and what a cancel does. Small bounds stand for the server's (64
 * tasks, 10 minutes, 64 MiB, 8,000 characters).
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { CallToolResult } from '@modelcontextprotocol/server';
import { describe, expect, test } from 'vitest';
import { RunTasks, type TaskBounds } from '../../src/integrations/mcp/sessions/tasks.js';

const BOUNDS: TaskBounds = { afterMs: 20, maxTasks: 2, keepMs: 400, maxResultBytes: 1_000_000, maxOutputChars: 20, pollIntervalMs: 1000 };

/** A run the test ends: `finish` answers it; its signal and output are the task's. */
function heldRun() {
  let finish!: (text: string) => void;
  let signal!: AbortSignal;
  let say!: (text: string) => void;
  const work = (stop: AbortSignal, onOutput: (text: string) => void) => {
    signal = stop;
    say = onOutput;
    return new Promise<CallToolResult>((resolve) => {
      finish = (text) => resolve({ content: [{ type: 'text', text }] });
    });
  };
  return { work, finish: (text: string) => finish(text), signal: () => signal, say: (text: string) => say(text) };
}

const never = new AbortController().signal;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const taskIdOf = (result: CallToolResult) => (result as unknown as { taskId: string }).taskId;

describe('tasks', () => {
  test('a run done within afterMs is answered in place; a longer one with a task whose id is the instance and 128 random bits', async () => {
    const tasks = new RunTasks('py1', BOUNDS);
    const quick = await tasks.answer(async () => ({ content: [{ type: 'text', text: 'at once' }] }), never);
    expect(quick).toEqual({ content: [{ type: 'text', text: 'at once' }] });
    const run = heldRun();
    const created = (await tasks.answer(run.work, never)) as unknown as Record<string, unknown>;
    expect(created).toMatchObject({ resultType: 'task', status: 'working', ttlMs: null });
    expect(String(created.taskId)).toMatch(/^py1\.[A-Za-z0-9_-]{22}$/);
    run.finish('done');
    await sleep(0);
    expect(tasks.get(created.taskId)).toMatchObject({ status: 'completed', result: { content: [{ type: 'text', text: 'done' }] } });
  });

  test(`at most ${BOUNDS.maxTasks} are held: when all are running a long call is answered in place; an ended one makes room, and is then gone`, async () => {
    const tasks = new RunTasks('py1', BOUNDS);
    const [a, b, c, d] = [heldRun(), heldRun(), heldRun(), heldRun()];
    const first = taskIdOf(await tasks.answer(a.work, never));
    await tasks.answer(b.work, never);
    expect(tasks.size).toBe(2);
    // No room: the call waits for its run, as for a client without tasks.
    const inPlace = tasks.answer(c.work, never);
    await sleep(BOUNDS.afterMs * 3);
    c.finish('waited');
    expect(await inPlace).toEqual({ content: [{ type: 'text', text: 'waited' }] });
    expect(tasks.size).toBe(2);

    a.finish('ended');
    await sleep(0);
    const fourth = taskIdOf(await tasks.answer(d.work, never));
    expect(fourth).toMatch(/^py1\./);
    expect(tasks.size).toBe(2);
    expect(() => tasks.get(first)).toThrow(/task not found/);
  });

  test("an id this server cannot place (forged, another instance's, malformed) is unknown or expired, said first, never finished", async () => {
    const tasks = new RunTasks('py1', BOUNDS);
    const run = heldRun();
    const taskId = taskIdOf(await tasks.answer(run.work, never));
    const secret = taskId.split('.')[1] ?? '';
    const forged = `py1.${secret.slice(0, -1)}${secret.endsWith('A') ? 'B' : 'A'}`;
    const reasons = {
      [forged]: 'this server holds no task of this id',
      [`py2.${secret}`]: 'it was held by another server instance ("py2")',
      'not a task': 'it is not a task id this server gave out',
    };
    for (const [id, reason] of Object.entries(reasons)) {
      for (const ask of [() => tasks.get(id), () => tasks.cancel(id)]) {
        expect(ask).toThrow(`Unknown or expired task id (task not found): ${reason}`);
        expect(ask).not.toThrow(/finished|completed/);
      }
    }
    run.finish('done');
  });

  test('an ended task is kept keepMs (its ttlMs says until when), then forgotten', async () => {
    const tasks = new RunTasks('py1', BOUNDS);
    const run = heldRun();
    const taskId = taskIdOf(await tasks.answer(run.work, never));
    run.finish('done');
    await sleep(0);
    const ended = tasks.get(taskId);
    expect(Date.parse(String(ended.createdAt)) + Number(ended.ttlMs)).toBeGreaterThanOrEqual(Date.now() + BOUNDS.keepMs - 50);
    await sleep(BOUNDS.keepMs + 100);
    expect(() => tasks.get(taskId)).toThrow(/^Unknown or expired task id \(task not found\): this server holds no task of this id/);
    expect(tasks.size).toBe(0);
    expect(tasks.heldResultBytes).toBe(0);
    // An id it never gave out is told the same as the one it forgot (-32602, as the extension wants for an unknown id).
    const forged = `${taskId.slice(0, -1)}${taskId.endsWith('A') ? 'B' : 'A'}`;
    const refusal = (id: string) => {
      try {
        tasks.get(id);
      } catch (error) {
        return { code: (error as { code?: number }).code, message: (error as Error).message };
      }
    };
    expect(refusal(forged)).toEqual(refusal(taskId));
    expect(refusal(forged)?.code).toBe(-32602);
  });

  test('ended results past maxResultBytes are forgotten, those already taken first, then the oldest; the latest is kept whatever its size', async () => {
    // Kept a minute, not keepMs: room, not time, forgets them here (beside other work, 400 ms
    // passed between two steps and took one that room had to keep). The test above times keepMs.
    const tasks = new RunTasks('py1', { ...BOUNDS, maxTasks: 8, maxResultBytes: 250_000, keepMs: 60_000 });
    const ended = async (size: number) => {
      const run = heldRun();
      const taskId = taskIdOf(await tasks.answer(run.work, never));
      run.finish('x'.repeat(size));
      await sleep(2);
      return taskId;
    };
    const [a, b, c] = [await ended(100_000), await ended(100_000), await ended(10)];
    expect(tasks.heldResultBytes).toBeGreaterThan(200_000);
    expect(tasks.heldResultBytes).toBeLessThan(250_000);
    // b's result was given: it goes before the older a.
    expect(tasks.get(b)).toMatchObject({ status: 'completed' });
    const d = await ended(100_000);
    expect(() => tasks.get(b)).toThrow(/task not found/);
    expect(tasks.get(a).status).toBe('completed');
    // Then the oldest (a), then, for one larger than the bound by itself, every other ended one.
    const e = await ended(100_000);
    expect(() => tasks.get(a)).toThrow(/task not found/);
    const f = await ended(300_000);
    for (const gone of [c, d, e]) expect(() => tasks.get(gone)).toThrow(/task not found/);
    expect((tasks.get(f).result as CallToolResult).content[0]).toMatchObject({ text: 'x'.repeat(300_000) });
    expect(tasks.size).toBe(1);
    // A running task is never forgotten for room; an ended one's bytes leave the count when it goes.
    const running = heldRun();
    const g = taskIdOf(await tasks.answer(running.work, never));
    const h = await ended(300_000);
    expect(tasks.get(g).status).toBe('working');
    expect(() => tasks.get(f)).toThrow(/task not found/);
    expect(tasks.heldResultBytes).toBeGreaterThanOrEqual(300_000);
    running.finish('done');
    await sleep(2);
    expect(() => tasks.get(h)).toThrow(/task not found/);
    expect(tasks.size).toBe(1);
    expect(tasks.heldResultBytes).toBeLessThan(1_000);
  });

  test('a task forgotten for room lets its result go at once: no timer of its keepMs holds it', async () => {
    setFlagsFromString('--expose_gc');
    const gc = runInNewContext('gc') as () => void;
    const tasks = new RunTasks('py1', { ...BOUNDS, maxResultBytes: 1_000, keepMs: 60_000 });
    // Each run in its own scope: the test keeps no way to its result but the WeakRef.
    const ended = async (text: string) => {
      const run = heldRun();
      const taskId = taskIdOf(await tasks.answer(run.work, never));
      run.finish(text);
      await sleep(2);
      return { taskId, result: new WeakRef(tasks.get(taskId).result as object) };
    };
    const first = await ended('x'.repeat(800));
    const next = await ended('y'.repeat(800));
    await sleep(2);
    expect(() => tasks.get(first.taskId)).toThrow(/task not found/);
    expect(tasks.get(next.taskId).status).toBe('completed');
    gc();
    expect(first.result.deref()).toBeUndefined();
    expect(next.result.deref()).toBeDefined();
  });

  test('a running task reports its last maxOutputChars characters of output, and how many came before', async () => {
    const tasks = new RunTasks('py1', BOUNDS);
    const run = heldRun();
    const taskId = taskIdOf(await tasks.answer(run.work, never));
    expect(tasks.get(taskId).statusMessage).toMatch(/^Running for \d+\.\d s\. Output so far: none\.$/);
    const lines = Array.from({ length: 100 }, (_, i) => `line ${String(i).padStart(3, '0')}\n`);
    for (const line of lines) run.say(line);
    const message = String(tasks.get(taskId).statusMessage);
    expect(message.slice(message.indexOf(':\n') + 2)).toBe(lines.join('').slice(-BOUNDS.maxOutputChars));
    expect(message).toContain(`its last 20 characters; ${(900 - 20).toLocaleString('en-US')} before them not kept`);
    // One chunk larger than the bound is cut too.
    run.say('x'.repeat(10_000));
    expect(String(tasks.get(taskId).statusMessage).endsWith(`:\n${'x'.repeat(20)}`)).toBe(true);
    run.finish('done');
  });

  test("cancel stops the run's signal; the task ends cancelled with the run's output; cancelling again, or an ended task, changes nothing", async () => {
    const tasks = new RunTasks('py1', BOUNDS);
    const run = heldRun();
    const taskId = taskIdOf(await tasks.answer(run.work, never));
    run.say('started\n');
    tasks.cancel(taskId);
    expect(run.signal().aborted).toBe(true);
    expect(tasks.get(taskId).status).toBe('working');
    run.finish('KeyboardInterrupt');
    await sleep(0);
    const ended = tasks.get(taskId);
    expect(ended).toMatchObject({ status: 'cancelled' });
    expect(ended).not.toHaveProperty('result');
    expect(String(ended.statusMessage)).toContain('Output before the stop:\nstarted\n');
    tasks.cancel(taskId);
    expect(tasks.get(taskId).status).toBe('cancelled');

    // A run that ignored the interrupt: its interpreter was replaced, and the task says the state is gone.
    let stubborn!: (result: CallToolResult) => void;
    const lostId = taskIdOf(await tasks.answer(() => new Promise((resolve) => (stubborn = resolve)), never));
    tasks.cancel(lostId);
    stubborn({ content: [{ type: 'text', text: 'replaced' }], structuredContent: { stateLost: true } });
    await sleep(0);
    expect(String(tasks.get(lostId).statusMessage)).toMatch(
      /did not stop at the interrupt, so its interpreter was replaced, and its variables, imports and files are gone/,
    );
  });

  test("until the task is made, the call's own signal stops the run; after, it does not", async () => {
    const tasks = new RunTasks('py1', BOUNDS);
    const early = new AbortController();
    const before = heldRun();
    const answered = tasks.answer(before.work, early.signal);
    early.abort();
    expect(before.signal().aborted).toBe(true);
    before.finish('cancelled');
    expect(await answered).toEqual({ content: [{ type: 'text', text: 'cancelled' }] });

    const late = new AbortController();
    const after = heldRun();
    const taskId = taskIdOf(await tasks.answer(after.work, late.signal));
    late.abort();
    expect(after.signal().aborted).toBe(false);
    expect(tasks.get(taskId).status).toBe('working');
    after.finish('done');
  });
});
