/**
 * The MCP server for clients without a session (protocol revision 2026-07-28, over HTTP or
 * stdio): the same four tools, each taking the `handle` that names its interpreter (handles.ts).
 * A call without one starts a new interpreter and returns its handle, in `structuredContent`
 * under the argument's own name and in the text; a call with one is answered by that
 * interpreter only. A `run_python` that becomes a task (tasks.ts) gives its result without the
 * handle, and one that starts an interpreter never becomes a task.
 */
import type { CallToolResult, Server, Tool } from '@modelcontextprotocol/server';
import type { SandboxFunction } from '../../../shared/types.js';
import { toolError } from '../tools/content.js';
import { SessionLimitError } from '../errors.js';
import { HANDLE_ARGUMENT, HANDLE_HEADER, type InterpreterHandles, withHandleArgument } from './handles.js';
import { type ListedTools, answerCall, describeFailure, listedTools, toolServer } from '../tools/server.js';
import { checkpointId, checkpointName } from '../tools/timeline.js';
import { type RunTasks, declaresTasks, isTask, serveTasks } from './tasks.js';
import type { SessionSandbox } from '../../shared/sessions.js';
import { type ToolBounds, forkTool } from '../tools/tools.js';

/** The tools as clients without a session list them, `run_python`'s description listing `functions` (what every run may call). */
export function handleTools(functions: readonly SandboxFunction[], bounds: ToolBounds): Tool[] {
  return withHandleArgument([...listedTools(functions, bounds), ...forkTool(bounds)]);
}

/**
 * A server answering from `handles`' interpreters. Over HTTP it serves one request, so it is made
 * per request, with that request's headers (and the tools listed once, by {@link handleTools}).
 * @param headers The HTTP request's headers, whose `Mcp-Param-Handle` must agree with the argument.
 * @param tasks Where long runs of clients that declare the Tasks extension go (tasks.ts); without it, the extension is not offered.
 */
export function createHandleServer(handles: InterpreterHandles, bounds: ToolBounds, tools: ListedTools, headers?: Headers, tasks?: RunTasks): Server {
  // A call re-enters tools/server.ts and this module once each, by design: toolServer (shared by
  // both eras) registers the tools with the SDK and checks the arguments, then calls back this
  // era's part (which interpreter answers), which hands the call to answerCall, the same for both.
  const server = toolServer(tools, bounds, async (call, args, ctx) => {
    let handle: string;
    let session: SessionSandbox;
    let minted = false;
    if (args[HANDLE_ARGUMENT] === undefined || args[HANDLE_ARGUMENT] === null) {
      if (call.tool === 'rewind_python' || call.tool === 'fork_python')
        return toolError(
          `${call.tool} needs the "${HANDLE_ARGUMENT}" of the interpreter whose checkpoint it takes: pass the handle an earlier result returned.`,
        );
      try {
        ({ handle, session } = handles.mint());
      } catch (error) {
        if (SessionLimitError.isInstance(error)) return toolError(error.message);
        throw error;
      }
      minted = true;
    } else {
      await handles.settled(args[HANDLE_ARGUMENT]);
      const resolved = handles.resolve(args[HANDLE_ARGUMENT], headers?.get(`Mcp-Param-${HANDLE_HEADER}`));
      if (resolved.error !== undefined) return toolError(resolved.error);
      handle = args[HANDLE_ARGUMENT] as string;
      session = resolved.session;
    }
    if (call.tool === 'fork_python') return forkHandle(handles, session, handle, call.checkpoint, bounds, ctx.mcpReq.signal);
    // A task is read by whoever holds its id, so its result leaves the handle out (the call named it);
    // a call that starts an interpreter, whose result alone gives the new handle, is answered in place.
    if (tasks && !minted && call.tool === 'run_python' && declaresTasks(ctx)) {
      const answered = await tasks.answer((signal, onOutput) => answerCall(session, call, bounds, ctx, { signal, onOutput }), ctx.mcpReq.signal);
      return isTask(answered) ? answered : withHandle(answered, handle, minted);
    }
    const answered = await answerCall(session, call, bounds, ctx);
    // A new handle whose first call gave up waiting for its turn to boot (busy) is forgotten, its boot leaving the line: its handle was never given out.
    if (minted && session.waitingToBoot) {
      handles.forget(handle);
      return answered;
    }
    return withHandle(answered, handle, minted);
  });
  if (tasks) serveTasks(server, tasks);
  return server;
}

/** The result with its handle: always in `structuredContent`, and said in the text when the call started the interpreter. */
function withHandle(result: CallToolResult, handle: string, minted: boolean): CallToolResult {
  const note = minted
    ? [
        {
          type: 'text' as const,
          text: `This call started a new Python interpreter, whose handle is "${handle}": pass it as "${HANDLE_ARGUMENT}" in every later call to keep its variables and files.`,
        },
      ]
    : [];
  if (result.isError) return { ...result, content: [...result.content, ...note] };
  const structured = typeof result.structuredContent === 'object' && result.structuredContent !== null ? result.structuredContent : {};
  return { ...result, content: [...result.content, ...note], structuredContent: { ...structured, [HANDLE_ARGUMENT]: handle } };
}

/**
 * A new handle whose interpreter is a fork of `session`'s, from the checkpoint `checkpoint` names
 * or else its current state: booted in its own turn, and forgotten if it does not start.
 */
async function forkHandle(
  handles: InterpreterHandles,
  session: SessionSandbox,
  handle: string,
  checkpoint: string | undefined,
  bounds: ToolBounds,
  signal: AbortSignal,
): Promise<CallToolResult> {
  let forked: string | undefined;
  try {
    // The checkpoint is found before the fork takes a boot's turn: the parent may need one itself first.
    const from = await session.use(async (sandbox) => ({ sandbox, id: checkpoint === undefined ? undefined : await checkpointId(sandbox, checkpoint) }), {
      signal,
    });
    const minted = handles.mint();
    forked = minted.handle;
    const fork = await minted.session.startFrom((onProgress) => from.sandbox.fork(from.id, { onProgress }));
    const started = checkpointName(fork, 0);
    return {
      content: [
        {
          type: 'text',
          text: `Forked ${checkpoint === undefined ? 'the current state' : `checkpoint ${checkpoint}`} into a new Python interpreter, whose handle is "${forked}": pass it as "${HANDLE_ARGUMENT}" to use the fork. This handle keeps the original; neither sees what the other does from now on.`,
        },
      ],
      structuredContent: { [HANDLE_ARGUMENT]: handle, forkHandle: forked, checkpoint: started },
    };
  } catch (error) {
    if (forked !== undefined) handles.forget(forked);
    return toolError(describeFailure(error, signal, bounds.place ?? 'deno'));
  }
}
