/**
 * Code mode in the chat: functions the app marks `callableFrom: 'code'` are called by the model's
 * Python (`await default_api.name(...)`) inside one `run_python` run, not by the model one round
 * trip at a time. Against the fake Gemini server and the real sandbox.
 */
import { describe, expect, it } from 'vitest';
import type { PythonSandbox } from '../../dist/index.node.js';
import { type AgentSandbox, type CodeExecutionEvent, type LocalFunction, createCodeExecutionChat, isAbortError } from '../../src/agent/index.js';
import { DEFAULT_API_OWN_NAMES } from '../../src/shared/default-api-names.js';
import { MODEL, clientFor, declaredFunctions, functionCall, functionResponses, outputOf, reply, runPythonCall, text } from '../fake-gemini/scenarios.js';
import type { FakeGemini } from '../fake-gemini/server.js';
import type { RecordedRequest } from '../fake-gemini/wire.js';
import { functionResults, modelOutput, reply as interactionReply, resultJson, runPython } from '../fake-interactions/scenarios.js';
import { useAgentFixture } from '../support/agent-fixtures.js';
import { SALES, TROUBLES, TROUBLE_SANDBOX_OPTIONS, salesFunction, troubleCell, troubled } from '../support/code-call-troubles.js';
import { localChat, useFakeInteractions } from './interactions-fixtures.js';

let fake: FakeGemini;
let sandbox: PythonSandbox;
useAgentFixture((fixture) => ({ fake, sandbox } = fixture), TROUBLE_SANDBOX_OPTIONS);
const interactions = useFakeInteractions();

const REGIONS = Array.from({ length: 12 }, (_, i) => `region-${i + 1}`);

/** The model's one cell: every region's total, printed as one line. */
const SUMMARY_CODE = [
  `totals = {}`,
  `for region in ${JSON.stringify(REGIONS)}:`,
  `    data = await default_api.get_sales_data(region=region)`,
  `    totals[region] = sum(data["months"])`,
  `best = max(totals, key=totals.get)`,
  `print(f"{len(totals)} regions, best {best} with {totals[best]}")`,
].join('\n');

function runPythonDescription(request: RecordedRequest): string {
  const declarations = (request.body.tools ?? []).flatMap((tool) => tool.functionDeclarations ?? []);
  return declarations.find((declaration) => declaration.name === 'run_python')?.description ?? '';
}

describe('a function callable from code', () => {
  it('is called 12 times by one cell: the model makes one run_python call and gets back only the output', async () => {
    const { fn, calls } = salesFunction('code');
    const events: CodeExecutionEvent[] = [];
    fake.script([
      {
        expect: (request) => {
          // Not one of the model's own functions: listed in run_python's description as Python.
          expect(declaredFunctions(request)).toEqual(['run_python']);
          expect(runPythonDescription(request)).toContain('await default_api.get_sales_data(region: str): Monthly sales of one region, in euros.');
        },
        reply: reply([runPythonCall(SUMMARY_CODE, 'c1')]),
      },
      { reply: (request) => reply([text(`Answer: ${outputOf(request).trim()}`)]) },
    ]);
    const chat = createCodeExecutionChat({ ai: clientFor(fake), model: MODEL, sandbox, functions: [fn], onEvent: (e) => events.push(e) });
    const res = await chat.sendMessage({ message: 'Which region sells most?' });

    expect(calls).toEqual(REGIONS);
    expect(fake.requests).toHaveLength(2);
    expect(functionResponses(fake.requests[1])).toEqual([
      { id: 'c1', name: 'run_python', response: { outcome: 'OUTCOME_OK', output: '12 regions, best region-12 with 36\n' } },
    ]);
    expect(res.text).toBe('Answer: 12 regions, best region-12 with 36');
    const codeCalls = events.filter((e) => e.type === 'code-call');
    expect(codeCalls).toHaveLength(12);
    expect(codeCalls[0]).toMatchObject({ type: 'code-call', step: 1, callId: 'c1', name: 'get_sales_data', args: { region: 'region-1' } });
    expect(fake.failures).toEqual([]);
  });

  it('is unknown to the model when only code may call it, and offered both ways with "both"', async () => {
    const codeOnly = salesFunction('code');
    fake.script([
      { reply: reply([functionCall('get_sales_data', { region: 'region-1' }, 'f1')]) },
      {
        expect: (request) => {
          expect(String(functionResponses(request)[0].response?.error)).toContain('Unknown function "get_sales_data". Available functions: run_python.');
        },
        reply: reply([text('I cannot.')]),
      },
    ]);
    await createCodeExecutionChat({ ai: clientFor(fake), model: MODEL, sandbox, functions: [codeOnly.fn] }).sendMessage({ message: 'Sales?' });
    expect(codeOnly.calls).toEqual([]);

    fake.reset();
    const both = salesFunction('both');
    fake.script([
      {
        expect: (request) => {
          expect(declaredFunctions(request)).toEqual(['run_python', 'get_sales_data']);
          expect(runPythonDescription(request)).toContain('default_api.get_sales_data(region: str)');
        },
        reply: reply([functionCall('get_sales_data', { region: 'region-2' }, 'f1')]),
      },
      { reply: reply([runPythonCall('print((await default_api.get_sales_data(region="region-3"))["months"])', 'c1')]) },
      { reply: (request) => reply([text(outputOf(request))]) },
    ]);
    const res = await createCodeExecutionChat({ ai: clientFor(fake), model: MODEL, sandbox, functions: [both.fn] }).sendMessage({ message: 'Sales?' });
    expect(both.calls).toEqual(['region-2', 'region-3']);
    expect(res.text).toBe('[3, 3, 3]\n');
    expect(fake.failures).toEqual([]);
  });

  it('is refused where it cannot apply: server execution, a name Python cannot call or default_api has, an unknown callableFrom, a confirm never asked', () => {
    const { fn } = salesFunction('code');
    const ai = clientFor(fake);
    expect(() => createCodeExecutionChat({ ai, model: MODEL, execution: 'server', functions: [fn] })).toThrow(/needs execution "local"/);
    const dashed = { ...fn, declaration: { ...SALES, name: 'get-sales' } };
    expect(() => createCodeExecutionChat({ ai, model: MODEL, sandbox, functions: [dashed] })).toThrow(
      /"get-sales" is callable from code, so its name must be an ASCII Python identifier/,
    );
    // default_api's own names are taken: a function named AwaitRequired would replace the exception Python raises.
    for (const name of DEFAULT_API_OWN_NAMES) {
      const own = { ...fn, declaration: { ...SALES, name } };
      expect(() => createCodeExecutionChat({ ai, model: MODEL, sandbox, functions: [own] })).toThrow(
        `"${name}" is callable from code, so its name must not be one of default_api's own names (AwaitRequired, FunctionCallError, search_tools)`,
      );
    }
    const odd = { ...fn, callableFrom: 'python' as unknown as 'code' };
    expect(() => createCodeExecutionChat({ ai, model: MODEL, sandbox, functions: [odd] })).toThrow(/must be "model", "code" or "both"/);
    // A confirm is asked only for calls from code: on a function only the model calls it would gate nothing.
    const gated = { ...fn, callableFrom: 'model' as const, confirm: () => true };
    expect(() => createCodeExecutionChat({ ai, model: MODEL, sandbox, functions: [gated] })).toThrow(/confirm, which is asked only for calls from code/);
  });

  it('works the same on the Interactions API: one function_call, 12 calls from code, the output alone in its function_result', async () => {
    const { fn, calls } = salesFunction('code');
    const { fake: server } = interactions;
    server.script([
      {
        expect: (request) => {
          const tools = (request.body.tools ?? []) as { type: string; name?: string; description?: string }[];
          expect(tools.map((tool) => tool.name)).toEqual(['run_python']);
          expect(tools[0].description).toContain('await default_api.get_sales_data(region: str)');
        },
        reply: interactionReply('requires_action', [runPython(SUMMARY_CODE, 'c1')]),
      },
      { reply: (request) => interactionReply('completed', [modelOutput(String(resultJson(request).output))]) },
    ]);
    const res = await localChat(server, sandbox, { functions: [fn] }).sendMessage({ message: 'Which region sells most?' });
    expect(calls).toEqual(REGIONS);
    expect(server.requests).toHaveLength(2);
    expect(functionResults(server.requests[1])).toHaveLength(1);
    expect(resultJson(server.requests[1])).toEqual({ outcome: 'OUTCOME_OK', output: '12 regions, best region-12 with 36\n' });
    expect(res.text).toBe('12 regions, best region-12 with 36\n');
    expect(server.failures).toEqual([]);
  });
});

/** The cell as Gemini often writes it: plain calls inside a helper, called in a loop, no `await`. */
const PLAIN_SUMMARY_CODE = [
  `def total(region):`,
  `    return sum(default_api.get_sales_data(region=region)["months"])`,
  `totals = {region: total(region) for region in ${JSON.stringify(REGIONS)}}`,
  `best = max(totals, key=totals.get)`,
  `print(f"{len(totals)} regions, best {best} with {totals[best]}")`,
].join('\n');

/**
 * Plain calls wait for the page in place on every supported Node: through JSPI where the engine
 * has it (24, 26), else with the worker's thread blocked on a SharedArrayBuffer (22).
 */
describe('a call from plain code (no await), as Gemini writes it', () => {
  it('waits for each answer inside a helper called in a loop: one run_python call, 12 calls, the output alone', async () => {
    const { fn, calls } = salesFunction('code');
    fake.script([{ reply: reply([runPythonCall(PLAIN_SUMMARY_CODE, 'c1')]) }, { reply: (request) => reply([text(`Answer: ${outputOf(request).trim()}`)]) }]);
    const res = await createCodeExecutionChat({ ai: clientFor(fake), model: MODEL, sandbox, functions: [fn] }).sendMessage({
      message: 'Which region sells most?',
    });
    expect(calls).toEqual(REGIONS);
    expect(functionResponses(fake.requests[1])).toEqual([
      { id: 'c1', name: 'run_python', response: { outcome: 'OUTCOME_OK', output: '12 regions, best region-12 with 36\n' } },
    ]);
    expect(res.text).toBe('Answer: 12 regions, best region-12 with 36');
  });

  it("is stopped by the run's deadline while it waits: the model is told so, the handler's signal aborts, the interpreter keeps its state", async () => {
    const { functions, seen } = troubled();
    // The chat's runs get the sandbox's deadline: here 500 ms, well under the per-call timeout.
    const shortDeadline: AgentSandbox = {
      limits: { timeoutMs: 500 },
      run: (code, options) => sandbox.run(code, { ...options, timeoutMs: 500 }),
      writeFile: (path, data) => sandbox.writeFile(path, data),
    };
    const cell = ['state = 0', 'def ask():', '    return default_api.wait_forever()', 'for _ in range(3):', '    state += 1', '    ask()'].join('\n');
    fake.script([{ reply: reply([runPythonCall(cell, 'c1')]) }, { reply: reply([text('Too slow.')]) }]);
    const started = Date.now();
    await createCodeExecutionChat({ ai: clientFor(fake), model: MODEL, sandbox: shortDeadline, functions }).sendMessage({ message: 'Go.' });
    expect(Date.now() - started).toBeLessThan(5000);
    expect(functionResponses(fake.requests[1])[0]?.response).toMatchObject({ outcome: 'OUTCOME_DEADLINE_EXCEEDED' });
    expect(seen.waiting).toBe(1);
    expect(seen.aborted).toHaveLength(1);
    expect(await sandbox.run('state')).toMatchObject({ result: '1', stateLost: false });
  });
});

describe.each(['generateContent', 'interactions'] as const)('a call from code that goes wrong (%s API)', (api) => {
  /** A chat on `api`'s fake whose model runs `cell`, then `print(state)`, then answers: the outputs of both runs. */
  async function converse(cell: string, functions: LocalFunction[], events: CodeExecutionEvent[], abortSignal?: AbortSignal) {
    const onEvent = (e: CodeExecutionEvent) => events.push(e);
    const message = { message: 'Go.', ...(abortSignal && { config: { abortSignal } }) };
    if (api === 'generateContent') {
      fake.script([{ reply: reply([runPythonCall(cell, 'c1')]) }, { reply: reply([runPythonCall('print(state)', 'c2')]) }, { reply: reply([text('Done.')]) }]);
      await createCodeExecutionChat({ ai: clientFor(fake), model: MODEL, sandbox, functions, onEvent }).sendMessage(message);
      return [outputOf(fake.requests[1]), outputOf(fake.requests[2])];
    }
    const { fake: server } = interactions;
    server.script([
      { reply: interactionReply('requires_action', [runPython(cell, 'c1')]) },
      { reply: interactionReply('requires_action', [runPython('print(state)', 'c2')]) },
      { reply: interactionReply('completed', [modelOutput('Done.')]) },
    ]);
    await localChat(server, sandbox, { functions, onEvent }).sendMessage(message);
    return [resultJson(server.requests[1]).output, resultJson(server.requests[2]).output];
  }

  it.each(TROUBLES)('$case raises in Python, and the interpreter keeps its state for the next run_python call', async (trouble) => {
    const { functions, seen } = troubled();
    const events: CodeExecutionEvent[] = [];
    const [first, second] = await converse(troubleCell(trouble.call, trouble.case), functions, events);
    expect(first).toMatch(trouble.output);
    expect(second).toBe(`${trouble.case}\n`);
    trouble.check(seen, events);
    const ends = events.filter((e) => e.type === 'run-end');
    expect(ends.map((e) => e.result.stateLost)).toEqual([false, false]);
  });

  it("stops a call pending when the message is aborted: the handler's signal aborts, the interpreter keeps its state", async () => {
    const { functions, seen } = troubled();
    const controller = new AbortController();
    const events: CodeExecutionEvent[] = [];
    const stopping = converse(troubleCell('await default_api.wait_forever()', 'stopped'), functions, events, controller.signal);
    while (seen.waiting === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    controller.abort();
    expect(
      isAbortError(
        await stopping.then(
          () => undefined,
          (error: unknown) => error,
        ),
      ),
    ).toBe(true);
    expect(seen.aborted).toHaveLength(1);
    expect(await sandbox.run('state')).toMatchObject({ result: "'stopped'", stateLost: false });
  });
});
