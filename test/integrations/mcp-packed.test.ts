/**
 * The integrations as a user installs them: the packed package in an empty project (its
 * dependencies and peers linked from this repository's, no network). The `bin` serves MCP on
 * stdio to the official SDK client (its tools and its chart app), and both entries resolve by their package paths in Node.
 * Needs the built `dist/`.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { PACKAGE_NAME as NAME, linkDependencies, packPackage, unpackPackage } from '../support/packed-package.js';

let app: string;
let bin: string;
let tarball: string;

beforeAll(() => {
  app = mkdtempSync(join(tmpdir(), 'packed-mcp-'));
  tarball = packPackage(app);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
  const modules = join(app, 'node_modules');
  const installed = unpackPackage(tarball, modules);
  linkDependencies(installed, modules);
  const manifest = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8'));
  bin = join(installed, manifest.bin[NAME]);
  // What npm does for a bin on install.
  chmodSync(bin, 0o755);
}, 240_000);
afterAll(() => rmSync(app, { recursive: true, force: true }));

test('the bin, run as a program, serves run_python over stdio, and the chart app it names ships in the package', async () => {
  expect(readFileSync(bin, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
  const client = new Client({ name: 'test', version: '1.0.0' });
  await client.connect(new StdioClientTransport({ command: bin, args: ['mcp'], cwd: app, stderr: 'pipe' }));
  try {
    const result = await client.callTool({ name: 'run_python', arguments: { code: 'import sys\nsys.platform, 6 * 7' } });
    expect(result.content).toEqual([{ type: 'text', text: "('emscripten', 42)" }]);
    const { contents } = await client.readResource({ uri: 'ui://pyodide-code-execution/chart.html' });
    expect(contents[0]).toMatchObject({ mimeType: 'text/html;profile=mcp-app', text: expect.stringMatching(/^<!doctype html>/i) });
  } finally {
    await client.close();
  }
}, 120_000);

test('pyodide-code-execution/mcp and /ai-sdk resolve in Node by their package paths; /mcp exports what docs/mcp.md documents and nothing else', () => {
  writeFileSync(
    join(app, 'entries.mjs'),
    `const mcp = await import('${NAME}/mcp');
const ai = await import('${NAME}/ai-sdk');
console.log(JSON.stringify({ mcp: Object.keys(mcp).sort(), ai: [typeof ai.pythonTool, typeof ai.pythonToolDefinition] }));`,
  );
  const { mcp, ai } = JSON.parse(execFileSync(process.execPath, ['entries.mjs'], { cwd: app, encoding: 'utf8' }));
  // The command line's parser, the stdio transport, the tool schemas and the defaults are the server's own: not semver-bound.
  expect(mcp).toEqual(['SessionClosedError', 'SessionLimitError', 'SessionRegistry', 'SessionSandbox', 'createSessionServer', 'serveHttp', 'serveStdio']);
  expect(ai).toEqual(['function', 'function']);
});

test('the help names every flag, and a wrong flag exits 2 with it', () => {
  expect(execFileSync(bin, ['mcp', '--help'], { encoding: 'utf8' })).toMatch(/--http <port>[\s\S]*--max-sessions[\s\S]*--timeout-ms/);
  let status = 0;
  try {
    execFileSync(bin, ['mcp', '--no-such-flag'], { stdio: 'pipe' });
  } catch (error) {
    status = (error as { status: number }).status;
  }
  expect(status).toBe(2);
});

test('without Deno (an optional peer dependency), the command serves all the same, and every call answers with the line that installs it', async () => {
  const bare = mkdtempSync(join(tmpdir(), 'packed-mcp-no-deno-'));
  const client = new Client({ name: 'test', version: '1.0.0' });
  try {
    const modules = join(bare, 'node_modules');
    const installed = unpackPackage(tarball, modules);
    linkDependencies(installed, modules, ['deno']);
    const manifest = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8'));
    // A PATH with Node and nothing else, so no deno is found there either.
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [join(installed, manifest.bin[NAME]), 'mcp'],
      cwd: bare,
      env: { PATH: dirname(process.execPath) },
      stderr: 'pipe',
    });
    let stderr = '';
    transport.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    await client.connect(transport);
    expect((await client.listTools()).tools.map((tool) => tool.name)).toContain('run_python');
    const result = await client.callTool({ name: 'run_python', arguments: { code: '1 + 1' } });
    expect(result.isError).toBe(true);
    const text = (result.content as { text: string }[])[0].text;
    expect(text).toContain('npm install deno');
    expect(text).toContain('--isolation worker');
    // Said on stderr too, for whoever reads it.
    expect(stderr).toContain('npm install deno');
  } finally {
    await client.close();
    rmSync(bare, { recursive: true, force: true });
  }
}, 60_000);
