/**
 * Code mode over MCP with servers nobody here wrote: the reference servers from npm
 * (server-everything, server-memory, server-filesystem over stdio) become functions of the model's
 * Python through `mcpFunctions`. One cell calls a tool in a loop, filters with Python and prints a
 * summary: the tools ran, the model made one `run_python` call, and only the printed lines went
 * back to it, through the chat on both fake Gemini APIs and through the AI SDK tool.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateText, jsonSchema, stepCountIs, tool } from 'ai';
import { MockLanguageModelV4 } from 'ai/test';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type McpFunction, type PythonSandbox, mcpFunctions } from '../../dist/index.node.js';
import { pythonTool } from '../../dist/ai-sdk.js';
import { type CodeExecutionEvent, type LocalFunction, createCodeExecutionChat } from '../../src/agent/index.js';
import type { SandboxFunction } from '../../src/shared/types.js';
import { MODEL, clientFor, declaredFunctions, functionResponses, outputOf, reply, runPythonCall, text } from '../fake-gemini/scenarios.js';
import type { FakeGemini } from '../fake-gemini/server.js';
import { reply as interactionReply, modelOutput, resultJson, runPython } from '../fake-interactions/scenarios.js';
import { localChat, useFakeInteractions } from '../agent/interactions-fixtures.js';
import { useAgentFixture } from '../support/agent-fixtures.js';
import { TROUBLE_SANDBOX_OPTIONS } from '../support/code-call-troubles.js';
import { type ReferenceConnection, connectReferenceServer, temporaryFolder } from '../support/mcp-servers.js';

let fake: FakeGemini;
let sandbox: PythonSandbox;
// A per-call timeout of 1 s, so the slow tool's test is quick.
useAgentFixture((fixture) => ({ fake, sandbox } = fixture), TROUBLE_SANDBOX_OPTIONS);
const interactions = useFakeInteractions();

// Type-level: one entry fits every place that takes code-callable functions.
const _fitsTheSandbox = (fn: McpFunction): SandboxFunction => fn;
const _fitsTheChat = (fn: McpFunction): LocalFunction => fn;

const folder = temporaryFolder('mcp-files-');
const memoryFile = temporaryFolder('mcp-memory-');
/** Twelve files, `file-N.txt` of N × 100 bytes. */
const FILES = Array.from({ length: 12 }, (_, i) => ({ name: `file-${i + 1}.txt`, size: (i + 1) * 100 }));
let everything: ReferenceConnection;
let memory: ReferenceConnection;
let files: ReferenceConnection;
let functions: McpFunction[];

beforeAll(async () => {
  for (const { name, size } of FILES) writeFileSync(join(folder.path, name), 'x'.repeat(size));
  [everything, memory, files] = await Promise.all([
    connectReferenceServer('everything'),
    connectReferenceServer('memory', [], { MEMORY_FILE_PATH: join(memoryFile.path, 'memory.jsonl') }),
    connectReferenceServer('filesystem', [folder.path]),
  ]);
  functions = await mcpFunctions({ everything: everything.client, memory: memory.client, files: files.client });
}, 60_000);

afterAll(async () => {
  await Promise.all([everything?.close(), memory?.close(), files?.close()]);
  folder.remove();
  memoryFile.remove();
});

/** The filesystem cell: every file's size, one get_file_info call each, and the three largest printed. */
const LARGEST_FILES_CODE = (root: string) =>
  [
    `root = ${JSON.stringify(root)}`,
    `listing = (await default_api.files__list_directory(path=root))["content"]`,
    `names = [line.split("] ", 1)[1] for line in listing.splitlines() if line.startswith("[FILE]")]`,
    `sizes = {}`,
    `for name in names:`,
    `    info = (await default_api.files__get_file_info(path=f"{root}/{name}"))["content"]`,
    `    sizes[name] = int(next(l.split(": ")[1] for l in info.splitlines() if l.startswith("size:")))`,
    `top = sorted(sizes, key=sizes.get, reverse=True)[:3]`,
    `print(f"{len(sizes)} files; largest: " + ", ".join(f"{n} ({sizes[n]} B)" for n in top))`,
  ].join('\n');
const LARGEST_FILES_OUTPUT = '12 files; largest: file-12.txt (1200 B), file-11.txt (1100 B), file-10.txt (1000 B)\n';

describe('mcpFunctions on the reference servers', () => {
  it("names each tool <server>__<tool>, with the server's description and input schema", () => {
    const byName = new Map(functions.map((fn) => [fn.name, fn]));
    expect(byName.get('everything__get_structured_content')).toMatchObject({ tool: 'get-structured-content', callableFrom: 'code' });
    expect(byName.get('memory__read_graph')?.description).toMatch(/knowledge graph/i);
    const search = byName.get('files__search_files');
    // A parameter named "pattern" stays; only the keyword of that name, a regular expression, would go.
    expect(search?.parameters).toMatchObject({ type: 'object', properties: { path: { type: 'string' }, pattern: { type: 'string' } } });
    expect(search?.declaration).toEqual({ name: 'files__search_files', description: search?.description, parametersJsonSchema: search?.parameters });
    expect(functions.every((fn) => /^(everything|memory|files)__[A-Za-z0-9_]+$/.test(fn.name))).toBe(true);
  });

  it('gives Python structured content as a dict, text as a str, an image as a block, and an error result as FunctionCallError', async () => {
    const code = [
      'import base64',
      'w = await default_api.everything__get_structured_content(location="Chicago")',
      'print(type(w).__name__, w["conditions"])',
      'e = await default_api.everything__echo(message="hi")',
      'print(type(e).__name__, e)',
      'blocks = await default_api.everything__get_tiny_image()',
      'image = next(b for b in blocks if isinstance(b, dict))',
      'print(image["type"], image["mimeType"], base64.b64decode(image["data"])[:4])',
      'try:',
      '    await default_api.files__read_text_file(path="/etc/passwd")',
      'except default_api.FunctionCallError as error:',
      '    print("server said:", error)',
      'try:',
      '    await default_api.everything__get_sum(a="one", b=2)',
      'except default_api.FunctionCallError as error:',
      '    print("refused:", error)',
    ].join('\n');
    const r = await sandbox.run(code, { functions });
    expect(r.error).toBeUndefined();
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe('dict Light rain / drizzle');
    expect(lines[1]).toBe('str Echo: hi');
    expect(lines[2]).toBe("image image/png b'\\x89PNG'");
    expect(lines[3]).toMatch(/^server said: files__read_text_file: Access denied - path outside allowed directories/);
    // Checked against the tool's schema in the host: the server never saw this call.
    expect(lines[4]).toMatch(/^refused: everything__get_sum: the arguments do not fit everything__get_sum's parameters: arguments\.a/);
  });

  it('waits for a slow tool within the per-call timeout, and keeps the interpreter when one passes it', async () => {
    const slow = [
      'state = "kept"',
      'print(await default_api.everything__trigger_long_running_operation(duration=0.3, steps=3))',
      'try:',
      '    await default_api.everything__trigger_long_running_operation(duration=20, steps=2)',
      'except default_api.FunctionCallError as error:',
      '    print("gave up:", error)',
    ].join('\n');
    const started = performance.now();
    const r = await sandbox.run(slow, { functions, timeoutMs: 15_000 });
    expect(r.stdout).toMatch(/^Long running operation completed\. Duration: 0\.3 seconds, Steps: 3\.\ngave up: .*did not finish within/);
    expect(performance.now() - started).toBeLessThan(12_000);
    expect((await sandbox.run('state')).result).toBe("'kept'");
  });
});

describe('one cell, a tool in a loop, only the summary to the model', () => {
  it('the chat on generateContent: 13 filesystem calls in one run_python call, and the three largest files the only output', async () => {
    const events: CodeExecutionEvent[] = [];
    fake.script([
      {
        expect: (request) => {
          expect(declaredFunctions(request)).toEqual(['run_python']);
          const description = String(request.body.tools?.[0]?.functionDeclarations?.[0]?.description);
          expect(description).toContain('await default_api.files__get_file_info(path: str)');
        },
        reply: reply([runPythonCall(LARGEST_FILES_CODE(folder.path), 'c1')]),
      },
      { reply: (request) => reply([text(`Largest: ${outputOf(request).trim()}`)]) },
    ]);
    const chat = createCodeExecutionChat({ ai: clientFor(fake), model: MODEL, sandbox, functions, onEvent: (e) => events.push(e) });
    await chat.sendMessage({ message: 'Which three files are largest?' });

    expect(fake.requests).toHaveLength(2);
    expect(functionResponses(fake.requests[1])).toEqual([{ id: 'c1', name: 'run_python', response: { outcome: 'OUTCOME_OK', output: LARGEST_FILES_OUTPUT } }]);
    const calls = events.filter((e) => e.type === 'code-call');
    expect(calls.map((e) => e.name)).toEqual(['files__list_directory', ...FILES.map(() => 'files__get_file_info')]);
    expect(calls.every((e) => e.error === undefined)).toBe(true);
    expect(fake.failures).toEqual([]);

    // What the model would have read calling each tool directly, against what it read here.
    const direct = await Promise.all(
      [
        { name: 'list_directory', arguments: { path: folder.path } },
        ...FILES.map((f) => ({ name: 'get_file_info', arguments: { path: join(folder.path, f.name) } })),
      ].map((call) => files.client.callTool(call)),
    );
    const directBytes = direct.reduce((sum, result) => sum + JSON.stringify(result).length, 0);
    const codeModeBytes = JSON.stringify(functionResponses(fake.requests[1])).length;
    console.info(`[mcp-tools] filesystem, 13 calls: direct ${directBytes} B of tool results, code mode ${codeModeBytes} B`);
    expect(codeModeBytes * 10).toBeLessThan(directBytes);
  });

  it('the chat on the Interactions API: memory entities made in a loop, read back, filtered, one line back', async () => {
    const cell = [
      'people = [("Ada", "tea"), ("Bob", "coffee"), ("Cy", "tea"), ("Di", "water"), ("Ed", "tea")]',
      'for name, drink in people:',
      '    await default_api.memory__create_entities(entities=[{"name": name, "entityType": "person", "observations": [f"drinks {drink}"]}])',
      'graph = await default_api.memory__read_graph()',
      'tea = sorted(e["name"] for e in graph["entities"] if "drinks tea" in e["observations"])',
      "print(f\"{len(graph['entities'])} people, tea: {', '.join(tea)}\")",
    ].join('\n');
    const { fake: server } = interactions;
    server.script([
      { reply: interactionReply('requires_action', [runPython(cell, 'c1')]) },
      { reply: (request) => interactionReply('completed', [modelOutput(String(resultJson(request).output))]) },
    ]);
    const res = await localChat(server, sandbox, { functions }).sendMessage({ message: 'Who drinks tea?' });
    expect(server.requests).toHaveLength(2);
    expect(resultJson(server.requests[1])).toEqual({ outcome: 'OUTCOME_OK', output: '5 people, tea: Ada, Cy, Ed\n' });
    expect(res.text).toBe('5 people, tea: Ada, Cy, Ed\n');
    // The tools ran: the server's graph has them.
    const graph = (await memory.client.callTool({ name: 'read_graph', arguments: {} })).structuredContent as { entities: unknown[] };
    expect(graph.entities).toHaveLength(5);
    expect(server.failures).toEqual([]);
  });

  it('the AI SDK tool on MockLanguageModelV4: three weather calls, the warmest city the only tool output', async () => {
    const cell = [
      'weather = {}',
      'for city in ["New York", "Chicago", "Los Angeles"]:',
      '    weather[city] = await default_api.everything__get_structured_content(location=city)',
      'warmest = max(weather, key=lambda c: weather[c]["temperature"])',
      'print(f"warmest: {warmest} ({weather[warmest][\'temperature\']} C)")',
    ].join('\n');
    const usage = {
      inputTokens: { total: 1, noCache: 1, cacheRead: undefined, cacheWrite: undefined },
      outputTokens: { total: 1, text: 1, reasoning: undefined },
    };
    const model = new MockLanguageModelV4({
      doGenerate: [
        {
          content: [{ type: 'tool-call', toolCallId: 'call-1', toolName: 'run_python', input: JSON.stringify({ code: cell }) }],
          finishReason: { unified: 'tool-calls', raw: undefined },
          usage,
          warnings: [],
        },
        { content: [{ type: 'text', text: 'done' }], finishReason: { unified: 'stop', raw: undefined }, usage, warnings: [] },
      ],
    });
    const everythingOnly = functions.filter((fn) => fn.name.startsWith('everything__'));
    const run = pythonTool(sandbox, { functions: everythingOnly });
    const echo = tool({ inputSchema: jsonSchema({ type: 'object' }), execute: () => 'echo' });
    expect(() => pythonTool(sandbox, { tools: { everything__echo: echo }, functions: everythingOnly })).toThrow(/both in tools and in functions/);
    expect(run.description).toContain('await default_api.everything__get_structured_content(location: str)');
    await generateText({ model, tools: { run_python: run }, stopWhen: stepCountIs(3), prompt: 'Where is it warmest?' });
    expect(model.doGenerateCalls).toHaveLength(2);
    const toolMessage = model.doGenerateCalls[1].prompt.find((message) => message.role === 'tool');
    expect(toolMessage?.content).toEqual([
      expect.objectContaining({
        type: 'tool-result',
        toolCallId: 'call-1',
        output: { type: 'content', value: [{ type: 'text', text: 'warmest: Los Angeles (73 C)' }] },
      }),
    ]);
  });
});
