/**
 * The AI SDK adapter (dist/ai-sdk.js) with the AI SDK's own mock model: `generateText` runs the
 * model's `run_python` call in a real sandbox and feeds the run back, text and images, in the
 * next model call's prompt.
 */
import { convertToModelMessages, generateText, jsonSchema, stepCountIs, tool } from 'ai';
import { MockLanguageModelV4 } from 'ai/test';
import { beforeEach, describe, expect, test } from 'vitest';
import { z as z3 } from 'zod/v3';
import { z as z4 } from 'zod/v4';
import type { PythonSandbox } from '../../dist/index.node.js';
import { pythonTool, pythonToolDefinition, pythonToolModelOutput, runPythonToolCall } from '../../dist/ai-sdk.js';
import { DEFAULT_API_OWN_NAMES } from '../../src/shared/default-api-names.js';
import { DISPLAY_PNG_CODE } from '../support/agent-fixtures.js';
import { useSandbox } from '../support/fixtures.js';
import { PNG_1X1_BASE64, pngSize } from '../support/png.js';

let sandbox: PythonSandbox;
useSandbox({ warmSpare: false }, (made) => {
  sandbox = made;
});

beforeEach(async () => {
  await sandbox.reset();
});

const USAGE = {
  inputTokens: { total: 1, noCache: 1, cacheRead: undefined, cacheWrite: undefined },
  outputTokens: { total: 1, text: 1, reasoning: undefined },
};

/** A model that calls run_python with `code` once, then answers "done". */
function modelCalling(input: unknown) {
  return new MockLanguageModelV4({
    doGenerate: [
      {
        content: [{ type: 'tool-call', toolCallId: 'call-1', toolName: 'run_python', input: JSON.stringify(input) }],
        finishReason: { unified: 'tool-calls', raw: undefined },
        usage: USAGE,
        warnings: [],
      },
      { content: [{ type: 'text', text: 'done' }], finishReason: { unified: 'stop', raw: undefined }, usage: USAGE, warnings: [] },
    ],
  });
}

/** The tool result the second model call was sent. */
function toolResultSent(model: MockLanguageModelV4): Record<string, unknown> {
  const prompt = model.doGenerateCalls[1]?.prompt ?? [];
  const message = prompt.find((m) => m.role === 'tool');
  const part = (message?.content as { type: string }[] | undefined)?.find((p) => p.type === 'tool-result');
  if (!part) throw new Error(`no tool result in the second prompt: ${JSON.stringify(prompt)}`);
  return part as unknown as Record<string, unknown>;
}

test("generateText runs the model's call and sends the run's text back in the next prompt", async () => {
  const model = modelCalling({ code: 'x = 6 * 7\nprint("x is", x)\nx' });
  const result = await generateText({ model, tools: { run_python: pythonTool(sandbox) }, stopWhen: stepCountIs(3), prompt: 'compute' });
  expect(result.text).toBe('done');
  expect(model.doGenerateCalls).toHaveLength(2);
  expect(toolResultSent(model)).toMatchObject({
    toolCallId: 'call-1',
    toolName: 'run_python',
    output: { type: 'content', value: [{ type: 'text', text: 'x is 42\n42' }] },
  });
  // State is the sandbox's: the next call sees x.
  expect((await sandbox.run('x')).result).toBe('42');
});

test('an image the run displays reaches the model as a media part of the tool result', async () => {
  const model = modelCalling({ code: DISPLAY_PNG_CODE });
  await generateText({ model, tools: { run_python: pythonTool(sandbox) }, stopWhen: stepCountIs(3), prompt: 'draw' });
  const { output } = toolResultSent(model) as { output: { value: { type: string; mediaType?: string; data?: { type: string; data: string } }[] } };
  expect(output.value[0]).toMatchObject({ type: 'text', text: 'drawn' });
  expect(output.value[1]).toMatchObject({ type: 'file', mediaType: 'image/png', data: { type: 'data' } });
  expect(pngSize(output.value[1].data?.data ?? '')).toEqual({ width: 1, height: 1 });
});

test('input that is not usable code goes back to the model as a tool error', async () => {
  const model = modelCalling({ code: 42 });
  await generateText({ model, tools: { run_python: pythonTool(sandbox) }, stopWhen: stepCountIs(3), prompt: 'compute' });
  expect(toolResultSent(model)).toMatchObject({ output: { type: 'error-text', value: expect.stringContaining('"code"') } });
});

test("the call's abortSignal stops the run, and the sandbox keeps its state", async () => {
  await sandbox.run('kept = 1');
  const controller = new AbortController();
  const model = modelCalling({ code: 'while True: pass' });
  const started = Date.now();
  const running = generateText({ model, tools: { run_python: pythonTool(sandbox) }, stopWhen: stepCountIs(3), prompt: 'spin', abortSignal: controller.signal });
  setTimeout(() => controller.abort(), 1000);
  await expect(running).rejects.toThrow();
  expect(Date.now() - started).toBeLessThan(15_000);
  expect((await sandbox.run('kept')).result).toBe('1');
});

describe('the definition and the model output', () => {
  test('the description tells the truth about where the code runs and its network; the definition for a browser has no execute', () => {
    const thread = pythonTool(sandbox).description;
    expect(thread).toContain('in a worker thread of the server');
    expect(thread).toContain('not isolated from its machine');
    expect(thread).not.toContain('no network access');
    const deno = pythonTool({ limits: sandbox.limits, isolation: 'deno', run: (code) => sandbox.run(code) }).description;
    expect(deno).toContain('in a locked-down Deno process');
    expect(deno).toContain('There is no network access');
    const definition = pythonToolDefinition();
    expect(definition.description).toContain("(Pyodide, in the user's browser)");
    expect(definition.description).toContain('There is no network access');
    expect(definition.execute).toBeUndefined();
  });

  test('takes limits.maxCodeChars and limits.timeoutMs; the deprecated top-level names still work; both at once is a TypeError', async () => {
    const schemaOf = (definition: ReturnType<typeof pythonToolDefinition>) => (definition.inputSchema as { jsonSchema: unknown }).jsonSchema;
    const limited = pythonToolDefinition({ limits: { maxCodeChars: 50, timeoutMs: 7_000 } });
    expect(schemaOf(limited)).toMatchObject({ properties: { code: { maxLength: 50 } } });
    expect(limited.description).toContain('Each call may run for at most 7 s.');
    const legacy = pythonToolDefinition({ maxCodeChars: 50, timeoutMs: 7_000 });
    expect(schemaOf(legacy)).toEqual(schemaOf(limited));
    expect(legacy.description).toBe(limited.description);
    // Each run gets the tool's timeoutMs, under either name (a stand-in sandbox records what it was asked).
    const asked: (number | undefined)[] = [];
    const recording = {
      limits: { timeoutMs: 30_000 },
      run: (code: string, options?: { timeoutMs?: number }) => (asked.push(options?.timeoutMs), sandbox.run(code)),
    };
    await runPythonToolCall(recording, { code: '1' }, { limits: { timeoutMs: 7_000 } });
    await runPythonToolCall(recording, { code: '1' }, { timeoutMs: 6_000 });
    await pythonTool(recording, { limits: { timeoutMs: 5_000 } }).execute?.({ code: '1' }, { toolCallId: 'c', messages: [], context: {} });
    expect(asked).toEqual([7_000, 6_000, 5_000]);
    // Checked before the sandbox is asked to run anything.
    await expect(runPythonToolCall(sandbox, { code: 'x'.repeat(51) }, { limits: { maxCodeChars: 50 } })).rejects.toThrow(
      /51 characters; at most 50 are accepted/,
    );
    await expect(runPythonToolCall(sandbox, { code: 'x'.repeat(51) }, { maxCodeChars: 50 })).rejects.toThrow(/at most 50 are accepted/);
    expect(() => pythonTool(sandbox, { timeoutMs: 1_000, limits: { timeoutMs: 1_000 } })).toThrow(
      'timeoutMs and limits.timeoutMs are both given; keep limits.timeoutMs (timeoutMs is deprecated)',
    );
    // @ts-expect-error: maxOutputBytes is the sandbox's.
    expect(() => pythonToolDefinition({ limits: { maxOutputBytes: 1 } })).toThrow(
      /limits.maxOutputBytes is not a limit of the AI SDK tool \(its limits: maxCodeChars, timeoutMs\); the sandbox's/,
    );
  });

  test('output that came from a browser is checked: only well-formed raster images pass', () => {
    const output = pythonToolModelOutput({
      text: 'hi',
      images: [
        { mimeType: 'image/png', data: PNG_1X1_BASE64 },
        { mimeType: 'image/svg+xml', data: 'PHN2Zy8+' },
        { mimeType: 'image/png', data: 'not base64!' },
        'junk',
      ],
    });
    expect(output).toEqual({
      type: 'content',
      value: [
        { type: 'text', text: 'hi' },
        { type: 'file', mediaType: 'image/png', data: { type: 'data', data: PNG_1X1_BASE64 } },
      ],
    });
    expect(pythonToolModelOutput(null)).toEqual({ type: 'content', value: [{ type: 'text', text: '(the tool returned no text)' }] });
  });

  test('images are passed on up to 10 MiB each and 25 MiB together; the others are named in a note, with why', () => {
    // One string (flat, as a parsed body gives it), referenced twenty times: 800,000,000 characters of base64 in one output.
    const huge = Buffer.alloc(40_000_000, 'A').toString('latin1');
    const cpuMs = () => {
      const { user, system } = process.threadCpuUsage();
      return (user + system) / 1000;
    };
    const started = cpuMs();
    const flooded = pythonToolModelOutput({ text: 'hi', images: Array.from({ length: 20 }, () => ({ mimeType: 'image/png', data: huge })) });
    // Bounded before any work on the data: scanning 800,000,000 characters takes over a second of
    // CPU, decoding them ~0.4 s, this a few milliseconds. Counted in this thread's CPU time, which a
    // loaded machine does not stretch (its wall-clock time read 101 ms against a bound of 100 there).
    expect(cpuMs() - started).toBeLessThan(250);
    expect(flooded.type === 'content' && flooded.value.map((part) => part.type)).toEqual(['text', 'text']);
    const note = flooded.type === 'content' && flooded.value[1].type === 'text' ? flooded.value[1].text : '';
    expect(note.split('\n')).toHaveLength(20);
    expect(note).toContain('[image 1 (image/png, 30,000,000 bytes) left out: larger than the 10,485,760 bytes one image may have]');

    const nine = 'A'.repeat(12_000_000); // 9,000,000 bytes
    const output = pythonToolModelOutput({ text: 'hi', images: [nine, nine, nine, PNG_1X1_BASE64].map((data) => ({ mimeType: 'image/png', data })) });
    expect(output.type === 'content' && output.value.map((part) => (part.type === 'text' ? part.text : part.type))).toEqual([
      'hi',
      'file',
      'file',
      'file',
      '[image 3 (image/png, 9,000,000 bytes) left out: the images before it come to 18,000,000 bytes, and 26,214,400 is the most passed on]',
    ]);
  });
});

test("useChat's server half: the browser's output becomes text and image parts through the definition's toModelOutput", async () => {
  const output = await runPythonToolCall(sandbox, { code: DISPLAY_PNG_CODE });
  const tools = { run_python: pythonToolDefinition() };
  const messages = await convertToModelMessages(
    [
      { role: 'user', parts: [{ type: 'text', text: 'draw' }] },
      { role: 'assistant', parts: [{ type: 'tool-run_python', toolCallId: 'call-1', state: 'output-available', input: { code: DISPLAY_PNG_CODE }, output }] },
    ] as never,
    { tools },
  );
  const result = messages.flatMap((message) => (message.role === 'tool' ? message.content : [])).find((part) => part.type === 'tool-result');
  expect(result).toMatchObject({
    toolCallId: 'call-1',
    output: {
      type: 'content',
      value: [
        { type: 'text', text: 'drawn' },
        { type: 'file', mediaType: 'image/png' },
      ],
    },
  });
});

describe('code mode: AI SDK tools called from the code', () => {
  /** get_sales_data as an AI SDK tool, its calls counted: region-N sold N a month for three months. */
  function salesTool() {
    const calls: { region: string; toolCallId: string }[] = [];
    const getSales = tool({
      description: 'Monthly sales of one region.',
      inputSchema: jsonSchema<{ region: string }>({ type: 'object', properties: { region: { type: 'string' } }, required: ['region'] }),
      execute: async ({ region }, { toolCallId }) => {
        calls.push({ region, toolCallId });
        const n = Number(region.split('-')[1]);
        return { region, months: [n, n, n] };
      },
    });
    return { getSales, calls };
  }

  const SUMMARY_CODE = [
    'totals = {}',
    'for i in range(1, 13):',
    '    data = await default_api.get_sales_data(region=f"region-{i}")',
    '    totals[data["region"]] = sum(data["months"])',
    'best = max(totals, key=totals.get)',
    'print(f"{len(totals)} regions, best {best} with {totals[best]}")',
  ].join('\n');

  test("generateText: one run_python call runs the tool 12 times, and the model gets back only the run's output", async () => {
    const { getSales, calls } = salesTool();
    const model = modelCalling({ code: SUMMARY_CODE });
    const run = pythonTool(sandbox, { tools: { get_sales_data: getSales } });
    expect(run.description).toContain('await default_api.get_sales_data(region: str): Monthly sales of one region.');
    await generateText({ model, tools: { run_python: run }, stopWhen: stepCountIs(3), prompt: 'Which region sells most?' });
    expect(calls.map((call) => call.region)).toEqual(Array.from({ length: 12 }, (_, i) => `region-${i + 1}`));
    expect(calls[0].toolCallId).toBe('call-1/get_sales_data-1');
    expect(model.doGenerateCalls).toHaveLength(2);
    expect(model.doGenerateCalls[0].tools?.map((t) => t.name)).toEqual(['run_python']);
    expect(toolResultSent(model)).toMatchObject({ output: { type: 'content', value: [{ type: 'text', text: '12 regions, best region-12 with 36' }] } });
  });

  test('arguments its input schema refuses never reach execute; a throwing execute raises in Python', async () => {
    const { getSales, calls } = salesTool();
    const failing = tool({
      inputSchema: jsonSchema<Record<string, unknown>>({ type: 'object', properties: {} }),
      execute: async (): Promise<string> => {
        throw new Error('the warehouse is closed');
      },
    });
    const code = [
      'for call in (lambda: default_api.get_sales_data(region=7), lambda: default_api.stock()):',
      '    try:',
      '        await call()',
      '    except default_api.FunctionCallError as error:',
      '        print(type(error).__name__, "-", str(error)[:60])',
    ].join('\n');
    const r = await runPythonToolCall(sandbox, { code }, { tools: { get_sales_data: getSales, stock: failing } });
    expect(r.text).toContain('FunctionCallError - get_sales_data: the arguments do not fit');
    expect(r.text).toContain('FunctionCallError - stock: the warehouse is closed');
    expect(calls).toEqual([]);
  });

  test.each([
    ['zod 3', z3],
    ['zod/v4', z4],
  ] as const)("with %s, execute gets only what the tool's own schema parses to: refinements refuse, transforms and defaults apply", async (_name, z) => {
    const reads: unknown[] = [];
    const readNote = tool({
      inputSchema: (z as typeof z4).object({
        path: (z as typeof z4)
          .string()
          .refine((path) => !path.split('/').includes('..'), 'path must not climb out of the notes folder')
          .transform((path) => `notes/${path}`),
        lines: (z as typeof z4).number().int().default(10),
      }),
      execute: async (input) => {
        reads.push(input);
        return 'ok';
      },
    });
    const code = [
      'for path in ("../../../home/user/.ssh/id_ed25519", "todo.txt"):',
      '    try:',
      '        print(await default_api.read_note(path=path))',
      '    except default_api.FunctionCallError as error:',
      '        print("refused:", "must not climb out" in str(error))',
    ].join('\n');
    const r = await runPythonToolCall(sandbox, { code }, { tools: { read_note: readNote } });
    expect(r.text).toContain('refused: True\nok');
    expect(reads).toEqual([{ path: 'notes/todo.txt', lines: 10 }]);
  });

  test('a tool with needsApproval runs only when confirm says true; a declined call raises in Python and execute never runs', async () => {
    const sent: string[] = [];
    const asked: unknown[] = [];
    const sendEmail = tool({
      inputSchema: jsonSchema<{ to: string }>({ type: 'object', properties: { to: { type: 'string' } }, required: ['to'] }),
      // Internal addresses need no approval: needsApproval's function decides per call.
      needsApproval: async ({ to }) => !to.endsWith('@example.com'),
      execute: async ({ to }) => sent.push(to),
    });
    const { getSales, calls } = salesTool();
    const confirm = (call: { name: string; args: Record<string, unknown> }) => {
      asked.push(call);
      return false;
    };
    const code = [
      'await default_api.get_sales_data(region="region-1")',
      'for to in ("boss@example.com", "press@elsewhere.org"):',
      '    try:',
      '        await default_api.send_email(to=to)',
      '        print("sent", to)',
      '    except default_api.FunctionCallError as error:',
      '        print(error)',
    ].join('\n');
    const model = modelCalling({ code });
    const run = pythonTool(sandbox, { tools: { get_sales_data: getSales, send_email: sendEmail }, confirm });
    await generateText({ model, tools: { run_python: run }, stopWhen: stepCountIs(3), prompt: 'Mail them.' });
    expect(toolResultSent(model)).toMatchObject({
      output: { value: [{ type: 'text', text: 'sent boss@example.com\nsend_email: the user declined this call of send_email; it did not run' }] },
    });
    expect(sent).toEqual(['boss@example.com']);
    // Only the call needsApproval flagged was asked about; get_sales_data has no needsApproval.
    expect(asked).toEqual([{ name: 'send_email', args: { to: 'press@elsewhere.org' } }]);
    expect(calls).toHaveLength(1);
    // Without confirm, a tool with needsApproval is refused when the tool is made.
    expect(() => pythonTool(sandbox, { tools: { send_email: sendEmail } })).toThrow(/has needsApproval, so pythonTool needs a confirm function/);
  });

  test('tools are checked when the tool is made: a name Python cannot call or default_api has, or no execute where the code runs', () => {
    const { getSales } = salesTool();
    expect(() => pythonTool(sandbox, { tools: { 'get-sales': getSales } })).toThrow(/"get-sales" must be an ASCII Python identifier/);
    for (const name of DEFAULT_API_OWN_NAMES) {
      expect(() => pythonTool(sandbox, { tools: { [name]: getSales } })).toThrow(
        `tools: "${name}" must not be one of default_api's own names (AwaitRequired, FunctionCallError, search_tools)`,
      );
      expect(() => pythonTool(sandbox, { functions: [{ name, handler: () => 1 }] })).toThrow(
        `functions[0].name must not be one of default_api's own names (AwaitRequired, FunctionCallError, search_tools); got "${name}"`,
      );
    }
    const { execute: _, ...definitionOnly } = getSales;
    expect(() => pythonTool(sandbox, { tools: { get_sales_data: definitionOnly } })).toThrow(/needs an execute function/);
    // A server's definition, whose browser runs the code, lists them without execute.
    expect(pythonToolDefinition({ tools: { get_sales_data: definitionOnly } }).description).toContain('default_api.get_sales_data(region: str)');
  });
});
