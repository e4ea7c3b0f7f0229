/**
 * The MCP server (`pyodide-code-execution/mcp`, Node only): Python in Pyodide as the MCP tools
 * `run_python`, `write_file`, `read_file` and `reset`, one sandbox per MCP session, on stdio or
 * streamable HTTP. The command line (`npx pyodide-code-execution mcp`) runs the same functions.
 *
 * Python here runs in a Node worker thread, which is not an isolation boundary (see docs/mcp.md):
 * serve untrusted code only inside a container or OS-level sandbox.
 *
 * @example
 * ```ts
 * import { serveHttp } from 'pyodide-code-execution/mcp';
 * const server = await serveHttp({ port: 3000, limits: { timeoutMs: 10_000 } });
 * console.log(server.url);   // http://127.0.0.1:3000/mcp
 * ```
 */
export { serveStdio, BoundedStdioTransport } from './stdio.js';
export { serveHttp, MCP_PATH, type HttpMcpServerOptions, type RunningHttpMcpServer } from './http.js';
export { createSessionServer, SERVER_NAME } from './server.js';
export {
  SessionSandbox,
  SessionRegistry,
  SessionLimitError,
  SessionClosedError,
  MAX_CALLS_PER_SESSION,
  type CreateSandbox,
  type SessionBounds,
} from './sessions.js';
export { resolveServerOptions, MCP_DEFAULTS, type PythonMcpServerOptions, type ResolvedServerOptions, type RunningMcpServer } from './options.js';
export { toolDefinitions, parseToolCall, ToolArgumentError, TOOL_NAMES, MAX_PATH_CHARS, type ToolName, type ToolBounds, type ToolCall } from './tools.js';
export { runCommandLine, parseCommandLine, usage, type CliCommand } from './cli.js';
