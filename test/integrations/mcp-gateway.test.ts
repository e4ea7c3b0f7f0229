/**
 * The MCP server as a code-mode gateway, driven by the official MCP client over stdio: downstream
 * servers configured with `--mcp-config` (the `mcpServers` JSON of Claude Desktop, Cursor and
 * Gemini CLI) and `--mcp-server`, here the reference servers from npm, become functions of
 * `run_python`'s Python, which runs behind the Deno boundary as ever.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectHttp, startHttpServer, textOf } from '../support/mcp.js';
import { type ReferenceConnection, childProcesses, connectGateway, referenceServerPath, temporaryFolder } from '../support/mcp-servers.js';

const folder = temporaryFolder('gateway-files-');
const state = temporaryFolder('gateway-state-');
let gateway: ReferenceConnection;
/** The mcpServers JSON file of the downstream servers. */
let config: string;

/** The text of a run_python call's result. */
async function runPython(code: string): Promise<string> {
  const result = (await gateway.client.callTool({ name: 'run_python', arguments: { code } })) as { content: { type: string; text?: string }[] };
  return result.content
    .filter((block) => block.type === 'text')
    .map((block) => block.text)
    .join('\n');
}

beforeAll(async () => {
  for (const name of ['a.csv', 'b.csv', 'c.txt']) writeFileSync(join(folder.path, name), `${name}\n`);
  config = join(state.path, 'mcp.json');
  writeFileSync(
    config,
    JSON.stringify({
      mcpServers: {
        memory: { command: process.execPath, args: [referenceServerPath('memory')], env: { MEMORY_FILE_PATH: join(state.path, 'memory.jsonl') } },
        files: { command: process.execPath, args: [referenceServerPath('filesystem'), folder.path] },
        off: { command: 'no-such-command', disabled: true },
      },
    }),
  );
  // A secret of the gateway's own environment, which no downstream server may see.
  gateway = await connectGateway(['--mcp-config', config, '--mcp-server', `everything=${process.execPath} ${referenceServerPath('everything')}`], {
    GATEWAY_SECRET: 'do-not-pass-on',
  });
}, 60_000);

afterAll(async () => {
  await gateway?.close();
  folder.remove();
  state.remove();
});

describe('the MCP server with downstream servers', () => {
  it('lists run_python, whose description gives the downstream tools as Python, and no tool of theirs beside it', async () => {
    const { tools } = await gateway.client.listTools();
    expect(tools.map((tool) => tool.name)).toEqual(['run_python', 'write_file', 'read_file', 'reset', 'rewind_python']);
    const description = tools[0].description ?? '';
    expect(description).toContain('await default_api.memory__read_graph()');
    expect(description).toContain('await default_api.files__get_file_info(path: str)');
    expect(description).toContain('await default_api.everything__echo(message: str)');
    expect(description).not.toContain('off__');
  });

  it('runs one cell that uses two downstream servers: files listed by one, noted in the other', async () => {
    const code = [
      `listing = (await default_api.files__list_directory(path=${JSON.stringify(folder.path)}))["content"]`,
      'csvs = [line.split("] ", 1)[1] for line in listing.splitlines() if line.endswith(".csv")]',
      'for name in csvs:',
      '    await default_api.memory__create_entities(entities=[{"name": name, "entityType": "file", "observations": ["a CSV file"]}])',
      'graph = await default_api.memory__read_graph()',
      'print(sorted(e["name"] for e in graph["entities"]))',
    ].join('\n');
    expect(await runPython(code)).toContain("['a.csv', 'b.csv']");
    // The memory server wrote where its configured environment said.
    expect(existsSync(join(state.path, 'memory.jsonl'))).toBe(true);
  }, 60_000);

  it('starts each downstream server with only the environment it was given, and passes its stderr on under its name', async () => {
    const env = await runPython('print(await default_api.everything__get_env())');
    expect(env).toContain('"PATH"');
    expect(env).not.toContain('GATEWAY_SECRET');
    expect(env).not.toContain('do-not-pass-on');
    // server-memory says where it runs on stderr: it reached ours, named, and stdout stayed MCP.
    expect(gateway.stderr()).toMatch(/pyodide-code-execution: \[memory\] /);
  }, 60_000);

  it('raises in Python when a downstream server is killed mid-call, and the next call starts it again', async () => {
    const code = [
      'try:',
      '    await default_api.everything__trigger_long_running_operation(duration=30, steps=1)',
      'except default_api.FunctionCallError as error:',
      '    print("raised:", error)',
    ].join('\n');
    const running = runPython(code);
    await expect.poll(() => childProcesses(gateway.pid, 'server-everything').length).toBe(1);
    const [everything] = childProcesses(gateway.pid, 'server-everything');
    // Once the call is on its way: the server's own log of it is not needed, a moment is.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    process.kill(everything, 'SIGKILL');
    expect(await running).toMatch(/raised: everything__trigger_long_running_operation: .*closed/i);
    expect(await runPython('print(await default_api.everything__echo(message="back"))')).toContain('Echo: back');
    expect(childProcesses(gateway.pid, 'server-everything')).not.toContain(everything);
  }, 60_000);

  it("serves the same over Streamable HTTP: each session's Python calls both downstream servers", async () => {
    const http = await startHttpServer(['--mcp-config', config]);
    try {
      const sessions = await Promise.all([connectHttp(http.url), connectHttp(http.url)]);
      const code = [
        `listed = (await default_api.files__list_directory(path=${JSON.stringify(folder.path)}))["content"].count("[FILE]")`,
        'graph = await default_api.memory__read_graph()',
        'print(f"{listed} files, graph of {type(graph[\'entities\']).__name__}")',
      ].join('\n');
      for (const session of sessions) expect(textOf(await session.call('run_python', { code }))).toContain('3 files, graph of list');
      await Promise.all(sessions.map((session) => session.close()));
    } finally {
      await http.stop();
    }
  }, 90_000);

  it("does not run a downstream server's output-schema patterns on its answers (they could hold the gateway for minutes)", async () => {
    const server = fileURLToPath(new URL('../support/backtracking-mcp-server.mjs', import.meta.url));
    const own = await connectGateway(['--mcp-server', `evil=${process.execPath} ${server}`]);
    try {
      const started = performance.now();
      const result = (await own.client.callTool({ name: 'run_python', arguments: { code: 'print((await default_api.evil__shout())["s"][-3:])' } })) as {
        content: { text?: string }[];
      };
      expect(result.content[0].text).toContain('aa!');
      expect(performance.now() - started).toBeLessThan(20_000);
    } finally {
      await own.close();
    }
  }, 60_000);
});
