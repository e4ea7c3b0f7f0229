/**
 * The MCP server of one session: the official SDK's `Server` (the v2 line) with its tools,
 * answering from that session's sandbox. Tool calls whose arguments are unusable get tool errors
 * (`isError`), as the SDK's own `McpServer` answers them, so a model can fix its call; requests
 * that are not valid MCP are answered with JSON-RPC errors by the SDK and the transports. The
 * same pieces serve clients without a session, whose calls name their interpreter by handle
 * (handle-server.ts).
 */
import { type CallToolResult, type ProgressToken, Server, type ServerContext, type Tool } from '@modelcontextprotocol/server';
import type { SandboxFileTooLargeError } from '../../../sandbox/errors.js';
import type { PythonSandbox } from '../../../sandbox/python-sandbox.js';
import { toWorkdirPath } from '../../../sandbox/files/workdir-paths.js';
import { drawCharts } from '../../../sandbox/charts/render-node.js';
import type { LoadProgress, OutputChunk, SandboxFunction } from '../../../shared/types.js';
import { serveChartApp } from '../apps/app-resource.js';
import { WORKER_ALTERNATIVE } from '../boundary.js';
import { BUSY_RETRY_SECONDS, BoundaryUnavailableError, SessionClosedError, ToolArgumentError } from '../errors.js';
import { fileContent, runContent, toolError, toolText, writtenContent } from './content.js';
import type { SessionSandbox } from '../../shared/sessions.js';
import { type ToolBounds, type ToolCall, parseToolCall, toolDefinitions } from './tools.js';
import { checkpointName, rewindTo, settled } from './timeline.js';

declare const __PACKAGE_VERSION__: string | undefined;
/** The package's version, set by the build (vite.config.ts). */
const VERSION = typeof __PACKAGE_VERSION__ === 'string' ? __PACKAGE_VERSION__ : '0.0.0';

/** The name the server gives in `initialize` and `server/discover`. */
export const SERVER_NAME = 'pyodide-code-execution';

const INSTRUCTIONS =
  'Python (Pyodide) with state kept between calls: run_python runs code, write_file and read_file move files in and out of its working directory, reset starts over.';

/**
 * How long a 2026-07-28 client may keep `tools/list` and `server/discover`: the tools of a server
 * never change while it runs, and are the same for every client (`public`).
 */
const LIST_CACHE = { ttlMs: 5 * 60_000, cacheScope: 'public' } as const;

/** Answers one checked call. */
export type AnswerCall = (call: ToolCall, args: Record<string, unknown>, ctx: ServerContext) => Promise<CallToolResult>;

/** The tools a server lists, or how to list them when first asked (the stdio gateway: its downstream servers' tools). */
export type ListedTools = Tool[] | (() => Promise<Tool[]>);

/**
 * A server listing `tools`, whose calls are checked against `bounds` and then answered by `answer`.
 * The low-level `Server`: the tools' JSON Schemas and argument checks are this package's own, so
 * no schema library is needed and every bound is checked before anything is decoded. Tools given
 * as a function are listed at the first `tools/list` or `tools/call`, and each call is answered
 * once they are (what its run may call is known then); `server/discover` never waits for them.
 */
export function toolServer(tools: ListedTools, bounds: ToolBounds, answer: AnswerCall): Server {
  const listed = typeof tools === 'function' ? tools : async () => tools;
  const server = new Server(
    { name: SERVER_NAME, version: VERSION },
    {
      // resources: the chart app (apps/), which run_python names for hosts that render MCP Apps.
      capabilities: { tools: {}, resources: {} },
      instructions: INSTRUCTIONS,
      cacheHints: { 'tools/list': LIST_CACHE, 'server/discover': LIST_CACHE, 'resources/list': LIST_CACHE, 'resources/read': LIST_CACHE },
    },
  );
  serveChartApp(server);
  server.setRequestHandler('tools/list', async () => ({ tools: await listed() }));
  server.setRequestHandler('tools/call', async (request, ctx) => {
    await listed();
    const args = request.params.arguments ?? {};
    let call: ToolCall;
    try {
      call = parseToolCall(request.params.name, args, bounds);
    } catch (error) {
      if (ToolArgumentError.isInstance(error)) return toolError(`Input validation error: ${error.message}`);
      throw error;
    }
    return answer(call, args, ctx);
  });
  return server;
}

/** The four tools, with `run_python`'s description listing `functions` (the session's, else the bounds'). */
export function listedTools(functions: readonly SandboxFunction[], bounds: ToolBounds): Tool[] {
  const listed =
    functions.length > 0 ? functions.map(({ name, description, parameters }) => ({ name, description, parametersJsonSchema: parameters })) : bounds.functions;
  return toolDefinitions({ ...bounds, functions: listed });
}

/**
 * A server for one MCP session. Connect it to one transport (`server.connect(transport)`).
 * @param session The session's sandbox.
 * @param bounds The per-run time told to the model, and the argument bounds.
 * @returns The SDK server (`@modelcontextprotocol/server`); closing it does not close the session.
 */
export function createSessionServer(session: SessionSandbox, bounds: ToolBounds): Server {
  return toolServer(listedTools(session.functions, bounds), bounds, (call, _args, ctx) => answerCall(session, call, bounds, ctx));
}

/** How a call that became a task runs (tasks.ts): stopped by its own signal rather than the request's, its output heard as it comes. */
export interface RunAsTask {
  signal: AbortSignal;
  onOutput: (text: string) => void;
}

/** The answer to a checked call from `session`'s sandbox: a failure is a tool error that says what happened. */
export async function answerCall(session: SessionSandbox, call: ToolCall, bounds: ToolBounds, ctx: ServerContext, task?: RunAsTask): Promise<CallToolResult> {
  const signal = task?.signal ?? ctx.mcpReq.signal;
  const progress = progressSender(ctx.mcpReq._meta?.progressToken, ctx.mcpReq.notify);
  try {
    return await callTool(session, call, bounds, signal, progress, task?.onOutput);
  } catch (error) {
    return toolError(describeFailure(error, signal, bounds.place ?? 'deno'));
  }
}

async function callTool(
  session: SessionSandbox,
  call: ToolCall,
  { maxFileBytes, checkpoints }: ToolBounds,
  signal: AbortSignal,
  onProgress: ((progress: LoadProgress) => void) | undefined,
  onOutput?: (text: string) => void,
): Promise<CallToolResult> {
  switch (call.tool) {
    case 'run_python': {
      // The run calls the session's functions (code mode); the skills it wrote are kept after it.
      const output = onOutput && ((chunk: OutputChunk) => onOutput(chunk.text));
      const { result, checkpoint } = await session.use(
        async (sandbox) => {
          if (checkpoints) await settled(sandbox);
          const result = await sandbox.run(call.code, { signal, functions: session.functions, onOutput: output });
          return { result, checkpoint: checkpoints && checkpointName(sandbox, result.run ?? 0) };
        },
        { signal, onProgress },
      );
      const notKept = await session.skills?.keep(result.files);
      // Charts as PNGs too: most hosts show (and give their model) images, not Vega-Lite specs.
      const { note, restoredFrom } = session.takeDropped();
      const told = restoredFrom && !result.restoredFrom ? { ...result, restoredFrom } : result;
      const answer = runContent(await drawCharts(told), note, joinNotes(session.takeSkillsNote(), notKept));
      return checkpoint ? { ...answer, structuredContent: { ...(answer.structuredContent as Record<string, unknown>), checkpoint } } : answer;
    }
    case 'write_file': {
      await session.use(
        async (sandbox) => {
          if (checkpoints) await settled(sandbox);
          await sandbox.writeFile(call.path, call.data);
        },
        { signal, onProgress },
      );
      return writtenContent(call.path, typeof call.data === 'string' ? Buffer.byteLength(call.data, 'utf8') : call.data.length);
    }
    case 'read_file':
      return session.use((sandbox) => readBounded(sandbox, toWorkdirPath(call.path), maxFileBytes), { signal, onProgress });
    case 'reset':
      await session.reset();
      return toolText('Python was reset: the next call starts a new interpreter with an empty working directory.');
    case 'rewind_python':
      await session.use((sandbox) => rewindTo(sandbox, call.checkpoint), { signal, onProgress });
      return toolText(
        `Python was rewound to checkpoint ${call.checkpoint}: variables, imports and files are as they were right after that run; what later calls did is gone.`,
      );
    case 'fork_python':
      return toolError(
        'fork_python needs a 2026-07-28 client: its fork is a new interpreter behind a handle of its own, and a 2025 session (one per connection) has one interpreter. rewind_python works here.',
      );
  }
}

function joinNotes(...notes: (string | undefined)[]): string | undefined {
  return notes.filter(Boolean).join(' ') || undefined;
}

/** A file's contents, if within `maxFileBytes`: a larger file is refused inside the interpreter, before it is copied. */
async function readBounded(sandbox: PythonSandbox, path: string, maxFileBytes: number): Promise<CallToolResult> {
  try {
    return fileContent(path, await sandbox.readFile(path, { maxBytes: maxFileBytes }));
  } catch (error) {
    // By name, as errors are matched across bundles (describeFailure).
    if ((error as Error)?.name !== 'SandboxFileTooLargeError') throw error;
    const { size } = error as SandboxFileTooLargeError;
    return toolError(
      `${path} is ${size.toLocaleString('en-US')} bytes; read_file returns at most ${maxFileBytes.toLocaleString('en-US')}. Read a part of it with run_python.`,
    );
  }
}

/** The tool error for a call that threw: the sandbox's own errors say what happened in their message. */
export function describeFailure(error: unknown, signal: AbortSignal, place: ToolBounds['place']): string {
  if (signal.aborted) return 'The call was cancelled.';
  // The server's own errors say what happened, and what to do, in their message.
  if (SessionClosedError.isInstance(error) || BoundaryUnavailableError.isInstance(error) || ToolArgumentError.isInstance(error)) return error.message;
  const { name, message } = error instanceof Error ? error : { name: 'Error', message: String(error) };
  switch (name) {
    case 'SandboxFileNotFoundError':
      return message;
    case 'SandboxDisposedError':
      return 'Python was reset or closed while this call ran; call again to use a new interpreter.';
    case 'SandboxBootError':
      if ((error as { retryable?: unknown }).retryable === true)
        return `Python could not start in time: the machine is too busy booting. Call again in ${BUSY_RETRY_SECONDS} seconds; nothing of this session was lost.`;
      // Deno there but not starting is as blocking as Deno missing: offer the same way out.
      return `Python could not start: ${message}${place === 'deno' ? ` ${WORKER_ALTERNATIVE}` : ''}`;
    case 'TypeError':
    case 'RangeError':
      // The sandbox's own argument checks (a path outside the working directory, for one).
      return message;
    default:
      return `${name}: ${message}`;
  }
}

/**
 * Sends `notifications/progress` for a call that asked for them (it sent a progressToken): each
 * of the sandbox's boot and package messages, numbered, as progress must increase.
 */
function progressSender(token: ProgressToken | undefined, send: ServerContext['mcpReq']['notify']): ((progress: LoadProgress) => void) | undefined {
  if (token === undefined) return undefined;
  let step = 0;
  return (progress) => {
    step += 1;
    send({ method: 'notifications/progress', params: { progressToken: token, progress: step, message: progress.message } }).catch(() => {
      // The client went away; the call's own answer will fail the same way.
    });
  };
}
