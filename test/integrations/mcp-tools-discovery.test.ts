/**
 * Discovery on demand: with many code-callable functions (here the reference servers' tools,
 * twice over) `run_python`'s description stops listing every signature, which each request would
 * carry, and names the servers and how to look a tool up from Python instead; `help()` shows a
 * function's signature and description, so the model reads only what it needs.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type McpFunction, type PythonSandbox, mcpFunctions } from '../../dist/index.node.js';
import { MAX_LISTED_CHARS, codeFunctionsSentence } from '../../src/agent/run-python/code-functions.js';
import { createCodeExecutionChat } from '../../src/agent/index.js';
import { MODEL, clientFor, outputOf, reply, runPythonCall, text } from '../fake-gemini/scenarios.js';
import type { FakeGemini } from '../fake-gemini/server.js';
import { useAgentFixture } from '../support/agent-fixtures.js';
import { type ReferenceConnection, connectReferenceServer, temporaryFolder } from '../support/mcp-servers.js';

let fake: FakeGemini;
let sandbox: PythonSandbox;
useAgentFixture((fixture) => ({ fake, sandbox } = fixture));

const state = temporaryFolder('mcp-discovery-');
let servers: ReferenceConnection[];
/** 72 functions: three servers' tools under two names each. */
let functions: McpFunction[];

beforeAll(async () => {
  servers = await Promise.all([
    connectReferenceServer('everything'),
    connectReferenceServer('memory', [], { MEMORY_FILE_PATH: join(state.path, 'memory.jsonl') }),
    connectReferenceServer('filesystem', [state.path]),
  ]);
  const [everything, memory, files] = servers.map((server) => server.client);
  functions = await mcpFunctions({ everything, memory, files, everything_b: everything, memory_b: memory, files_b: files });
}, 60_000);

afterAll(async () => {
  await Promise.all(servers?.map((server) => server.close()) ?? []);
  state.remove();
});

it('names the servers in run_python’s description instead of every signature, and the model finds a tool from Python', async () => {
  const full = codeFunctionsSentence(
    functions.map((fn) => fn.declaration),
    Number.POSITIVE_INFINITY,
  );
  expect(full.length).toBeGreaterThan(MAX_LISTED_CHARS);
  let description = '';
  fake.script([
    {
      expect: (request) => {
        description = String(request.body.tools?.[0]?.functionDeclarations?.[0]?.description);
      },
      reply: reply([
        runPythonCall(
          'print(*default_api.search_tools("read graph"), sep="\\n")\nhelp(default_api.memory__read_graph)\nprint(await default_api.memory__read_graph())',
          'c1',
        ),
      ]),
    },
    { reply: (request) => reply([text(outputOf(request))]) },
  ]);
  const res = await createCodeExecutionChat({ ai: clientFor(fake), model: MODEL, sandbox, functions }).sendMessage({ message: 'What is in memory?' });

  expect(description).toContain('Your code can call 72 functions of the app in default_api, too many to list here:');
  expect(description).toContain('everything__… (13), memory__… (9), files__… (14), everything_b__… (13), memory_b__… (9), files_b__… (14)');
  expect(description).toContain('default_api.search_tools("issue")');
  expect(description).toContain('help(default_api.<name>)');
  expect(description).not.toContain('read_graph');
  console.info(`[mcp-tools] 72 tools: run_python's description lists them in ${full.length} chars, names them in ${description.length}`);
  expect(description.length * 4).toBeLessThan(full.length);

  expect(res.text).toContain('memory__read_graph(): Read the entire knowledge graph\nmemory_b__read_graph(): Read the entire knowledge graph\n');
  // help() shows the call as the full listing would have written it, then the server's description.
  expect(res.text).toMatch(/memory__read_graph\(\)\s+Read the entire knowledge graph/);
  expect(res.text).toContain("{'entities': [], 'relations': []}");
});

it('keeps listing every signature below the bound (the reference servers once: 36 tools)', () => {
  const once = functions.filter((fn) => !/_b__/.test(fn.name));
  const sentence = codeFunctionsSentence(once.map((fn) => fn.declaration));
  expect(sentence).toContain('await default_api.files__get_file_info(path: str)');
  expect(sentence.length).toBeLessThan(MAX_LISTED_CHARS);
});
