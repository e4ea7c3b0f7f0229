/** The MCP server's checks that need no interpreter: tool arguments, the command line, allowed Host names, cut lines' ids. */
import { availableParallelism } from 'node:os';
import { describe, expect, test } from 'vitest';
import { parseCommandLine } from '../../src/integrations/mcp/cli.js';
import { allowedHostNames, hostAndOriginAllowed } from '../../src/integrations/mcp/transports/host-check.js';
import { serveHttp } from '../../src/integrations/mcp/transports/http.js';
import { MCP_DEFAULTS, type PythonMcpServerOptions, resolveServerOptions } from '../../src/integrations/mcp/options.js';
import { SessionClosedError, ToolArgumentError } from '../../src/integrations/mcp/errors.js';
import { SessionSandbox } from '../../src/integrations/shared/sessions.js';
import { idOfCutLine } from '../../src/integrations/mcp/transports/stdio.js';
import { parseToolCall } from '../../src/integrations/mcp/tools/tools.js';

const BOUNDS = { timeoutMs: 30_000, maxCodeChars: 100, maxFileBytes: 10 };

describe('tool arguments', () => {
  test('run_python takes code within the bound, and refuses code over it, empty or not a string', () => {
    expect(parseToolCall('run_python', { code: 'print(1)', extra: true }, BOUNDS)).toEqual({ tool: 'run_python', code: 'print(1)' });
    expect(() => parseToolCall('run_python', { code: 'x'.repeat(101) }, BOUNDS)).toThrow(/101 characters; at most 100/);
    expect(() => parseToolCall('run_python', { code: '  ' }, BOUNDS)).toThrow(/empty/);
    expect(() => parseToolCall('run_python', { code: ['x'] }, BOUNDS)).toThrow(/must be a string; got an array/);
    expect(() => parseToolCall('run_python', undefined, BOUNDS)).toThrow(ToolArgumentError);
  });

  test('write_file bounds the decoded size, before and after decoding', () => {
    expect(parseToolCall('write_file', { path: 'a.txt', content: 'héllo' }, BOUNDS)).toEqual({ tool: 'write_file', path: 'a.txt', data: 'héllo' });
    expect(() => parseToolCall('write_file', { path: 'a.txt', content: 'ééééé6' }, BOUNDS)).toThrow(/11 bytes; write_file takes at most 10/);
    const tenBytes = Buffer.alloc(10, 1).toString('base64');
    expect(parseToolCall('write_file', { path: 'b', content: tenBytes, encoding: 'base64' }, BOUNDS)).toMatchObject({ data: new Uint8Array(10).fill(1) });
    // 20 base64 characters is over 4/3 of 10 bytes, refused before decoding.
    expect(() => parseToolCall('write_file', { path: 'b', content: 'A'.repeat(20), encoding: 'base64' }, BOUNDS)).toThrow(/at most 16/);
    expect(() => parseToolCall('write_file', { path: 'b', content: 'not base64!', encoding: 'base64' }, BOUNDS)).toThrow(/not valid base64/);
    expect(() => parseToolCall('write_file', { path: 'b', content: 'x', encoding: 'latin-1' }, BOUNDS)).toThrow(/"utf-8" or "base64"/);
  });

  test('paths are bounded and must not be empty; unknown tools are named', () => {
    expect(() => parseToolCall('read_file', { path: 'p'.repeat(1025) }, BOUNDS)).toThrow(/at most 1,024/);
    expect(() => parseToolCall('read_file', { path: '' }, BOUNDS)).toThrow(/empty/);
    expect(() => parseToolCall('rm_rf', {}, BOUNDS)).toThrow(/Unknown tool "rm_rf"; the tools are run_python, write_file, read_file, reset/);
  });
});

describe('the command line', () => {
  test('stdio by default; every limit has its flag', () => {
    expect(parseCommandLine(['mcp', '--timeout-ms', '5000', '--max-output-bytes', '4096', '--package-index', 'https://pypi.org/simple/'])).toEqual({
      kind: 'stdio',
      options: { limits: { timeoutMs: 5000, maxOutputBytes: 4096 }, packageIndex: 'https://pypi.org/simple/' },
    });
    expect(parseCommandLine(['mcp'])).toEqual({ kind: 'stdio', options: { limits: {}, packageIndex: false } });
    expect(parseCommandLine(['mcp', '--task-after-ms', '500'])).toMatchObject({ kind: 'stdio', options: { taskAfterMs: 500 } });
    expect(resolveServerOptions({}).taskAfterMs).toBe(2000);
    expect(resolveServerOptions({ taskAfterMs: false }).taskAfterMs).toBe(false);
    expect(() => resolveServerOptions({ taskAfterMs: -1 })).toThrow(/taskAfterMs must be a number/);
    // One interpreter a session by default; --warm-spare adds one (the sandbox's Node default:
    // staged for rewinds where checkpoints are kept, else a spare), never two.
    expect(parseCommandLine(['mcp', '--warm-spare'])).toMatchObject({ kind: 'stdio', options: { warmSpare: true } });
    expect(resolveServerOptions({}).sandbox.warmSpare).toBe(false);
    expect(resolveServerOptions({ warmSpare: true }).sandbox.warmSpare).toBe('auto');
  });

  test("--http with its host; the server's limit flags set the same limits as the sandbox's, --idle-minutes in minutes", () => {
    const argv = [
      '--http',
      '3000',
      '--host',
      '0.0.0.0',
      '--max-sessions',
      '2',
      '--max-boots',
      '1',
      '--idle-minutes',
      '0.5',
      '--max-pending-calls',
      '4',
      '--max-code-chars',
      '500',
    ];
    expect(parseCommandLine(['mcp', ...argv, '--allowed-host', 'box', '--instance', 'py1'])).toEqual({
      kind: 'http',
      options: {
        limits: { maxSessions: 2, maxBoots: 1, idleMs: 30_000, maxPendingCalls: 4, maxCodeChars: 500 },
        packageIndex: false,
        port: 3000,
        host: '0.0.0.0',
        allowedHosts: ['box'],
        instance: 'py1',
      },
    });
  });

  test('unknown commands and flags, and values that are not numbers, are refused', () => {
    expect(() => parseCommandLine(['serve'])).toThrow(/Unknown command "serve"/);
    expect(() => parseCommandLine(['mcp', '--timeout', '5'])).toThrow(/--timeout/);
    expect(() => parseCommandLine(['mcp', '--timeout-ms', 'soon'])).toThrow(/--timeout-ms takes a number/);
    expect(() => parseCommandLine(['mcp', '--host', '0.0.0.0'])).toThrow(/go with --http/);
    expect(() => parseCommandLine(['mcp', '--instance', 'py1'])).toThrow(/go with --http/);
  });

  test('out-of-range values are refused before anything starts, naming the setting', async () => {
    expect(() => resolveServerOptions({ limits: { timeoutMs: -1 } })).toThrow(/timeoutMs must be/);
    expect(() => resolveServerOptions({ limits: { maxSessions: 0 } })).toThrow(/limits.maxSessions must be/);
    expect(() => resolveServerOptions({ limits: { maxSessions: 1.5 } })).toThrow(/whole number/);
    expect(() => resolveServerOptions({ limits: { maxPendingCalls: 0 } })).toThrow(/limits.maxPendingCalls must be/);
    expect(() => resolveServerOptions({ limits: { idleMs: -1 } })).toThrow(/limits.idleMs must be/);
    // A name a balancer could not route on: its handles and session ids would not lead back to it.
    for (const instance of ['Py1', 'py.1', 'p'.repeat(33)])
      await expect(serveHttp({ port: 0, instance })).rejects.toThrow(/instance must be lower-case letters/);
    // @ts-expect-error: an unknown limit.
    expect(() => resolveServerOptions({ limits: { maxSesions: 2 } })).toThrow(/Unknown limit "maxSesions"/);
  });
});

describe("the server's limits", () => {
  test("limits holds the server's and the sandbox's, each to its owner; defaults fill the rest", () => {
    const limits = {
      maxSessions: 3,
      maxBoots: 1,
      idleMs: 90_000,
      maxCodeChars: 500,
      maxPendingCalls: 4,
      timeoutMs: 5_000,
    } satisfies PythonMcpServerOptions['limits'];
    const resolved = resolveServerOptions({ limits });
    expect(resolved.sessions).toEqual({ maxSessions: 3, idleMs: 90_000, maxPendingCalls: 4 });
    expect(resolved.maxBoots).toBe(1);
    // One boot per core unless told.
    expect(resolveServerOptions().maxBoots).toBe(availableParallelism());
    expect(() => resolveServerOptions({ limits: { maxBoots: 0 } })).toThrow(/limits\.maxBoots must be a number from 1 to 1000/);
    expect(resolved.tools).toMatchObject({ maxCodeChars: 500, timeoutMs: 5_000 });
    expect(resolved.limits.timeoutMs).toBe(5_000);
    expect(resolved.limits).not.toHaveProperty('maxSessions');
    expect(resolveServerOptions().sessions).toEqual({ maxSessions: 8, idleMs: 15 * 60_000, maxPendingCalls: 16 });
    expect(MCP_DEFAULTS).toEqual({ maxSessions: 8, maxBoots: availableParallelism(), idleMs: 900_000, maxCodeChars: 1_000_000, maxPendingCalls: 16 });
  });

  test('the deprecated top-level maxSessions, idleMinutes (minutes) and maxCodeChars still work; with their limits field too it is a TypeError', () => {
    const resolved = resolveServerOptions({ maxSessions: 2, idleMinutes: 0.5, maxCodeChars: 300 });
    expect(resolved.sessions).toEqual({ maxSessions: 2, idleMs: 30_000, maxPendingCalls: 16 });
    expect(resolved.tools.maxCodeChars).toBe(300);
    expect(() => resolveServerOptions({ idleMinutes: 1, limits: { idleMs: 60_000 } })).toThrow(
      'idleMinutes and limits.idleMs are both given; keep limits.idleMs (idleMinutes is deprecated)',
    );
    expect(() => resolveServerOptions({ maxCodeChars: 1, limits: { maxCodeChars: 1 } })).toThrow(TypeError);
  });

  test('a session takes limits.maxPendingCalls calls at once and refuses the next', async () => {
    const session = new SessionSandbox(() => new Promise(() => {}), 2);
    void session.use(async () => undefined);
    void session.use(async () => undefined);
    await expect(session.use(async () => undefined)).rejects.toThrow(
      new SessionClosedError('This session has 2 calls running or queued already (limits.maxPendingCalls); wait for them to finish.'),
    );
  });
});

describe('the Host and Origin an HTTP request may name', () => {
  test('listening on every address (a container), a rebinding name is refused; loopback and configured names pass', () => {
    for (const wildcard of ['0.0.0.0', '::']) {
      const allowed = allowedHostNames(wildcard, ['Box', 'fd00::1']);
      expect(hostAndOriginAllowed('evil.example:3000', undefined, allowed)).toBe(false);
      expect(hostAndOriginAllowed('0.0.0.0:3000', undefined, allowed)).toBe(false);
      expect(hostAndOriginAllowed('127.0.0.1:3000', undefined, allowed)).toBe(true);
      expect(hostAndOriginAllowed('[::1]:3000', undefined, allowed)).toBe(true);
      expect(hostAndOriginAllowed('box:8080', undefined, allowed)).toBe(true);
      expect(hostAndOriginAllowed('[fd00::1]:3000', undefined, allowed)).toBe(true);
    }
  });

  test("the listen address is its own name, with or without a port; a browser's Origin must name an allowed host too", () => {
    const allowed = allowedHostNames('127.0.0.2');
    expect(hostAndOriginAllowed('127.0.0.2:3000', undefined, allowed)).toBe(true);
    expect(hostAndOriginAllowed('127.0.0.2', 'http://127.0.0.2:3000', allowed)).toBe(true);
    expect(hostAndOriginAllowed('127.0.0.2:3000', 'https://evil.example', allowed)).toBe(false);
    expect(hostAndOriginAllowed('127.0.0.2:3000', 'null', allowed)).toBe(false);
    expect(hostAndOriginAllowed(undefined, undefined, allowed)).toBe(false);
    expect(hostAndOriginAllowed('[::1]:3000', undefined, allowedHostNames('::1'))).toBe(true);
  });
});

describe('the id of a stdio line too long to read', () => {
  test('is found at either end, where only the top-level id can be', () => {
    expect(idOfCutLine('{"jsonrpc":"2.0","method":"tools/call","params":{"x":"aaa', 'aaa"}},"id":7}')).toBe(7);
    expect(idOfCutLine('{"jsonrpc":"2.0","id":"req-1","method":"tools/call","params":{"x":"aaa', 'aaa"}}}')).toBe('req-1');
    expect(idOfCutLine('{"method":"tools/call","params":{"x":"aaa', 'aaa","id":3}}}')).toBeUndefined();
    expect(idOfCutLine('{"method":"x","params":"', 'aaa"}')).toBeUndefined();
  });
});
