/**
 * The 2026-07-28 side of the HTTP endpoint: the SDK's strict per-request handler (`legacy:
 * 'reject'`), a fresh server per request answering from interpreters named by handle, and the
 * SDK's own era test that sends everything else to the 2025 sessions. The SDK's default would
 * serve 2025 traffic statelessly (a new server per request), dropping every 2025 client's Python
 * state; and its default body bound (4 MiB) is below a `write_file` of `maxFileBytes`, so the
 * server's own bound is given.
 */
import { createMcpHandler, isLegacyRequest } from '@modelcontextprotocol/server';
import { createHandleServer, handleTools } from '../sessions/handle-server.js';
import type { InterpreterHandles } from '../sessions/handles.js';
import type { ResolvedServerOptions } from '../options.js';
import { runTasksAfter } from '../sessions/tasks.js';

/** The modern handler, as http.ts uses it: bodies are read (within the bound) and parsed before. */
export interface ModernHttp {
  /** Whether the request is 2025-era traffic (the SDK's own classification): the sessions answer it. */
  isLegacy(request: Request, body: unknown): Promise<boolean>;
  /** Answers a 2026-07-28 request (or the SDK's error for a malformed envelope). */
  fetch(request: Request, body: unknown): Promise<Response>;
  /** Ends the exchanges in flight. */
  close(): Promise<void>;
}

/** The 2026-07-28 handler of a server whose interpreters by handle are `handles`. */
export function modernHttpHandler(handles: InterpreterHandles, resolved: ResolvedServerOptions): ModernHttp {
  const maxRequestBodySize = resolved.maxMessageBytes;
  const tools = handleTools(resolved.functions, resolved.tools);
  const tasks = runTasksAfter(handles.instance, resolved.taskAfterMs);
  const handler = createMcpHandler(({ requestInfo }) => createHandleServer(handles, resolved.tools, tools, requestInfo?.headers, tasks), {
    legacy: 'reject',
    maxRequestBodySize,
  });
  return {
    isLegacy: (request, body) => isLegacyRequest(request, body, { maxRequestBodySize }),
    fetch: (request, body) => handler.fetch(request, { parsedBody: body }),
    close: () => handler.close(),
  };
}
