/**
 * Which downstream servers the gateway starts: only those the user configured, read from the
 * `mcpServers` JSON of Claude Desktop, Cursor and Gemini CLI and from `--mcp-server` flags, each
 * entry checked before anything starts; and what connecting them leaves out.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { downstreamFlags, serverFromFlag, serversFromJson } from '../../src/integrations/mcp-gateway/config.js';
import { connectDownstream } from '../../src/integrations/mcp-gateway/downstream.js';
import { parseCommandLine } from '../../src/integrations/mcp/cli.js';
import { startEverythingOverHttp, temporaryFolder } from '../support/mcp-servers.js';
import { REPO } from '../support/packed-package.js';

describe('the mcpServers JSON', () => {
  it("reads Claude Desktop's command entries, Cursor's url and Gemini CLI's httpUrl, and leaves disabled ones out", () => {
    const text = JSON.stringify({
      mcpServers: {
        memory: { command: 'npx', args: ['-y', '@modelcontextprotocol/server-memory'], env: { MEMORY_FILE_PATH: '/data/memory.jsonl' } },
        github: { url: 'https://api.githubcopilot.com/mcp/', headers: { Authorization: 'Bearer token' } },
        docs: { httpUrl: 'http://127.0.0.1:8080/mcp', cwd: '/ignored' },
        old: { command: 'old-server', disabled: true },
      },
    });
    expect(serversFromJson(text, 'mcp.json')).toEqual([
      { name: 'memory', command: 'npx', args: ['-y', '@modelcontextprotocol/server-memory'], env: { MEMORY_FILE_PATH: '/data/memory.jsonl' } },
      { name: 'github', url: 'https://api.githubcopilot.com/mcp/', headers: { Authorization: 'Bearer token' } },
      { name: 'docs', url: 'http://127.0.0.1:8080/mcp', headers: {} },
    ]);
  });

  it('refuses what it cannot use, naming the entry', () => {
    const refused = (servers: unknown) => () => serversFromJson(JSON.stringify({ mcpServers: servers }), 'mcp.json');
    expect(() => serversFromJson('{', 'mcp.json')).toThrow(/mcp.json is not JSON/);
    expect(() => serversFromJson('{"servers": {}}', 'mcp.json')).toThrow(/no "mcpServers" object/);
    expect(refused({ 'my-server': { command: 'x' } })).toThrow(/mcpServers.my-server: "my-server" cannot name a server in Python/);
    expect(refused({ events: { type: 'sse', url: 'https://example.com/sse' } })).toThrow(/SSE servers are not supported/);
    expect(refused({ web: { url: 'file:///etc/passwd' } })).toThrow(/url must be an http\(s\) URL/);
    expect(refused({ tool: { args: ['x'] } })).toThrow(/needs a "command"/);
    expect(refused({ tool: { command: 'x', env: { PORT: 80 } } })).toThrow(/env must map names to strings/);
  });
});

describe('the command line', () => {
  it('--mcp-server takes name=<command line> or name=<URL>, and --mcp-config a file; each name once', () => {
    expect(serverFromFlag('memory=npx -y @modelcontextprotocol/server-memory')).toEqual({
      name: 'memory',
      command: 'npx',
      args: ['-y', '@modelcontextprotocol/server-memory'],
      env: {},
    });
    expect(serverFromFlag('docs=https://example.com/mcp')).toEqual({ name: 'docs', url: 'https://example.com/mcp', headers: {} });
    expect(() => serverFromFlag('memory')).toThrow(/takes name=<command line> or name=<URL>/);

    const folder = temporaryFolder('gateway-config-');
    try {
      const file = join(folder.path, 'mcp.json');
      writeFileSync(file, JSON.stringify({ mcpServers: { memory: { command: 'mcp-server-memory' } } }));
      const { servers } = downstreamFlags({ 'mcp-config': [file], 'mcp-server': ['files=mcp-server-filesystem /tmp'] });
      expect(servers?.map((server) => server.name)).toEqual(['memory', 'files']);
      expect(() => downstreamFlags({ 'mcp-config': [file], 'mcp-server': ['memory=other'] })).toThrow(/two downstream MCP servers are named "memory"/);
      expect(() => downstreamFlags({ 'mcp-config': [join(folder.path, 'none.json')] })).toThrow(/cannot be read/);
      expect(parseCommandLine(['mcp', '--mcp-config', file])).toMatchObject({ kind: 'stdio', servers: [{ name: 'memory', command: 'mcp-server-memory' }] });
    } finally {
      folder.remove();
    }
    // Without them, nothing is configured and nothing starts.
    expect(parseCommandLine(['mcp'])).toEqual({ kind: 'stdio', options: { limits: {}, packageIndex: false } });
  });
});

describe("examples/mcp's gateway set-up", () => {
  it("reads its file as written, and each client's entry and command start the gateway with that file", () => {
    const readme = readFileSync(join(REPO, 'examples/mcp/README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## As a gateway'), readme.indexOf('## Any client'));
    const [gatewayFile, ...entries] = [...section.matchAll(/^```json\n([\s\S]*?)^```/gm)].map((match) => match[1]);
    expect(serversFromJson(gatewayFile, 'python-gateway.json').map((server) => server.name)).toEqual(['files', 'memory']);
    const commands = [
      ...entries.map((entry) => (JSON.parse(entry) as { mcpServers: Record<string, { args: string[] }> }).mcpServers.python.args),
      ...[...section.matchAll(/^(?:claude|gemini) mcp add .* -- (.*)$/gm)].map((match) => match[1].split(' ')),
    ];
    expect(commands).toHaveLength(3);
    const folder = temporaryFolder('gateway-example-');
    try {
      const file = join(folder.path, 'python-gateway.json');
      writeFileSync(file, gatewayFile);
      for (const args of commands) {
        const argv = args.slice(args.indexOf('mcp')).map((arg) => (arg.endsWith('/.config/python-gateway.json') ? file : arg));
        expect(parseCommandLine(argv)).toMatchObject({ kind: 'stdio', servers: [{ name: 'files' }, { name: 'memory' }] });
      }
    } finally {
      folder.remove();
    }
  });
});

describe('connecting', () => {
  it('leaves out, and names, the tools past the 128 a run takes, and a server it cannot reach', async () => {
    const everything = await startEverythingOverHttp();
    const lines: string[] = [];
    try {
      const servers = Array.from({ length: 10 }, (_, i) => ({ name: `copy${i}`, url: everything.url, headers: {} }));
      const downstream = await connectDownstream([...servers, { name: 'gone', url: 'http://127.0.0.1:9/mcp', headers: {} }], (line) => lines.push(line));
      try {
        expect(downstream.functions).toHaveLength(128);
        expect(lines.some((line) => /^130 downstream tools, over the 128 a run takes: left out copy9__\w+, copy9__\w+$/.test(line))).toBe(true);
        expect(lines.some((line) => line.startsWith('MCP server "gone" could not be reached and is left out'))).toBe(true);
      } finally {
        await downstream.close();
      }
    } finally {
      await everything.stop();
    }
  }, 60_000);
});
