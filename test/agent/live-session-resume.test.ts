/**
 * Live sessions that outlive a connection: on `goAway`, or when a connection drops, the session
 * resumes on a new one with its latest handle, and the transcript, the sandbox and its state carry
 * on. A cell running at that moment is not killed: answered on the old connection when it ends in
 * time, otherwise reported as not delivered. Resuming that keeps failing ends the session with a
 * reason. Real sandbox (the state across the reconnect is the point), fake Live server.
 */
import { afterEach, describe, expect } from 'vitest';
import type { PythonSandbox } from '../../dist/index.node.js';
import type { FakeLive, FakeLiveConnection } from '../fake-live/server.js';
import { type Connected, type connect, runPythonCall, spoken, toolCall, turnComplete } from '../fake-live/scenarios.js';
import { AGENT_SANDBOX_OPTIONS, useFakeLive } from '../support/agent-fixtures.js';
import { it, useSandbox } from '../support/fixtures.js';

let fake: FakeLive;
let sandbox: PythonSandbox;

const live = useFakeLive((made) => {
  fake = made;
});
useSandbox(AGENT_SANDBOX_OPTIONS, (made) => {
  sandbox = made;
});

afterEach(async () => {
  await sandbox.run('None');
});

const open = (options: Partial<Parameters<typeof connect>[1]> = {}): Promise<Connected> => live.open({ sandbox, ...options });

/** Answers one run_python call on `server` and returns its response. */
async function ask(server: FakeLiveConnection, id: string, code: string): Promise<Record<string, unknown>> {
  server.send(toolCall(runPythonCall(id, code)));
  const frame = await server.next('toolResponse', 30_000);
  return frame.message.toolResponse.functionResponses[0];
}

function handlesSent(server: FakeLiveConnection): string[] {
  return server.framesOf('setup').flatMap((frame) => (frame.message.setup.sessionResumption?.handle ? [frame.message.setup.sessionResumption.handle] : []));
}

describe('a Live session across connections', () => {
  it('on goAway, resumes with the latest handle, and a later call sees the earlier cell variables', async () => {
    const { server, live, waitFor } = await open();
    await ask(server, 'set', 'answer = 6 * 7');
    const next = fake.connection();
    server.goAway(5_000);
    const resumed = await next;
    expect(handlesSent(resumed)).toEqual([server.handles.at(-1)]);
    await expect.poll(() => live.resumptionHandle).toBe(resumed.handles.at(-1));
    expect(resumed.session).toBe(server.session);
    expect(await waitFor('reconnected')).toEqual({ type: 'reconnected', attempt: 1 });
    // The client closed the old socket itself, before the server's deadline.
    expect((await server.closed).code).not.toBe(1011);
    expect(await ask(resumed, 'get', 'print(answer)')).toMatchObject({ id: 'get', response: { outcome: 'OUTCOME_OK', output: '42\n' } });
    expect(fake.failures).toEqual([]);
  });

  it('keeps one transcript across the reconnect', async () => {
    const { server, live } = await open();
    live.sendText('First question');
    await server.next('clientContent');
    server.send(spoken('First answer.'));
    server.send(turnComplete());
    const next = fake.connection();
    server.goAway(5_000);
    const resumed = await next;
    live.sendText('Second question');
    await resumed.next('clientContent');
    resumed.send(spoken('Second answer.'));
    resumed.send(turnComplete());
    await expect.poll(() => live.getTranscript().length).toBe(4);
    expect(live.getTranscript().map((content) => content.parts![0]!.text)).toEqual(['First question', 'First answer.', 'Second question', 'Second answer.']);
  });

  it('answers a cell running at goAway on the old connection, then moves', async () => {
    const { server, events, waitFor } = await open();
    server.send(toolCall(runPythonCall('slow', 'import time\ntime.sleep(0.5)\nprint("done")')));
    await waitFor('run-start');
    const next = fake.connection();
    server.goAway(10_000);
    const response = await server.next('toolResponse', 30_000);
    expect(response.message.toolResponse.functionResponses[0]).toMatchObject({ id: 'slow', response: { output: 'done\n' } });
    await next;
    await waitFor('reconnected');
    expect(events.filter((event) => event.type === 'call-undelivered')).toEqual([]);
    expect(fake.failures).toEqual([]);
  });

  it('moves when the time goAway gave runs out, reporting a cell still running then as not delivered', async () => {
    const { server, waitFor } = await open();
    server.send(toolCall(runPythonCall('long', 'import time\ntime.sleep(1.5)\nprint("late")')));
    await waitFor('run-start');
    const next = fake.connection();
    // Moves a second before the server's deadline: at once here, with the cell still running.
    server.goAway(1_200);
    const resumed = await next;
    expect(await waitFor('call-undelivered', 30_000)).toMatchObject({ callId: 'long', was: 'ran' });
    expect(server.framesOf('toolResponse')).toEqual([]);
    expect(resumed.framesOf('toolResponse')).toEqual([]);
    expect(fake.failures).toEqual([]);
  });

  it('lets a cell running when the connection drops finish, and reports its result as not delivered', async () => {
    const { server, live, waitFor } = await open();
    server.send(toolCall(runPythonCall('cut', 'import time\nprint("started", flush=True)\ntime.sleep(0.5)\nleft_over = 1\nprint("finished")')));
    await waitFor('output');
    const next = fake.connection();
    server.close(1011, 'Internal error encountered.');
    const resumed = await next;
    expect(await waitFor('call-undelivered', 30_000)).toMatchObject({ callId: 'cut', name: 'run_python', was: 'ran' });
    const result = live
      .getTranscript()
      .flatMap((content) => content.parts ?? [])
      .find((part) => part.codeExecutionResult?.id === 'cut');
    expect(result).toEqual({ codeExecutionResult: { outcome: 'OUTCOME_OK', output: 'started\nfinished\n', id: 'cut' }, partMetadata: { notDelivered: true } });
    // Nothing was sent for it on the new connection (the resumed session never saw the call), and its work is done.
    expect(resumed.framesOf('toolResponse')).toEqual([]);
    expect(await ask(resumed, 'after', 'print(left_over)')).toMatchObject({ response: { output: '1\n' } });
    expect(fake.failures).toEqual([]);
  });

  it('holds text sent while reconnecting and sends it on the new connection', async () => {
    const { server, live, waitFor } = await open();
    const next = fake.connection();
    server.close(1011, 'Internal error encountered.');
    await waitFor('reconnecting');
    live.sendText('Still there?');
    const resumed = await next;
    expect((await resumed.next('clientContent')).message.clientContent.turns[0].parts).toEqual([{ text: 'Still there?' }]);
  });

  it('ends with a clear reason when the server no longer knows the handle', async () => {
    const { server, waitFor } = await open();
    fake.sessions.clear();
    server.close(1011, 'Internal error encountered.');
    const { info } = await waitFor('closed');
    expect(info).toMatchObject({
      by: 'server',
      reason: expect.stringMatching(/could not be resumed on a new connection: 1008 BidiGenerateContent session not found/),
    });
    // The API-version hint is for a first connection only.
    expect(info.reason).not.toMatch(/apiVersion/);
  });

  it('gives up after limits.maxReconnectAttempts tries and stops the running cell', async () => {
    const { server, events, waitFor } = await open({ limits: { maxReconnectAttempts: 2 } });
    server.send(toolCall(runPythonCall('spin', 'print("go", flush=True)\nwhile True:\n    pass')));
    await waitFor('output');
    fake.refuseSetups = { code: 1011, reason: 'Internal error encountered.' };
    server.close(1011, 'Internal error encountered.');
    const { info } = await waitFor('closed', 30_000);
    expect(info.reason).toMatch(/could not be resumed.*1011 Internal error encountered/);
    expect(events.filter((event) => event.type === 'reconnecting').map((event) => (event as { attempt: number }).attempt)).toEqual([1, 2]);
    const started = Date.now();
    expect((await sandbox.run('1 + 1')).result).toBe('2');
    expect(Date.now() - started).toBeLessThan(1_500);
  });

  it('does not reconnect after a 1007 close: the server refused what was sent', async () => {
    const { server, events, waitFor } = await open();
    server.close(1007, 'Request contains an invalid argument.');
    expect((await waitFor('closed')).info).toMatchObject({ by: 'server', code: 1007 });
    expect(events.some((event) => event.type === 'reconnecting')).toBe(false);
  });
});
