/**
 * Hostile or broken input from a Live server: every call either gets a clear function response or
 * is reported (`rejected`) without running, and nothing is lost or answered twice. The sandbox is
 * scripted: what matters is which calls reach it.
 */
import { describe, expect, it } from 'vitest';
import type { FakeLive } from '../fake-live/server.js';
import { type Connected, cancellation, modelTurn, runPythonCall, toolCall, turnComplete } from '../fake-live/scenarios.js';
import { useFakeLive } from '../support/agent-fixtures.js';
import { ScriptedSandbox } from '../support/scripted-sandbox.js';
import { MAX_SESSION_CALL_IDS } from '../../src/agent/live/live-calls.js';
import { MAX_TRANSCRIPT_BYTES, MAX_TRANSCRIPT_PART_BYTES } from '../../src/agent/live/live-transcript.js';
import { createLiveCodeExecution } from '../../src/agent/index.js';

let fake: FakeLive;

const live = useFakeLive((made) => {
  fake = made;
});

/** A sandbox that prints what it ran; `hold` makes runs wait until released (or aborted). */
function echoSandbox(hold?: Promise<void>): ScriptedSandbox {
  return new ScriptedSandbox(async (code, options) => {
    if (hold) await Promise.race([hold, new Promise((resolve) => options.signal?.addEventListener('abort', resolve))]);
    return { output: `ran ${code}\n` };
  });
}

function open(sandbox: ScriptedSandbox, maxPendingCalls?: number): Promise<Connected> {
  return live.open({ sandbox, limits: { maxPendingCalls } });
}

function rejectedReasons(session: Connected): string[] {
  return session.events.flatMap((event) => (event.type === 'rejected' ? [event.reason] : []));
}

function responses(server: Connected['server']): { id: string; name: string; response: Record<string, unknown> }[] {
  return server.framesOf('toolResponse').flatMap((frame) => frame.message.toolResponse.functionResponses);
}

describe('bad input from a Live server', () => {
  it('answers a call to an unknown function with an error naming the available ones', async () => {
    const { server } = await open(echoSandbox());
    server.send(toolCall({ id: 'u1', name: 'rm_rf', args: {} }));
    await server.next('toolResponse');
    expect(responses(server)).toEqual([{ id: 'u1', name: 'rm_rf', response: { error: 'Unknown function "rm_rf". Available functions: run_python.' } }]);
  });

  it('answers run_python with malformed code with an error the model can act on', async () => {
    const sandbox = echoSandbox();
    const { server } = await open(sandbox);
    server.send(toolCall({ id: 'm1', name: 'run_python', args: { code: 42 } }));
    await server.next('toolResponse');
    expect(responses(server)[0]!.response.error).toMatch(/must be a string of Python source; got a number/);
    expect(sandbox.runs).toEqual([]);
  });

  it('answers a call whose arguments are not an object with an error', async () => {
    const { server } = await open(echoSandbox());
    server.send(toolCall({ id: 'a1', name: 'run_python', args: 'print(1)' }));
    await server.next('toolResponse');
    expect(responses(server)[0]).toEqual({ id: 'a1', name: 'run_python', response: { error: expect.stringMatching(/must be a JSON object; got a string/) } });
  });

  it('reports a call without an id and runs nothing for it', async () => {
    const sandbox = echoSandbox();
    const { server, waitFor } = await open(sandbox);
    server.send(toolCall({ name: 'run_python', args: { code: 'print(1)' } }));
    expect((await waitFor('rejected')).reason).toMatch(/without a usable id/);
    expect(sandbox.runs).toEqual([]);
    expect(server.framesOf('toolResponse')).toEqual([]);
  });

  it('runs a repeated call id once and reports the repeat', async () => {
    const sandbox = echoSandbox();
    const { server, waitFor } = await open(sandbox);
    server.send(toolCall(runPythonCall('dup', 'first'), runPythonCall('dup', 'second')));
    expect(await waitFor('rejected')).toMatchObject({ callId: 'dup', reason: expect.stringMatching(/already used/) });
    await server.next('toolResponse');
    server.send(toolCall(runPythonCall('dup', 'third')));
    await expect.poll(() => live.session!.events.filter((event) => event.type === 'rejected').length).toBe(2);
    expect(sandbox.runs).toEqual(['first']);
    expect(responses(server).map((response) => response.id)).toEqual(['dup']);
    expect(fake.failures).toEqual([]);
  });

  it('does not run a call whose id was cancelled before it arrived', async () => {
    const sandbox = echoSandbox();
    const { server, waitFor } = await open(sandbox);
    server.send(cancellation('early'));
    await waitFor('rejected');
    server.send(toolCall(runPythonCall('early', 'late code'), runPythonCall('fine', 'ok')));
    await server.next('toolResponse');
    expect(sandbox.runs).toEqual(['ok']);
    expect(live.session!.events.filter((event) => event.type === 'rejected').map((event) => (event as { reason: string }).reason)).toEqual([
      expect.stringMatching(/not waiting or running/),
      'the call was already cancelled',
    ]);
  });

  it('does not run a call whose id was cancelled, however many other ids were cancelled since', async () => {
    const sandbox = echoSandbox();
    const { server, waitFor } = await open(sandbox);
    server.send(cancellation('target'));
    await waitFor('rejected');
    const junk = Array.from({ length: 1_001 }, (_, index) => `junk${index}`);
    for (let at = 0; at < junk.length; at += 128) server.send(cancellation(...junk.slice(at, at + 128)));
    await expect.poll(() => rejectedReasons(live.session!).length).toBe(1_002);
    server.send(toolCall(runPythonCall('target', 'late code'), runPythonCall('after', 'ok')));
    await server.next('toolResponse');
    expect(sandbox.runs).toEqual(['ok']);
    expect(rejectedReasons(live.session!).at(-1)).toBe('the call was already cancelled');
  });

  it('runs and answers a replayed id once, however many other calls came between', async () => {
    const sandbox = echoSandbox();
    const { server } = await open(sandbox);
    server.send(toolCall(runPythonCall('replayed', 'first')));
    await server.next('toolResponse');
    const others = Array.from({ length: 1_001 }, (_, index) => ({ id: `other${index}`, name: 'unknown_fn', args: {} }));
    for (let at = 0; at < others.length; at += 128) {
      server.send(toolCall(...others.slice(at, at + 128)));
      await expect.poll(() => responses(server).length, { timeout: 30_000 }).toBe(1 + Math.min(at + 128, others.length));
    }
    server.send(toolCall(runPythonCall('replayed', 'again')));
    await expect.poll(() => rejectedReasons(live.session!)).toEqual(['the id was already used by an earlier call']);
    expect(sandbox.runs).toEqual(['first']);
    expect(responses(server).filter((response) => response.id === 'replayed')).toHaveLength(1);
    expect(fake.failures).toEqual([]);
  });

  it(`ends the session, saying why, once it has seen ${MAX_SESSION_CALL_IDS.toLocaleString('en')} call ids, rather than forget one`, async () => {
    const sandbox = echoSandbox();
    const { server, live: session } = await open(sandbox);
    server.send(cancellation('target'));
    for (let at = 1; at < MAX_SESSION_CALL_IDS; at += 128) {
      server.send(cancellation(...Array.from({ length: Math.min(128, MAX_SESSION_CALL_IDS - at) }, (_, index) => `junk${at + index}`)));
    }
    server.send(cancellation('one-too-many'));
    server.send(toolCall(runPythonCall('target', 'late code')));
    const info = await session.closed;
    expect(info).toEqual({ by: 'limit', reason: expect.stringMatching(/has seen 100000 call ids .*start a new session/) });
    expect(sandbox.runs).toEqual([]);
    await server.closed;
  });

  it('bounds a flood of calls: the queue takes limits.maxPendingCalls, the rest get an error at once, every call is answered once', async () => {
    let release!: () => void;
    const sandbox = echoSandbox(new Promise((resolve) => (release = resolve)));
    const { server } = await open(sandbox, 3);
    const ids = Array.from({ length: 40 }, (_, index) => `f${index}`);
    server.send(toolCall(...ids.map((id) => runPythonCall(id, id))));
    await expect.poll(() => responses(server).length).toBe(37);
    expect(responses(server).every((response) => String(response.response.error).startsWith('Too many calls at once: at most 3'))).toBe(true);
    release();
    await expect.poll(() => responses(server).length).toBe(40);
    expect(sandbox.runs).toEqual(['f0', 'f1', 'f2']);
    expect(new Set(responses(server).map((response) => response.id))).toEqual(new Set(ids));
    expect(fake.failures).toEqual([]);
  });

  it('checks limits.maxPendingCalls, and reads the deprecated top-level maxPendingCalls the same way', () => {
    const sandbox = echoSandbox();
    expect(() => createLiveCodeExecution({ sandbox, limits: { maxPendingCalls: 0 } })).toThrow(
      'limits.maxPendingCalls must be a whole number of at least 1; got 0',
    );
    expect(() => createLiveCodeExecution({ sandbox, maxPendingCalls: 1.5 })).toThrow('limits.maxPendingCalls must be a whole number of at least 1; got 1.5');
    expect(() => createLiveCodeExecution({ sandbox, maxPendingCalls: 2, limits: { maxPendingCalls: 2 } })).toThrow(
      'maxPendingCalls and limits.maxPendingCalls are both given',
    );
  });

  it('reports a toolCall whose functionCalls is not a list, and answers the next good call', async () => {
    const { server, waitFor } = await open(echoSandbox());
    server.send({ toolCall: { functionCalls: { id: 'x', name: 'run_python' } } });
    expect((await waitFor('rejected')).reason).toBe('toolCall.functionCalls is not a list');
    server.send({ serverContent: 'garbage', toolCallCancellation: { ids: 'nope' } });
    server.send(toolCall(runPythonCall('good', 'print(1)')));
    await server.next('toolResponse');
    expect(responses(server).map((response) => response.id)).toEqual(['good']);
  });

  it('reports the calls beyond 128 of one message once, not once each', async () => {
    const { server, events, waitFor } = await open(echoSandbox());
    const calls = Array.from({ length: 10_000 }, (_, i) => ({ id: `c${i}`, name: 'unknown_fn', args: {} }));
    server.send({ toolCall: { functionCalls: calls } });
    expect((await waitFor('rejected')).reason).toBe('9872 calls beyond the first 128 of one message were not run');
    await expect.poll(() => responses(server).length).toBe(128);
    expect(events.filter((event) => event.type === 'rejected')).toHaveLength(1);
  });

  it('bounds call names and ids: an over-long id is refused, an over-long name is cut in the answer', async () => {
    const { server, waitFor } = await open(echoSandbox());
    server.send(toolCall({ id: 'i'.repeat(300), name: 'run_python', args: { code: 'x' } }));
    expect((await waitFor('rejected')).reason).toMatch(/1 to 256 characters/);
    server.send(toolCall({ id: 'n1', name: 'n'.repeat(10_000), args: {} }));
    await server.next('toolResponse');
    expect(responses(server)[0]!.name).toHaveLength(256);
  });
});

describe('the transcript under a flood', () => {
  /** The transcript's size as JSON (every test floods with ASCII, so characters are bytes). */
  const size = (session: Connected) => JSON.stringify(session.live.getTranscript()).length;
  const errorsOf = (session: Connected) => session.events.flatMap((event) => (event.type === 'error' ? [event.message] : []));

  it(`stays within ${MAX_TRANSCRIPT_BYTES} bytes while the model streams far more text, dropping its oldest parts and saying so once`, async () => {
    const session = await open(echoSandbox());
    // Each piece is its own part (thought and answer alternate), so the 64 KiB bound of a part does not cap the flood.
    const piece = (index: number) => ({ text: `${index} ${'x'.repeat(60_000)}`, ...(index % 2 === 0 && { thought: true }) });
    for (let message = 0; message < 6; message++) session.server.send(modelTurn(...Array.from({ length: 100 }, (_, index) => piece(message * 100 + index))));
    session.server.send(turnComplete());
    await session.waitFor('turn-complete');
    expect(size(session)).toBeLessThanOrEqual(MAX_TRANSCRIPT_BYTES);
    const parts = session.live.getTranscript().at(-1)!.parts!;
    expect(parts.at(-1)!.text).toMatch(/^599 x/);
    expect(errorsOf(session)).toEqual([`The transcript passed ${MAX_TRANSCRIPT_BYTES} bytes: its oldest turns are dropped from now on`]);
  });

  it(`stays within ${MAX_TRANSCRIPT_BYTES} bytes through a flood of excess calls with large arguments`, async () => {
    let release!: () => void;
    const session = await open(echoSandbox(new Promise((resolve) => (release = resolve))), 1);
    const code = 'x'.repeat(900_000);
    for (let message = 0; message < 5; message++) {
      session.server.send(toolCall(...Array.from({ length: 10 }, (_, index) => runPythonCall(`big${message * 10 + index}`, code))));
    }
    await expect.poll(() => responses(session.server).length, { timeout: 30_000 }).toBe(49);
    expect(size(session)).toBeLessThanOrEqual(MAX_TRANSCRIPT_BYTES);
    expect(errorsOf(session)).toEqual([`The transcript passed ${MAX_TRANSCRIPT_BYTES} bytes: its oldest turns are dropped from now on`]);
    release();
    await expect.poll(() => responses(session.server).length).toBe(50);
  });

  it(`keeps a part over ${MAX_TRANSCRIPT_PART_BYTES} bytes as a text part saying it was left out`, async () => {
    const session = await open(echoSandbox());
    session.server.send(modelTurn({ text: 'x'.repeat(MAX_TRANSCRIPT_PART_BYTES), partMetadata: { kind: 'huge' } }));
    session.server.send(turnComplete());
    const { content } = await session.waitFor('turn-complete');
    expect(content.parts).toEqual([
      { text: `[A part larger than ${MAX_TRANSCRIPT_PART_BYTES} bytes was left out of the transcript.]`, partMetadata: { omitted: true } },
    ]);
    expect(errorsOf(session)).toEqual([`A part larger than ${MAX_TRANSCRIPT_PART_BYTES} bytes was left out of the transcript`]);
  });
});
