/**
 * `mcpFunctions` takes the official SDK's client of either line: the 1.x `Client`
 * (`@modelcontextprotocol/sdk`, whose `callTool` takes its options third, after a result schema)
 * and the v2 one (`@modelcontextprotocol/client`, options second). Both type-check as they are, and
 * on both a call's request options and signal reach the request: a timeout ends a slow tool's call.
 */
import { Client as ClientV2 } from '@modelcontextprotocol/client';
import { StdioClientTransport as StdioV2 } from '@modelcontextprotocol/client/stdio';
import { Client as ClientV1 } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport as StdioV1 } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type McpFunction, mcpFunctions } from '../../dist/index.node.js';
import { referenceServerPath } from '../support/mcp-servers.js';

let v1: ClientV1;
let v2: ClientV2;

beforeAll(async () => {
  const params = { command: process.execPath, args: [referenceServerPath('everything')], stderr: 'pipe' as const };
  v1 = new ClientV1({ name: 'sdk-1', version: '1.0.0' });
  v2 = new ClientV2({ name: 'sdk-2', version: '1.0.0' });
  await Promise.all([v1.connect(new StdioV1(params)), v2.connect(new StdioV2(params))]);
}, 60_000);

afterAll(async () => {
  await Promise.all([v1?.close(), v2?.close()]);
});

const named = (functions: McpFunction[], name: string) => {
  const fn = functions.find((candidate) => candidate.name === name);
  if (!fn) throw new Error(`no function ${name} among ${functions.map((candidate) => candidate.name).join(', ')}`);
  return fn;
};

describe('mcpFunctions with a 1.x and a v2 client', () => {
  it('lists and calls the tools through both', async () => {
    const functions = await mcpFunctions({ one: v1, two: v2 });
    for (const server of ['one', 'two']) {
      expect(await named(functions, `${server}__get_sum`).handler({ a: 40, b: 2 }, {})).toContain('42');
    }
  });

  it.each([
    ['1.x', () => v1],
    ['v2', () => v2],
  ])("passes the request options to the %s client: a 300 ms timeout ends a 10 s tool's call", async (_line, client) => {
    const functions = await mcpFunctions(client(), { requestOptions: { timeout: 300 } });
    const started = Date.now();
    await expect(named(functions, 'trigger_long_running_operation').handler({ duration: 10, steps: 2 }, {})).rejects.toThrow(/timed out|timeout/i);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it.each([
    ['1.x', () => v1],
    ['v2', () => v2],
  ])("passes the call's signal to the %s client: an abort ends a 10 s tool's call", async (_line, client) => {
    const functions = await mcpFunctions(client());
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 300);
    const started = Date.now();
    await expect(named(functions, 'trigger_long_running_operation').handler({ duration: 10, steps: 2 }, { signal: controller.signal })).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});
