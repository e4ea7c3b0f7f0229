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
// What docs/mcp.md documents, and the types and errors of those functions and classes. The command
// line's parser, the stdio transport, the tool schemas and the defaults stay internal (cli.ts and
// bin.ts import them directly), so they can change without a major version.
export { serveStdio } from './transports/stdio.js';
export { serveHttp, type HttpMcpServerOptions, type RunningHttpMcpServer } from './transports/http.js';
export type { ConnectionBounds } from './transports/connection-guard.js';
export type { PythonMcpServerOptions, RunningMcpServer } from './options.js';
export type { AgentLimits, McpServerLimits } from '../../agent/agent-limits.js';
export { createSessionServer } from './tools/server.js';
export type { ToolBounds } from './tools/tools.js';
export { SessionSandbox, type CreateSandbox, type SessionSetup, type SessionSkills } from '../shared/sessions.js';
export { SessionRegistry } from '../shared/session-registry.js';
export type { SessionBounds } from '../shared/session-bounds.js';
export type { BootAdmission, BootTurn } from '../shared/boot-admission.js';
export { SessionLimitError, SessionClosedError } from './errors.js';
export type { SessionState, StateStore } from '../shared/idle-save.js';
