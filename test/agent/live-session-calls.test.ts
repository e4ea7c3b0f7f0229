/**
 * Live sessions answering tool calls from a real PythonSandbox, through the real SDK
 * (`ai.live.connect`) and the fake Live server: the response on the wire, several calls in one
 * message, a cancellation mid-run, and the session's life tied to the sandbox's.
 */
import { afterEach, describe, expect } from 'vitest';
import type { PythonSandbox } from '../../dist/index.node.js';
import { type FunctionDeclaration, type Part, Type } from '@google/genai';
import type { FakeLive } from '../fake-live/server.js';
import { type Connected, LIVE_MODEL, cancellation, connect, runPythonCall, spoken, toolCall, turnComplete } from '../fake-live/scenarios.js';
import { AGENT_SANDBOX_OPTIONS, useFakeLive } from '../support/agent-fixtures.js';
import { TROUBLES, TROUBLE_SANDBOX_OPTIONS, troubleCell, troubled } from '../support/code-call-troubles.js';
import { BOOT_TIMEOUT_MS, it, lineChartSpec, useSandbox } from '../support/fixtures.js';

let fake: FakeLive;
let sandbox: PythonSandbox;

const live = useFakeLive((made) => {
  fake = made;
});
useSandbox(TROUBLE_SANDBOX_OPTIONS, (made) => {
  sandbox = made;
});

afterEach(async () => {
  // Nothing left running for the next test.
  await sandbox.run('None');
});

const open = (options: Partial<Parameters<typeof connect>[1]> = {}): Promise<Connected> => live.open({ sandbox, ...options });

/** The seed question's code, with no package to load (tests run offline). */
const PRIMES_CODE = 'primes = [n for n in range(2, 300) if all(n % d for d in range(2, n))][:50]\nprint(sum(primes))';

const weather: FunctionDeclaration = {
  name: 'get_weather',
  description: 'The weather in a city',
  parameters: { type: Type.OBJECT, properties: { city: { type: Type.STRING } }, required: ['city'] },
};

describe('a Live session with code execution', () => {
  it('declares run_python and the app functions in the setup frame', async () => {
    const { server } = await open({ functions: [{ declaration: weather, handler: () => 'sunny' }] });
    const setup = server.framesOf('setup')[0]!.message.setup;
    expect(setup.model).toBe(`models/${LIVE_MODEL}`);
    const names = setup.tools.flatMap((tool: { functionDeclarations?: { name: string }[] }) => tool.functionDeclarations?.map((fn) => fn.name) ?? []);
    expect(names).toEqual(['run_python', 'get_weather']);
    expect(server.url).toMatch(/\?key=test-key$/);
  });

  it('lets the code call an app function marked callableFrom "code": one tool call, twelve calls from Python', async () => {
    const cities: string[] = [];
    const handler = ({ city }: Record<string, unknown>) => {
      cities.push(String(city));
      return { city, sky: 'sunny' };
    };
    const { server } = await open({ functions: [{ declaration: weather, callableFrom: 'code', handler }] });
    const declarations: { name: string; description?: string }[] = server
      .framesOf('setup')[0]!
      .message.setup.tools.flatMap((tool: { functionDeclarations?: { name: string; description?: string }[] }) => tool.functionDeclarations ?? []);
    expect(declarations.map((fn) => fn.name)).toEqual(['run_python']);
    expect(declarations[0].description).toContain('await default_api.get_weather(city: str): The weather in a city');
    const code = 'skies = [(await default_api.get_weather(city=f"c{i}"))["sky"] for i in range(12)]\nprint(len(skies), set(skies))';
    server.send(toolCall(runPythonCall('w', code)));
    expect((await server.next('toolResponse')).message.toolResponse.functionResponses[0].response).toEqual({ outcome: 'OUTCOME_OK', output: "12 {'sunny'}\n" });
    expect(cities).toEqual(Array.from({ length: 12 }, (_, i) => `c${i}`));
    expect(fake.failures).toEqual([]);
  });

  it.each(TROUBLES)('raises $case in the code calling an app function, and keeps the interpreter for the next call', async (trouble) => {
    const { functions, seen } = troubled();
    const { server, events } = await open({ functions });
    const outputOf = async (id: string, code: string) => {
      server.send(toolCall(runPythonCall(id, code)));
      return (await server.next('toolResponse')).message.toolResponse.functionResponses[0].response.output;
    };
    expect(await outputOf('t', troubleCell(trouble.call, trouble.case))).toMatch(trouble.output);
    expect(await outputOf('s', 'print(state)')).toBe(`${trouble.case}\n`);
    trouble.check(seen, events);
    const ends = events.flatMap((event) => (event.type === 'run-end' ? [event.result.stateLost] : []));
    expect(ends).toEqual([false, false]);
    expect(fake.failures).toEqual([]);
  });

  it("aborts a pending app function's signal when its run is cancelled, and keeps the interpreter", async () => {
    const { functions, seen } = troubled();
    const { server, waitFor } = await open({ functions });
    server.send(toolCall(runPythonCall('t', troubleCell('await default_api.wait_forever()', 'cancelled'))));
    while (seen.waiting === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    server.send(cancellation('t'));
    expect(await waitFor('call-cancelled')).toMatchObject({ callId: 't', was: 'running' });
    expect(seen.aborted).toHaveLength(1);
    server.send(toolCall(runPythonCall('s', 'print(state)')));
    expect((await server.next('toolResponse')).message.toolResponse.functionResponses).toEqual([
      { id: 's', name: 'run_python', response: { outcome: 'OUTCOME_OK', output: 'cancelled\n' } },
    ]);
    expect(fake.failures).toEqual([]);
  });

  it('answers a typed question by running code, the transcript holding the spoken words, the code and its result', async () => {
    const { live, server, waitFor } = await open();
    live.sendText('What is the sum of the first 50 primes? Run code.');
    await server.next('clientContent');
    server.send(spoken('Let me work that out.'));
    server.send(toolCall(runPythonCall('primes', PRIMES_CODE)));
    expect((await server.next('toolResponse')).message.toolResponse.functionResponses[0].response).toEqual({ outcome: 'OUTCOME_OK', output: '5117\n' });
    server.send(spoken('The sum is 5117.'));
    server.send(turnComplete());
    await waitFor('turn-complete');
    expect(live.getTranscript()).toEqual([
      { role: 'user', parts: [{ text: 'What is the sum of the first 50 primes? Run code.' }] },
      {
        role: 'model',
        parts: [
          { text: 'Let me work that out.' },
          { executableCode: { code: PRIMES_CODE, language: 'PYTHON', id: 'primes' } },
          { codeExecutionResult: { outcome: 'OUTCOME_OK', output: '5117\n', id: 'primes' } },
          { text: 'The sum is 5117.' },
        ],
      },
    ]);
    expect(fake.failures).toEqual([]);
  });

  it('answers a run_python call with the chat loop function response, the call id copied', async () => {
    const { live, server } = await open();
    live.sendText('What is six times seven? Run code.');
    await server.next('clientContent');
    server.send(toolCall(runPythonCall('function-call-1', 'print(6 * 7)')));
    const frame = await server.next('toolResponse');
    expect(frame.message).toEqual({
      toolResponse: { functionResponses: [{ id: 'function-call-1', name: 'run_python', response: { outcome: 'OUTCOME_OK', output: '42\n' } }] },
    });
    expect(fake.failures).toEqual([]);
  });

  it('answers two calls of one message in order, sharing the interpreter', async () => {
    const { server } = await open();
    server.send(toolCall(runPythonCall('call-a', 'shared = 21'), runPythonCall('call-b', 'print(shared * 2)')));
    const first = await server.next('toolResponse');
    const second = await server.next('toolResponse');
    expect(first.message.toolResponse.functionResponses.map((r: { id: string }) => r.id)).toEqual(['call-a']);
    expect(second.message.toolResponse.functionResponses).toEqual([{ id: 'call-b', name: 'run_python', response: { outcome: 'OUTCOME_OK', output: '42\n' } }]);
    expect(fake.failures).toEqual([]);
  });

  it('answers an app function call with its handler output', async () => {
    const { server } = await open({ functions: [{ declaration: weather, handler: (args) => `sunny in ${String(args.city)}` }] });
    server.send(toolCall({ id: 'w1', name: 'get_weather', args: { city: 'Oslo' } }));
    const frame = await server.next('toolResponse');
    expect(frame.message.toolResponse.functionResponses).toEqual([{ id: 'w1', name: 'get_weather', response: { output: 'sunny in Oslo' } }]);
  });

  it('shows our run in the transcript as executableCode and codeExecutionResult paired by the call id', async () => {
    const { server, waitFor } = await open();
    server.send(toolCall(runPythonCall('c7', 'print("hi")')));
    await server.next('toolResponse');
    server.send(turnComplete());
    const { content } = await waitFor('turn-complete');
    expect(content.parts).toEqual([
      { executableCode: { code: 'print("hi")', language: 'PYTHON', id: 'c7' } },
      { codeExecutionResult: { outcome: 'OUTCOME_OK', output: 'hi\n', id: 'c7' } },
    ]);
  });

  it("sends a chart's PNG, drawn in Node, inside the response with images: 'inside', and only its count by default; the transcript keeps the spec", async () => {
    const code = `display(${JSON.stringify(lineChartSpec(100))})`;
    const inside = await open({ images: 'inside' });
    inside.server.send(toolCall(runPythonCall('ch1', code)));
    const [response] = (await inside.server.next('toolResponse')).message.toolResponse.functionResponses;
    expect(response.response).toEqual({ outcome: 'OUTCOME_OK', output: '', images: 1, charts: 1 });
    expect(response.parts.map((part: Part) => part.inlineData?.mimeType)).toEqual(['image/png']);
    expect(atob(response.parts[0].inlineData.data).startsWith('\x89PNG')).toBe(true);
    inside.server.send(turnComplete());
    const { content } = await inside.waitFor('turn-complete');
    expect(content.parts?.flatMap((part) => part.inlineData?.mimeType ?? [])).toEqual([
      expect.stringMatching(/^application\/vnd\.vegalite\.v\d\+json$/),
      'image/png',
    ]);

    const counted = await open();
    counted.server.send(toolCall(runPythonCall('ch2', code)));
    const [plain] = (await counted.server.next('toolResponse')).message.toolResponse.functionResponses;
    expect(plain).toEqual({ id: 'ch2', name: 'run_python', response: { outcome: 'OUTCOME_OK', output: '', images: 1, charts: 1 } });
    expect(fake.failures).toEqual([]);
  });

  it('streams the output of a running cell as output events', async () => {
    const { server, events } = await open();
    server.send(toolCall(runPythonCall('s1', 'print("one", flush=True)\nimport time\ntime.sleep(0.2)\nprint("two")')));
    await server.next('toolResponse');
    const output = events.flatMap((event) => (event.type === 'output' ? [event.chunk.text] : []));
    expect(output.join('')).toBe('one\ntwo\n');
    expect(events.find((event) => event.type === 'output')).toMatchObject({ callId: 's1', step: 1 });
  });

  it('stops a cancelled run within interrupt latency, keeps globals, and sends no response for it', async () => {
    const { server, waitFor } = await open();
    server.send(toolCall(runPythonCall('set', 'kept = 7')));
    await server.next('toolResponse');
    // The control: a trivial call's round trip on this machine now (a loaded machine stretches both).
    const controlStarted = Date.now();
    server.send(toolCall(runPythonCall('control', 'kept')));
    await server.next('toolResponse');
    const roundTripMs = Date.now() - controlStarted;
    server.send(toolCall(runPythonCall('loop', 'print("started", flush=True)\nwhile True:\n    pass')));
    await waitFor('output');
    const cancelledAt = Date.now();
    server.send(cancellation('loop'));
    expect(await waitFor('call-cancelled')).toMatchObject({ callId: 'loop', was: 'running' });
    // The interpreter is free again as soon as the loop was interrupted.
    server.send(toolCall(runPythonCall('after', 'print(kept)')));
    const after = await server.next('toolResponse');
    expect(Date.now() - cancelledAt).toBeLessThan(1_000 + 3 * roundTripMs);
    expect(after.message.toolResponse.functionResponses).toEqual([{ id: 'after', name: 'run_python', response: { outcome: 'OUTCOME_OK', output: '7\n' } }]);
    expect(server.framesOf('toolResponse').flatMap((f) => f.message.toolResponse.functionResponses.map((r: { id: string }) => r.id))).not.toContain('loop');
    expect(fake.failures).toEqual([]);
  });

  it('drops a queued call that is cancelled before it starts, and runs the rest', async () => {
    const { server, waitFor } = await open();
    server.send(
      toolCall(
        runPythonCall('slow', 'import time\ntime.sleep(0.3)'),
        runPythonCall('queued', 'print("should not run")'),
        runPythonCall('last', 'print("last")'),
      ),
    );
    server.send(cancellation('queued'));
    expect(await waitFor('call-cancelled')).toMatchObject({ callId: 'queued', was: 'queued' });
    await server.next('toolResponse');
    const last = await server.next('toolResponse');
    expect(last.message.toolResponse.functionResponses[0]).toMatchObject({ id: 'last', response: { output: 'last\n' } });
    expect(
      live
        .session!.live.getTranscript()
        .flatMap((c) => c.parts ?? [])
        .some((p) => p.executableCode?.code?.includes('should not run')),
    ).toBe(false);
  });

  it('stops the running cell when the app closes the session', async () => {
    const { live, server, waitFor } = await open();
    server.send(toolCall(runPythonCall('spin', 'print("go", flush=True)\nwhile True:\n    pass')));
    await waitFor('output');
    live.close();
    const started = Date.now();
    expect((await sandbox.run('1 + 1')).result).toBe('2');
    expect(Date.now() - started).toBeLessThan(1_500);
    expect((await waitFor('closed')).info.by).toBe('client');
    expect((await server.closed).code).toBe(1005);
    expect(server.framesOf('toolResponse')).toEqual([]);
  });

  it('stops the running cell when the server closes the socket and reconnecting is off', async () => {
    const { server, waitFor } = await open({ limits: { maxReconnectAttempts: 0 } });
    server.send(toolCall(runPythonCall('spin', 'print("go", flush=True)\nwhile True:\n    pass')));
    await waitFor('output');
    server.close(1011, 'Internal error');
    expect((await waitFor('closed')).info).toEqual({ by: 'server', code: 1011, reason: 'Internal error' });
    const started = Date.now();
    expect((await sandbox.run('1 + 1')).result).toBe('2');
    expect(Date.now() - started).toBeLessThan(1_500);
  });
});

describe('a Live session whose sandbox is disposed', () => {
  it(
    'closes the session at the next call, answering nothing',
    async ({ createSandbox }) => {
      const own = await createSandbox(AGENT_SANDBOX_OPTIONS);
      const { server, waitFor } = await connect(fake, { sandbox: own });
      await own.dispose();
      server.send(toolCall(runPythonCall('late', 'print(1)')));
      expect((await waitFor('closed')).info.by).toBe('sandbox');
      await server.closed;
      expect(server.framesOf('toolResponse')).toEqual([]);
    },
    BOOT_TIMEOUT_MS,
  );
});
