/**
 * Code mode over MCP, the model's traffic: two tasks through real MCP servers from npm and the
 * real `createCodeExecutionChat`, on a scripted fake model (no network), as code-mode.mjs does for
 * its 12 regions.
 *
 *   - files: "find the 3 largest files under a folder and summarise them", through
 *     @modelcontextprotocol/server-filesystem on a folder of 25 reports in 11 folders;
 *   - graph: "which projects are led by people working at companies based in Berlin", through
 *     @modelcontextprotocol/server-memory on a seeded knowledge graph.
 *
 * Each task in five modes: direct (the MCP tools as the model's own function declarations, each
 * result's text pasted back into `contents`), one call per model response and, where calls are
 * independent, all of them in one response; code mode (one `run_python` cell calling
 * `default_api.<server>__<tool>` and printing only the answer's lines), with the task's server
 * alone (its signatures listed in `run_python`'s description); and with six servers connected (73
 * tools), directly and in code mode, where the listing passes the description's bound and the
 * model first looks the tools up as the description says, `default_api.search_tools(query)` then
 * `help()` of each tool its cell calls (discovery on demand: one more request).
 * Every mode must give the same answer.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';

const require = createRequire(import.meta.url);
/** A reference server's entry point, as installed from npm. */
export const serverPath = (name) => require.resolve(`@modelcontextprotocol/server-${name}/dist/index.js`);

/** Spawns reference server `name` on stdio with `args` and `env` (besides the SDK's default environment); a connected client. */
export async function connectServer(name, args = [], env = {}) {
  const client = new Client({ name: 'bench', version: '1.0.0' });
  await client.connect(new StdioClientTransport({ command: process.execPath, args: [serverPath(name), ...args], env, stderr: 'ignore' }));
  return client;
}

/** The server's size format (server-filesystem's `formatSize`): bytes below 1 KiB, else KB / MB with two decimals. */
export function formatSize(bytes) {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  if (bytes <= 0) return '0 B';
  const i = Math.floor(Math.log(bytes) / Math.log(1024));
  if (i <= 0) return `${bytes} ${units[0]}`;
  const unit = Math.min(i, units.length - 1);
  return `${(bytes / 1024 ** unit).toFixed(2)} ${units[unit]}`;
}

/** `list_directory_with_sizes`'s text as entries: `{ name, dir: true }` or `{ name, dir: false, size: '1.23 KB' }`. */
export function parseSizeListing(text) {
  const entries = [];
  for (const line of text.split('\n')) {
    const dir = /^\[DIR\] (.+?)\s*$/.exec(line);
    if (dir) entries.push({ name: dir[1], dir: true });
    const file = /^\[FILE\] (.+?)\s+(\d+(?:\.\d+)? [KMGT]?B)$/.exec(line);
    if (file) entries.push({ name: file[1], dir: false, size: file[2] });
  }
  return entries;
}

/** A formatted size back in bytes (to rank files by what the model saw). */
export function sizeInBytes(size) {
  const [number, unit] = size.split(' ');
  return Number(number) * 1024 ** ['B', 'KB', 'MB', 'GB', 'TB'].indexOf(unit);
}

const TOPICS = ['revenue', 'hiring', 'churn', 'pricing', 'support', 'logistics', 'security', 'marketing'];
const KINDS = [
  ['board-report.md', 'Board report'],
  ['sales.csv', 'Sales by region'],
  ['notes.txt', 'Meeting notes'],
];

/** Fills `root` with 25 text files in 11 folders (two years of quarters, three files each, and a README), sizes 0.4 to 6 KB. */
export function fillReports(root) {
  writeFileSync(join(root, 'README.md'), '# Reports\nQuarterly reports, one folder a quarter.\n');
  let n = 0;
  for (const year of ['2025', '2026'])
    for (const quarter of ['q1', 'q2', 'q3', 'q4']) {
      const folder = join(root, year, quarter);
      mkdirSync(folder, { recursive: true });
      for (const [file, title] of KINDS) {
        n++;
        const topic = TOPICS[(n * 5) % TOPICS.length];
        const lines = [`# ${title}, ${year} ${quarter.toUpperCase()}`, `Focus: ${topic}; prepared for the quarterly review.`];
        // 8 to 123 lines of about 46 characters, each file 5 lines apart from the next in size (0.4 to 6 KB): no two print alike.
        const body = 8 + ((n * 29) % 24) * 5;
        for (let i = 0; i < body; i++) lines.push(`${String(i + 1).padStart(3, '0')} ${topic} item ${(n * 7919 + i * 104729) % 100000}: figures as tabled.`);
        writeFileSync(join(folder, file), `${lines.join('\n')}\n`);
      }
    }
}

const CITIES = ['Berlin', 'Munich', 'Hamburg', 'Vienna', 'Zurich', 'Lisbon'];
const FIRST = ['Ada', 'Ben', 'Cleo', 'Dan', 'Eva', 'Finn', 'Greta', 'Hugo', 'Ines', 'Jon'];
const LAST = ['Adler', 'Brandt', 'Costa', 'Dietz'];
const PROJECTS = ['Aurora', 'Beacon', 'Cobalt', 'Delta', 'Ember', 'Falcon', 'Granite', 'Harbor', 'Iris', 'Juniper'];

/** The knowledge graph of the graph task, as server-memory's JSONL file: 6 cities, 12 companies, 40 people, 20 projects. */
export function memoryGraph() {
  const entity = (name, entityType, observations) => ({ type: 'entity', name, entityType, observations });
  const relation = (from, to, relationType) => ({ type: 'relation', from, to, relationType });
  const lines = CITIES.map((city, i) => entity(city, 'city', [`Population rank ${i + 1} in the dataset`]));
  const companies = Array.from({ length: 12 }, (_, i) => `${['Nord', 'Sued', 'Alpen', 'Hafen'][i % 4]}${['tech', 'werk', 'data'][i % 3]} ${i + 1}`);
  companies.forEach((company, i) => {
    lines.push(entity(company, 'company', [`Founded in ${1990 + ((i * 7) % 30)}`, `${20 + ((i * 37) % 400)} employees`]));
    lines.push(relation(company, CITIES[(i * 5) % CITIES.length], 'based_in'));
  });
  const people = Array.from({ length: 40 }, (_, i) => `${FIRST[i % 10]} ${LAST[Math.floor(i / 10)]}`);
  people.forEach((person, i) => {
    lines.push(
      entity(person, 'person', [
        `Role: ${['engineer', 'designer', 'manager', 'analyst'][i % 4]}`,
        `Joined in ${2010 + (i % 15)}`,
        `Likes ${['chess', 'sailing', 'jazz', 'climbing', 'baking'][i % 5]}`,
      ]),
    );
    lines.push(relation(person, companies[(i * 7) % companies.length], 'works_at'));
    lines.push(relation(person, people[(i * 13 + 5) % people.length], 'knows'));
  });
  for (let i = 0; i < 20; i++) {
    const project = `Project ${PROJECTS[i % 10]}${i < 10 ? '' : ' II'}`;
    lines.push(entity(project, 'project', [`Status: ${['planning', 'active', 'done'][i % 3]}`, `Budget: ${((i * 17) % 90) + 10}k EUR`]));
    lines.push(relation(people[(i * 11 + 3) % people.length], project, 'leads'));
  }
  return `${lines.map((line) => JSON.stringify(line)).join('\n')}\n`;
}

const functionCall = (name, args, id) => ({ functionCall: { name, args, id } });
const calls = (list) => ({ candidates: [{ content: { role: 'model', parts: list }, finishReason: 'STOP' }] });
const answer = (text) => calls([{ text }]);
/** The function responses of the request's last turn, by call id. */
const responses = (contents) =>
  new Map(
    contents
      .at(-1)
      .parts.filter((p) => p.functionResponse)
      .map((p) => [p.functionResponse.id, p.functionResponse]),
  );
/** The output of the last `run_python` call. */
const lastOutput = (contents) => contents.at(-1).parts.find((p) => p.functionResponse?.name === 'run_python').functionResponse.response.output;

/** The files task's answer, from what the model saw: `[{ path, size, head }]`, largest first. */
function filesAnswer(top) {
  return ['The three largest files:', ...top.map(({ path, size, head }, i) => `${i + 1}. ${path} (${size}): ${head[0].replace(/^# /, '')}; ${head[1]}`)].join(
    '\n',
  );
}

/** The graph task's answer: `[[project, lead, company]]`. */
function graphAnswer(rows) {
  return ['Projects led by people at companies based in Berlin:', ...rows.map(([project, lead, company]) => `- ${project}: ${lead} (${company})`)].join('\n');
}

/** What the code-mode cell printed, read back into the files answer. */
function filesFromOutput(output) {
  const top = [];
  for (const line of output.trimEnd().split('\n')) {
    const header = /^== (.+) \((.+)\)$/.exec(line);
    if (header) top.push({ path: header[1], size: header[2], head: [] });
    else top.at(-1).head.push(line);
  }
  return filesAnswer(top);
}

/** The direct model of the files task: lists folders breadth first, then reads the first 5 lines of the 3 largest. */
function directFilesModel(root, parallel) {
  const queue = [''];
  const files = [];
  const pending = new Map();
  let top;
  let id = 0;
  const request = (name, args, meta) => {
    const callId = `f${id++}`;
    pending.set(callId, meta);
    return functionCall(`files__${name}`, args, callId);
  };
  return (contents) => {
    for (const [callId, { response }] of contents.length > 1 ? responses(contents) : []) {
      const meta = pending.get(callId);
      if (meta.folder !== undefined)
        for (const entry of parseSizeListing(response.output)) {
          const path = meta.folder ? `${meta.folder}/${entry.name}` : entry.name;
          if (entry.dir) queue.push(path);
          else files.push({ path, size: entry.size });
        }
      else meta.file.head = response.output.split('\n');
    }
    if (queue.length > 0) {
      const folders = parallel ? queue.splice(0) : [queue.shift()];
      return calls(folders.map((folder) => request('list_directory_with_sizes', { path: folder ? `${root}/${folder}` : root }, { folder })));
    }
    top ??= files.sort((a, b) => sizeInBytes(b.size) - sizeInBytes(a.size)).slice(0, 3);
    const unread = top.filter((file) => !file.asked);
    if (unread.length > 0) {
      const reading = parallel ? unread : unread.slice(0, 1);
      return calls(
        reading.map((file) => {
          file.asked = true;
          return request('read_text_file', { path: `${root}/${file.path}`, head: 5 }, { file });
        }),
      );
    }
    return answer(filesAnswer(top));
  };
}

/** The code-mode cell of the files task. */
const filesCell = (root) =>
  [
    `root = ${JSON.stringify(root)}`,
    'paths = (await default_api.files__search_files(path=root, pattern="**/*"))["content"].splitlines()',
    'sizes = {}',
    'for path in paths:',
    '    info = (await default_api.files__get_file_info(path=path))["content"]',
    '    fields = dict(line.split(": ", 1) for line in info.splitlines())',
    '    if fields["isFile"] == "true":',
    '        sizes[path] = int(fields["size"])',
    'for path in sorted(sizes, key=sizes.get, reverse=True)[:3]:',
    '    size = sizes[path]',
    '    print(f"== {path[len(root) + 1:]} ({size} B)" if size < 1024 else f"== {path[len(root) + 1:]} ({size / 1024:.2f} KB)")',
    '    print((await default_api.files__read_text_file(path=path, head=5))["content"])',
  ].join('\n');

/** The direct model of the graph task: search_nodes("Berlin"), then open_nodes of the companies, then of their people. */
function directGraphModel() {
  const steps = [
    () => calls([functionCall('memory__search_nodes', { query: 'Berlin' }, 'g1')]),
    (graph) => {
      const companies = graph.relations.filter((r) => r.relationType === 'based_in' && r.to === 'Berlin').map((r) => r.from);
      return calls([functionCall('memory__open_nodes', { names: companies }, 'g2')]);
    },
    (graph) => {
      const people = graph.relations.filter((r) => r.relationType === 'works_at').map((r) => r.from);
      return calls([functionCall('memory__open_nodes', { names: people }, 'g3')]);
    },
  ];
  let step = 0;
  const seen = [];
  return (contents) => {
    const graph = step > 0 ? JSON.parse([...responses(contents).values()][0].response.output) : undefined;
    if (graph) seen.push(...graph.relations);
    if (step < steps.length) return steps[step++](graph);
    return answer(graphAnswer(berlinLeads(seen)));
  };
}

/** The direct model that reads the whole graph once. */
function directWholeGraphModel() {
  return (contents) =>
    contents.length === 1
      ? calls([functionCall('memory__read_graph', {}, 'g1')])
      : answer(graphAnswer(berlinLeads(JSON.parse([...responses(contents).values()][0].response.output).relations)));
}

/** The graph task's rows from relations: `[project, lead, company]`, by project. */
function berlinLeads(relations) {
  const berlin = new Set(relations.filter((r) => r.relationType === 'based_in' && r.to === 'Berlin').map((r) => r.from));
  const works = new Map(relations.filter((r) => r.relationType === 'works_at').map((r) => [r.from, r.to]));
  return relations
    .filter((r) => r.relationType === 'leads' && berlin.has(works.get(r.from)))
    .map((r) => [r.to, r.from, works.get(r.from)])
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

const GRAPH_CELL = [
  'graph = await default_api.memory__read_graph()',
  'berlin = {r["from"] for r in graph["relations"] if r["relationType"] == "based_in" and r["to"] == "Berlin"}',
  'works = {r["from"]: r["to"] for r in graph["relations"] if r["relationType"] == "works_at"}',
  'for r in sorted(graph["relations"], key=lambda r: r["to"]):',
  '    if r["relationType"] == "leads" and works.get(r["from"]) in berlin:',
  "        print(f\"{r['to']}\\t{r['from']}\\t{works[r['from']]}\")",
].join('\n');

/** A code-mode model: optionally a look-up cell first (discovery), then the task's cell, then the answer from its output. */
function codeModel(cell, toAnswer, lookup) {
  const cells = [...(lookup ? [lookup] : []), cell];
  let step = 0;
  return (contents) => {
    // The look-up's help() must have shown the signatures the next cell calls.
    if (lookup && step === 1 && !/\w__\w+\(.*\)/.test(lastOutput(contents))) throw new Error(`the look-up printed no signature: ${lastOutput(contents)}`);
    if (step < cells.length) return calls([functionCall('run_python', { code: cells[step] }, `c${++step}`)]);
    return answer(toAnswer(lastOutput(contents)));
  };
}

/** The look-up cell: the tools whose name or description has `query` (one line each), then help() of each tool the task's cell calls. */
const lookupCell = (query, server, names) =>
  [`print(*default_api.search_tools(${JSON.stringify(query)}), sep="\\n")`, ...names.map((name) => `help(default_api.${server}__${name})`)].join('\n');

/** A client that counts its `callTool` calls. */
function counted(client, counter) {
  return {
    listTools: (...args) => client.listTools(...args),
    callTool: (...args) => {
      counter.calls++;
      return client.callTool(...args);
    },
  };
}

/** The tools of `servers` ({ name: client }) as the model's own functions: each result's text, as an MCP client gives a model. */
async function directFunctions(mcpFunctions, servers) {
  const out = [];
  for (const [server, client] of Object.entries(servers))
    for (const fn of await mcpFunctions({ [server]: client }))
      out.push({
        declaration: fn.declaration,
        handler: async (args) => {
          const result = await client.callTool({ name: fn.tool, arguments: args });
          const text = result.content.map((block) => (block.type === 'text' ? block.text : JSON.stringify(block))).join('\n');
          if (result.isError) throw new Error(text);
          return text;
        },
      });
  return out;
}

/** The modes, as [key, label]; `{tools}` in a label stands for the number of tools offered. */
export const MODES = [
  ['direct', 'Direct tool calls, one call per model response'],
  ['directParallel', 'Direct tool calls, independent calls in one response'],
  ['code', 'Code mode, one `run_python` cell'],
  ['directMany', 'Direct tool calls, one per response, six servers connected ({tools} tools declared)'],
  ['codeMany', 'Code mode, six servers connected: discovery on demand (a `search_tools()`/`help()` cell first)'],
];

/**
 * Both tasks in every mode; per mode the model requests, MCP tool calls, bytes of `contents` and of
 * whole requests, bytes the model wrote, the tool declarations' bytes in one request and the
 * length of `run_python`'s description.
 */
export async function mcpTraffic(distDir, log = () => {}) {
  const { PythonSandbox, createCodeExecutionChat, mcpFunctions } = await import(pathToFileURL(join(distDir, 'index.node.js')).href);
  const folder = mkdtempSync(join(tmpdir(), 'mcp-bench-'));
  const reports = join(folder, 'reports');
  for (const name of ['reports', 'archive', 'downloads']) mkdirSync(join(folder, name));
  fillReports(reports);
  writeFileSync(join(folder, 'archive', 'old.txt'), 'archived\n');
  writeFileSync(join(folder, 'memory.jsonl'), memoryGraph());
  const clients = [];
  let sandbox;
  try {
    sandbox = await PythonSandbox.create();
    const connect = async (...args) => {
      const client = await connectServer(...args);
      clients.push(client);
      return client;
    };
    const files = await connect('filesystem', [reports]);
    const memory = await connect('memory', [], { MEMORY_FILE_PATH: join(folder, 'memory.jsonl') });
    const others = {
      archive: await connect('filesystem', [join(folder, 'archive')]),
      downloads: await connect('filesystem', [join(folder, 'downloads')]),
      notes: await connect('memory', [], { MEMORY_FILE_PATH: join(folder, 'notes.jsonl') }),
      everything: await connect('everything'),
    };
    const tasks = {
      files: {
        message: `Find the 3 largest files under ${reports} and summarise them.`,
        server: { files },
        direct: () => directFilesModel(reports, false),
        directParallel: () => directFilesModel(reports, true),
        code: (lookup) =>
          codeModel(filesCell(reports), filesFromOutput, lookup && lookupCell('files__', 'files', ['search_files', 'get_file_info', 'read_text_file'])),
      },
      graph: {
        message: 'Which projects are led by people who work at companies based in Berlin?',
        server: { memory },
        direct: directGraphModel,
        directParallel: directWholeGraphModel,
        code: (lookup) =>
          codeModel(
            GRAPH_CELL,
            (output) =>
              graphAnswer(
                output
                  .trimEnd()
                  .split('\n')
                  .map((line) => line.split('\t')),
              ),
            lookup && lookupCell('memory__', 'memory', ['read_graph']),
          ),
      },
    };
    const out = {};
    for (const [task, spec] of Object.entries(tasks)) {
      out[task] = {};
      const many = { ...spec.server, ...(task === 'files' ? { memory } : { files }), ...others };
      for (const [mode] of MODES) {
        log(`mcp tools, model traffic: ${task}, ${mode}`);
        const counter = { calls: 0 };
        const servers = Object.fromEntries(
          Object.entries(mode.endsWith('Many') ? many : spec.server).map(([name, client]) => [name, counted(client, counter)]),
        );
        const functions = mode.startsWith('direct') ? await directFunctions(mcpFunctions, servers) : await mcpFunctions(servers);
        const model = mode === 'codeMany' ? spec.code(true) : mode === 'directMany' ? spec.direct() : mode === 'code' ? spec.code(false) : spec[mode]();
        out[task][mode] = {
          ...(await converse({ createCodeExecutionChat, sandbox, functions, model, message: spec.message, counter })),
          tools: functions.length,
        };
      }
      const answers = new Set(Object.values(out[task]).map((m) => m.answer));
      if (answers.size !== 1) throw new Error(`${task}: the modes answered differently:\n${[...answers].join('\n---\n')}`);
      if (!out[task].codeMany.description.includes('too many to list here'))
        throw new Error(`${task}: six servers' tools stayed listed in run_python's description (${out[task].codeMany.description.length} chars)`);
    }
    return out;
  } finally {
    await Promise.all(clients.map((client) => client.close()));
    await sandbox?.dispose();
    rmSync(folder, { recursive: true, force: true });
  }
}

/** One message through the real chat with the scripted `model`; what each request carried. */
async function converse({ createCodeExecutionChat, sandbox, functions, model, message, counter }) {
  const requests = [];
  let description;
  const generateContent = async ({ contents, config }) => {
    if (requests.length > 40) throw new Error('the scripted model went on for 40 requests');
    const response = model(contents);
    const declarations = config.tools.flatMap((tool) => tool.functionDeclarations ?? []);
    description ??= declarations.find((d) => d.name === 'run_python')?.description ?? '';
    requests.push({
      contentsBytes: bytes(contents),
      requestBytes: bytes({ contents, tools: config.tools, systemInstruction: config.systemInstruction }),
      toolBytes: bytes(config.tools),
      responseBytes: bytes(response.candidates[0].content),
    });
    return structuredClone(response);
  };
  const ai = { models: { generateContent, generateContentStream: () => Promise.reject(new Error('not scripted')) } };
  const chat = createCodeExecutionChat({ ai, model: 'fake-model', sandbox, functions, limits: { maxSteps: 40 } });
  const res = await chat.sendMessage({ message });
  const answerText = res.candidates[0].content.parts.flatMap((p) => (p.text ? [p.text] : [])).join('');
  const total = (key) => requests.reduce((s, r) => s + r[key], 0);
  return {
    requests: requests.length,
    toolCalls: counter.calls,
    contentsBytes: total('contentsBytes'),
    requestBytes: total('requestBytes'),
    responseBytes: total('responseBytes'),
    toolBytes: requests[0].toolBytes,
    description,
    answer: answerText,
  };
}

const bytes = (value) => Buffer.byteLength(JSON.stringify(value));
