/**
 * Real MCP clients from npm against this package's server (the built `dist/cli.js mcp`), each in a
 * throwaway HOME and driven by a fake model on loopback that calls `run_python` twice: `x = 41`,
 * then `x + 1`, passing back the handle the first result named (a 2026-07-28 client has no
 * session, so the handle is what keeps `x`), then answers with the second result. The server's
 * side is logged: over stdio every request line the client sent (through a wrapper process), over
 * HTTP every POST (through a recording proxy): its JSON-RPC method and protocol version, so the
 * era the client negotiated is read from what reached the server, not from the client's claims.
 *
 *   node scripts/real-mcp-clients.mjs [claude] [codex] [--transport stdio|http]
 *
 * Needs `npm run build` first; installs the clients once into node_modules/.cache/real-mcp-clients
 * (Claude Code's native binary is ~400 MB). Prints one Markdown table row per client and transport.
 * The server runs Python in a worker thread (`--isolation worker`): the era does not depend on it.
 * Codex's entry says `required = true`, as docs/mcp.md tells users to: without it Codex asks its
 * model before a stdio server has listed its tools, whenever the server starts slower than about a
 * second (`CODEX_REQUIRED=0` leaves it out, to see that).
 */
import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const CLI = join(ROOT, 'dist', 'cli.js');
const CACHE = join(ROOT, 'node_modules', '.cache', 'real-mcp-clients');
const SERVER_FLAGS = ['--isolation', 'worker'];
export const CLIENTS = {
  claude: { pkg: '@anthropic-ai/claude-code', version: '2.1.332' },
  codex: { pkg: '@openai/codex', version: '0.171.0' },
};
const TOOL_DEADLINE_MS = 240_000;

// `wrap <log> -- <command…>`: the stdio server behind a logger of the client's request lines.
if (process.argv[2] === 'wrap') await wrap(process.argv[3], process.argv.slice(5));
else if (process.argv[1] === fileURLToPath(import.meta.url)) await main();

async function main() {
  const args = process.argv.slice(2);
  const transportAt = args.indexOf('--transport');
  const transports = transportAt >= 0 ? [args[transportAt + 1]] : ['stdio', 'http'];
  const names = args.filter((arg, i) => arg in CLIENTS && args[i - 1] !== '--transport');
  if (!existsSync(CLI)) throw new Error('dist/cli.js is missing: run `npm run build` first');
  const rows = [];
  for (const name of names.length ? names : Object.keys(CLIENTS))
    for (const transport of transports) {
      console.error(`[clients] ${name} over ${transport}`);
      rows.push(await runClient(name, transport).catch((error) => ({ name, transport, error: error.message })));
    }
  console.log(table(rows));
}

/** The installed client's entry: Claude Code's native binary, Codex's launcher script. */
function install(name) {
  const { pkg, version } = CLIENTS[name];
  const dir = join(CACHE, name);
  const manifest = join(dir, 'node_modules', pkg, 'package.json');
  const installed = () => existsSync(manifest) && JSON.parse(readFileSync(manifest, 'utf8')).version === version;
  if (!installed()) {
    mkdirSync(dir, { recursive: true });
    const run = spawnSync('npm', ['install', '--prefix', dir, '--no-save', '--no-package-lock', '--no-audit', '--no-fund', `${pkg}@${version}`], {
      encoding: 'utf8',
      timeout: 600_000,
    });
    if (!installed()) throw new Error(`npm install ${pkg}@${version} failed: ${(run.stderr || run.error?.message || '').slice(-300)}`);
  }
  if (name === 'claude') return { command: join(dir, 'node_modules', '@anthropic-ai', 'claude-code-linux-x64', 'claude'), args: [] };
  return { command: process.execPath, args: [join(dir, 'node_modules', '@openai', 'codex', 'bin', 'codex.js')] };
}

/** One client over one transport: the server and its log, the fake model, the client run headless in a throwaway home. */
async function runClient(name, transport) {
  const client = install(name);
  const home = mkdtempSync(join(tmpdir(), `real-${name}-`));
  const project = join(home, 'project');
  mkdirSync(project);
  const log = join(home, 'server-requests.jsonl');
  writeFileSync(log, '');
  const model = await startFakeModel(name);
  let server;
  try {
    let mcp;
    if (transport === 'http') {
      server = await startHttpServer(log);
      mcp = { url: server.url };
    } else mcp = { command: process.execPath, args: [fileURLToPath(import.meta.url), 'wrap', log, '--', CLI, 'mcp', ...SERVER_FLAGS] };
    const run = await (name === 'claude' ? runClaude : runCodex)(client, { home, project, model, mcp });
    const requests = readFileSync(log, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line));
    return { name, transport, run, requests, model: model.calls, answers: model.toolResults };
  } finally {
    await model.close();
    await server?.stop();
    if (!process.env.KEEP_HOME) rmSync(home, { recursive: true, force: true });
    else console.error(`[clients] kept ${home}`);
  }
}

async function runClaude(client, { home, project, model, mcp }) {
  const config = join(project, '.mcp.json');
  const entry = mcp.url ? { type: 'http', url: mcp.url } : { type: 'stdio', command: mcp.command, args: mcp.args };
  writeFileSync(config, JSON.stringify({ mcpServers: { python: entry } }));
  const env = {
    PATH: process.env.PATH,
    HOME: home,
    ANTHROPIC_BASE_URL: model.url,
    ANTHROPIC_API_KEY: 'fake-key',
    // As the issue reported it (Claude Code 2.1.332 also probes by default); CLAUDE_NEGOTIATION=default leaves it unset.
    ...(process.env.CLAUDE_NEGOTIATION !== 'default' && { MCP_PROTOCOL_NEGOTIATION: process.env.CLAUDE_NEGOTIATION ?? 'auto' }),
    // MCP tools declared to the model up front, not behind its ToolSearch tool.
    ENABLE_TOOL_SEARCH: 'false',
    MCP_TOOL_TIMEOUT: String(TOOL_DEADLINE_MS),
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    DISABLE_AUTOUPDATER: '1',
    DISABLE_TELEMETRY: '1',
  };
  const args = [
    '-p',
    'Set x to 41 in Python, then compute x + 1.',
    '--mcp-config',
    config,
    '--strict-mcp-config',
    '--allowedTools',
    'mcp__python__run_python',
    '--output-format',
    'json',
    '--model',
    'claude-fake',
  ];
  return runProcess(client.command, [...client.args, ...args], { cwd: project, env });
}

async function runCodex(client, { home, project, model, mcp }) {
  const codexHome = join(home, '.codex');
  mkdirSync(codexHome);
  const server = mcp.url ? `url = ${JSON.stringify(mcp.url)}` : `command = ${JSON.stringify(mcp.command)}\nargs = ${JSON.stringify(mcp.args)}${stdioVersion()}`;
  writeFileSync(
    join(codexHome, 'config.toml'),
    [
      'model = "fake-model"',
      'model_provider = "fake"',
      'approval_policy = "never"',
      'sandbox_mode = "read-only"',
      '',
      // Its opt-in to the 2026-07-28 protocol (a feature flag, in its binary's feature list); CODEX_MCP_2026=0 leaves it off.
      '[features]',
      `mcp_2026_07_28 = ${process.env.CODEX_MCP_2026 !== '0'}`,
      '',
      '[model_providers.fake]',
      'name = "fake"',
      `base_url = ${JSON.stringify(`${model.url}/v1`)}`,
      'wire_api = "responses"',
      'env_key = "FAKE_API_KEY"',
      '',
      '[mcp_servers.python]',
      server,
      `tool_timeout_sec = ${TOOL_DEADLINE_MS / 1000}`,
      'startup_timeout_sec = 120',
      // Its tools run without asking (codex exec has no one to ask).
      'default_tools_approval_mode = "approve"',
      // Codex waits for a required server's start before its first turn, and for no other (docs/mcp.md): CODEX_REQUIRED=0 leaves it out.
      ...(process.env.CODEX_REQUIRED === '0' ? [] : ['required = true']),
      '',
    ].join('\n'),
  );
  const env = { PATH: process.env.PATH, HOME: home, CODEX_HOME: codexHome, FAKE_API_KEY: 'fake-key' };
  const args = ['exec', '--skip-git-repo-check', '--json', 'Set x to 41 in Python, then compute x + 1.'];
  return runProcess(client.command, [...client.args, ...args], { cwd: project, env });
}

/** Codex's stdio opt-in, if CODEX_STDIO_VERSION names one: the server's entry's `env`. */
function stdioVersion() {
  const version = process.env.CODEX_STDIO_VERSION;
  return version ? `\nenv = { CODEX_MCP_PROTOCOL_VERSION = ${JSON.stringify(version)} }` : '';
}

function runProcess(command, args, { cwd, env }) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 300_000);
    child.once('close', (status, signal) => {
      clearTimeout(timer);
      resolve({ status, signal, stdout, stderr });
    });
  });
}

/** `dist/cli.js mcp --http 0` behind a proxy that logs each POST's method and protocol version. */
async function startHttpServer(log) {
  const child = spawn(process.execPath, [CLI, 'mcp', '--http', '0', ...SERVER_FLAGS], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  const target = await new Promise((resolve, reject) => {
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (text) => {
      stderr += text;
      const match = /at (http:\/\/\S+)/.exec(stderr);
      if (match) resolve(new URL(match[1]));
    });
    child.once('exit', (code) => reject(new Error(`the server exited (${code}): ${stderr}`)));
  });
  const proxy = createServer((req, res) => {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      if (req.method === 'POST') noteRequest(log, body.toString('utf8'), req.headers);
      else appendFileSync(log, `${JSON.stringify({ http: req.method })}\n`);
      const forward = request(
        { host: target.hostname, port: target.port, path: req.url, method: req.method, headers: { ...req.headers, host: target.host } },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      forward.on('error', () => res.destroy());
      forward.end(body);
    });
  });
  await new Promise((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${proxy.address().port}${target.pathname}`,
    stop: async () => {
      proxy.closeAllConnections();
      await new Promise((resolve) => proxy.close(resolve));
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/**
 * One line of the server log: the method, the version the request said (the HTTP header, else
 * `_meta`, else initialize's), the handle argument and (HTTP) its `Mcp-Param-Handle` header.
 */
function noteRequest(log, text, headers = {}) {
  const header = headers['mcp-protocol-version'];
  let message;
  try {
    message = JSON.parse(text);
  } catch {
    return;
  }
  for (const one of Array.isArray(message) ? message : [message]) {
    if (typeof one?.method !== 'string') continue;
    const meta = one.params?._meta?.['io.modelcontextprotocol/protocolVersion'];
    const note = { method: one.method, version: header ?? meta ?? one.params?.protocolVersion, meta: meta !== undefined };
    if (one.method === 'tools/call')
      Object.assign(note, { tool: one.params?.name, handle: one.params?.arguments?.handle ?? null, paramHandle: headers['mcp-param-handle'] ?? null });
    appendFileSync(log, `${JSON.stringify(note)}\n`);
  }
}

/** The stdio wrapper: the client's lines logged and passed on, the server's answers passed back. */
async function wrap(log, command) {
  const child = spawn(process.execPath, command, { stdio: ['pipe', 'inherit', 'inherit'] });
  child.once('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
  appendFileSync(log, `${JSON.stringify({ process: 'started', pid: process.pid })}\n`);
  for await (const line of createInterface({ input: process.stdin })) {
    noteRequest(log, line);
    child.stdin.write(`${line}\n`);
  }
  child.stdin.end();
}

/**
 * The fake model: Anthropic's Messages API (Claude Code) or OpenAI's Responses API (Codex) on
 * loopback. A request that declares run_python gets, in turn: a call of `x = 41`; a call of
 * `x + 1` with the handle the first result named (none if it named none); then a text answer
 * quoting the last result. Any other request (a title, a summary) gets a short text.
 */
async function startFakeModel(kind) {
  const calls = [];
  const toolResults = [];
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => {
      let body = {};
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
      } catch {}
      if (process.env.DUMP_BODIES) appendFileSync(process.env.DUMP_BODIES, `${JSON.stringify(body)}\n`);
      calls.push({
        method: req.method,
        url: req.url,
        tools: (body.tools ?? []).map((tool) => tool.name ?? tool.type),
        messages: body.messages?.length ?? body.input?.length,
      });
      if (kind === 'claude') anthropic(req, res, body, toolResults);
      else openai(req, res, body, toolResults);
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    calls,
    toolResults,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(resolve));
    },
  };
}

/** What the model does next, given the run_python results so far (their texts). */
function nextStep(results) {
  if (results.length === 0) return { code: 'x = 41' };
  if (results.length === 1) {
    const handle = /handle is "([^"]+)"/.exec(results[0])?.[1] ?? /"handle"\s*:\s*"([^"]+)"/.exec(results[0])?.[1];
    return { code: 'x + 1', ...(handle && { handle }) };
  }
  return { answer: `The result is: ${results.at(-1).slice(0, 400)}` };
}

function resultText(content) {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return content.map((block) => (typeof block === 'string' ? block : (block?.text ?? JSON.stringify(block)))).join('\n');
  return JSON.stringify(content ?? '');
}

function anthropic(req, res, body, seen) {
  if (!req.url.startsWith('/v1/messages')) return void res.writeHead(404, { 'content-type': 'application/json' }).end('{}');
  if (req.url.startsWith('/v1/messages/count_tokens')) return void json(res, { input_tokens: 100 });
  const tool = (body.tools ?? []).find((candidate) => /run_python$/.test(candidate.name ?? ''));
  let blocks;
  if (!tool) blocks = [{ type: 'text', text: 'ok' }];
  else {
    const results = (body.messages ?? []).flatMap((message) =>
      Array.isArray(message.content) ? message.content.filter((block) => block.type === 'tool_result').map((block) => resultText(block.content)) : [],
    );
    seen.splice(0, seen.length, ...results);
    const step = nextStep(results);
    const { answer, ...input } = step;
    blocks = answer ? [{ type: 'text', text: answer }] : [{ type: 'tool_use', id: `toolu_${results.length + 1}`, name: tool.name, input }];
  }
  const stop = blocks[0].type === 'tool_use' ? 'tool_use' : 'end_turn';
  const message = {
    id: `msg_${Date.now()}`,
    type: 'message',
    role: 'assistant',
    model: body.model ?? 'claude-fake',
    content: blocks,
    stop_reason: stop,
    stop_sequence: null,
    usage: { input_tokens: 10, output_tokens: 10 },
  };
  if (!body.stream) return void json(res, message);
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  const event = (type, data) => res.write(`event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`);
  event('message_start', { message: { ...message, content: [], stop_reason: null } });
  blocks.forEach((block, index) => {
    if (block.type === 'text') {
      event('content_block_start', { index, content_block: { type: 'text', text: '' } });
      event('content_block_delta', { index, delta: { type: 'text_delta', text: block.text } });
    } else {
      event('content_block_start', { index, content_block: { ...block, input: {} } });
      event('content_block_delta', { index, delta: { type: 'input_json_delta', partial_json: JSON.stringify(block.input) } });
    }
    event('content_block_stop', { index });
  });
  event('message_delta', { delta: { stop_reason: stop, stop_sequence: null }, usage: { output_tokens: 10 } });
  event('message_stop', {});
  res.end();
}

function openai(req, res, body, seen) {
  if (!req.url.includes('/responses')) return void json(res, { data: [], object: 'list' });
  // A function of its own, or (Codex 0.171) one of a namespace of the server's tools.
  const tool = (body.tools ?? [])
    .flatMap((candidate) => (candidate.type === 'namespace' ? (candidate.tools ?? []).map((one) => ({ ...one, namespace: candidate.name })) : [candidate]))
    .find((candidate) => /run_python$/.test(candidate.name ?? ''));
  const input = Array.isArray(body.input) ? body.input : [];
  const results = input.filter((item) => item.type === 'function_call_output').map((item) => resultText(item.output));
  seen.splice(0, seen.length, ...results);
  const step = tool ? nextStep(results) : { answer: 'ok' };
  const id = `resp_${Date.now()}`;
  const item = step.answer
    ? {
        type: 'message',
        id: `msg_${results.length}`,
        role: 'assistant',
        status: 'completed',
        content: [{ type: 'output_text', text: step.answer, annotations: [] }],
      }
    : {
        type: 'function_call',
        id: `fc_${results.length}`,
        call_id: `call_${results.length + 1}`,
        name: tool.name,
        ...(tool.namespace && { namespace: tool.namespace }),
        arguments: JSON.stringify({ code: step.code, ...(step.handle && { handle: step.handle }) }),
        status: 'completed',
      };
  const response = {
    id,
    object: 'response',
    created_at: Math.floor(Date.now() / 1000),
    status: 'completed',
    model: body.model,
    output: [item],
    usage: { input_tokens: 10, output_tokens: 10, total_tokens: 20 },
  };
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  let sequence = 0;
  const event = (type, data) => res.write(`event: ${type}\ndata: ${JSON.stringify({ type, sequence_number: sequence++, ...data })}\n\n`);
  event('response.created', { response: { ...response, status: 'in_progress', output: [] } });
  event('response.output_item.added', { output_index: 0, item: { ...item, ...(item.type === 'message' && { content: [] }), status: 'in_progress' } });
  event('response.output_item.done', { output_index: 0, item });
  event('response.completed', { response });
  res.end();
}

function json(res, value) {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify(value));
}

/** The results: per client and transport, what reached the server and whether 42 came back. */
function table(rows) {
  const lines = [
    '| Client | Transport | Era the server saw | `server/discover` | `initialize` | Tool calls (handle passed back?) | `x + 1` answered | Client exit |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const row of rows) {
    if (row.error) {
      lines.push(`| ${label(row.name)} | ${row.transport} | failed: ${row.error.replace(/\|/g, '/').slice(0, 200)} | | | | | |`);
      continue;
    }
    const requests = row.requests.filter((request) => request.method);
    const calls = requests.filter((request) => request.method === 'tools/call');
    // A 2025 client says its version once (initialize); a 2026 one on every request.
    const initialize = requests.find((request) => request.method === 'initialize');
    const versions = initialize ? `${initialize.version} (\`initialize\`)` : [...new Set(calls.map((call) => call.version ?? '?'))].join(', ');
    const discovers = requests.filter((request) => request.method === 'server/discover').length;
    const initializes = requests.filter((request) => request.method === 'initialize').length;
    const handles = calls.map((call) => (call.handle ? `handle${call.paramHandle === call.handle ? ' + header' : ''}` : 'none')).join(' → ');
    const second = row.answers[1];
    const answered =
      second === undefined
        ? `no (${row.answers.length} results reached the model)`
        : /"result"\s*:\s*"42"|(^|\n)42$/.test(second)
          ? '42'
          : `no: ${JSON.stringify(second.slice(0, 120))}`;
    lines.push(
      `| ${label(row.name)} | ${row.transport} | ${versions} | ${discovers} | ${initializes} | ${calls.length} (${handles}) | ${answered.replace(/\|/g, '/')} | ${row.run.status ?? row.run.signal} |`,
    );
    if (process.env.SHOW_OUTPUT)
      console.error(
        `--- ${row.name} ${row.transport}\n${row.run.stdout.slice(-3000)}\n${row.run.stderr.slice(-3000)}\n${JSON.stringify(row.requests)}\n${JSON.stringify(row.model)}`,
      );
  }
  return lines.join('\n');
}

function label(name) {
  return `${CLIENTS[name].pkg}@${CLIENTS[name].version}`;
}
