/**
 * MCP over stdio: newline-delimited JSON-RPC on stdin and stdout, both protocol eras. The SDK's
 * `serveStdio` decides the era from the opening message: a 2025 client (`initialize`) gets the one
 * session of this process, a 2026-07-28 client (`server/discover`, `_meta` on each request) gets
 * interpreters by handle. The wire is this transport, not the SDK's: that one buffers a whole line
 * before looking at it and closes the connection on one over its bound, and it drops a line that
 * is not JSON-RPC without an answer. This one keeps serving: a line over `maxMessageBytes` is
 * skipped as it streams in (never held) and answered with an error, and so is a line that is not
 * JSON or not a JSON-RPC message.
 */
import type { Readable, Writable } from 'node:stream';
import { type JSONRPCMessage, ProtocolErrorCode, type RequestId, type Tool, type Transport, parseJSONRPCMessage } from '@modelcontextprotocol/server';
import type { SandboxFunction } from '../../../shared/types.js';
import { serveStdio as serveStdioEras } from '@modelcontextprotocol/server/stdio';
import { createHandleServer, handleTools } from '../sessions/handle-server.js';
import { InterpreterHandles, randomInstanceName } from '../sessions/handles.js';
import { type PythonMcpServerOptions, type RunningMcpServer, resolveServerOptions } from '../options.js';
import { createSessionServer } from '../tools/server.js';
import { type StateScope, sandboxMaker, savedIn, sayOnStderr, sessionSetup, stateStore } from '../sessions/session-setup.js';
import { claimStateName } from '../sessions/state-folder.js';
import { runTasksAfter } from '../sessions/tasks.js';
import { SessionRegistry } from '../../shared/session-registry.js';
import { idleNote } from '../../shared/idle-save.js';
import { interpreterIdleMs } from '../../shared/session-bounds.js';

/** A stdio transport that bounds each message and answers unusable ones. */
export class BoundedStdioTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;

  /** The pieces of the current line, while it is within the bound. */
  private pieces: Buffer[] = [];
  private pieceBytes = 0;
  /** Set while the rest of an over-long line is skipped: its first and last bytes, for its id. */
  private skipping: { head: Buffer; tail: Buffer } | undefined;
  private closed = false;
  private ended!: () => void;
  /** Settles when the transport closes (stdin ended, or `close()`). */
  readonly whenClosed = new Promise<void>((resolve) => {
    this.ended = resolve;
  });

  /**
   * @param maxMessageBytes Longest line taken, in bytes.
   */
  constructor(
    private readonly maxMessageBytes: number,
    private readonly stdin: Readable = process.stdin,
    private readonly stdout: Writable = process.stdout,
  ) {}

  /** Starts reading stdin; its end closes the transport. */
  async start(): Promise<void> {
    this.stdin.on('data', this.onData);
    this.stdin.on('error', this.onStreamError);
    this.stdin.on('end', this.onEnd);
  }

  /** Writes one message as a line. */
  send(message: JSONRPCMessage): Promise<void> {
    return new Promise((resolve) => {
      if (this.stdout.write(`${JSON.stringify(message)}\n`)) resolve();
      else this.stdout.once('drain', resolve);
    });
  }

  /** Stops reading. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.stdin.off('data', this.onData);
    this.stdin.off('error', this.onStreamError);
    this.stdin.off('end', this.onEnd);
    this.stdin.pause();
    this.pieces = [];
    this.onclose?.();
    this.ended();
  }

  private readonly onData = (chunk: Buffer | string): void => {
    let rest = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    while (rest.length > 0) {
      const newline = rest.indexOf(0x0a);
      const piece = newline === -1 ? rest : rest.subarray(0, newline);
      this.take(piece);
      if (newline === -1) break;
      this.endLine();
      rest = rest.subarray(newline + 1);
    }
  };

  private readonly onStreamError = (error: Error): void => {
    this.onerror?.(error);
  };

  private readonly onEnd = (): void => {
    void this.close();
  };

  private take(piece: Buffer): void {
    if (this.skipping) {
      this.skipping.tail = lastBytes(Buffer.concat([this.skipping.tail, piece]), ID_WINDOW);
      return;
    }
    if (this.pieceBytes + piece.length > this.maxMessageBytes) {
      const line = Buffer.concat([...this.pieces, piece]);
      this.skipping = { head: line.subarray(0, ID_WINDOW), tail: lastBytes(line, ID_WINDOW) };
      this.pieces = [];
      this.pieceBytes = 0;
      return;
    }
    this.pieces.push(piece);
    this.pieceBytes += piece.length;
  }

  private endLine(): void {
    if (this.skipping) {
      const { head, tail } = this.skipping;
      this.skipping = undefined;
      this.answerError(
        idOfCutLine(head.toString('latin1'), tail.toString('latin1')),
        ProtocolErrorCode.InvalidRequest,
        `Message over ${this.maxMessageBytes.toLocaleString('en-US')} bytes; it was not read.`,
      );
      return;
    }
    const line = Buffer.concat(this.pieces).toString('utf8').replace(/\r$/, '');
    this.pieces = [];
    this.pieceBytes = 0;
    if (line.trim() === '') return;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch {
      this.answerError(undefined, ProtocolErrorCode.ParseError, 'Parse error: the line is not JSON.');
      return;
    }
    let message: JSONRPCMessage;
    try {
      message = parseJSONRPCMessage(json);
    } catch {
      this.answerError(requestIdOf(json), ProtocolErrorCode.InvalidRequest, 'Invalid request: not a JSON-RPC 2.0 message.');
      return;
    }
    this.onmessage?.(message);
  }

  private answerError(id: RequestId | undefined, code: number, message: string): void {
    this.onerror?.(new Error(message));
    const answer = { jsonrpc: '2.0' as const, ...(id !== undefined && { id }), error: { code, message } };
    this.send(answer as JSONRPCMessage).catch(() => {});
  }
}

/** Bytes kept of each end of an over-long line, to find its id. */
const ID_WINDOW = 256;

function lastBytes(bytes: Buffer, count: number): Buffer {
  return bytes.length <= count ? bytes : Buffer.from(bytes.subarray(bytes.length - count));
}

const ID_VALUE = String.raw`(-?\d{1,15}|"(?:[^"\\]|\\.){0,100}")`;
/** `{"jsonrpc":"2.0","id":…,` at the start, or `"id":…}` at the end: both can only be the top-level id. */
const ID_AT_START = new RegExp(String.raw`^\s*\{\s*(?:"jsonrpc"\s*:\s*"2\.0"\s*,\s*)?"id"\s*:\s*${ID_VALUE}\s*,`);
const ID_AT_END = new RegExp(String.raw`[,{]\s*"id"\s*:\s*${ID_VALUE}\s*\}\s*$`);

/** The request id of a line that was too long to parse, where its ends show it (the SDK's clients write it last). */
export function idOfCutLine(head: string, tail: string): RequestId | undefined {
  const match = ID_AT_START.exec(head) ?? ID_AT_END.exec(tail.replace(/\r$/, ''));
  if (!match) return undefined;
  const value = JSON.parse(match[1]) as RequestId;
  return typeof value === 'number' && !Number.isSafeInteger(value) ? undefined : value;
}

function requestIdOf(json: unknown): RequestId | undefined {
  const id = (json as { id?: unknown } | null)?.id;
  return typeof id === 'string' || (typeof id === 'number' && Number.isSafeInteger(id)) ? id : undefined;
}

/** The id of the one session of a 2025 client on stdio. */
const STDIO_SESSION = 'stdio';

/**
 * Serves MCP on this process's stdin and stdout. A 2025 client has one session, whose interpreter
 * is dropped (and booted again on the next call, which says so) after `limits.idleMs` without
 * calls. A 2026-07-28 client names its interpreters by handle, up to `limits.maxSessions` of them,
 * each forgotten after `limits.idleMs` without calls (its interpreter given back after a third of
 * that). Nothing boots before a call needs it.
 * @param options The server's options.
 * @param io Streams to use instead of the process's (tests).
 * @returns The running server.
 * @throws {TypeError | RangeError} an option out of range.
 */
export function serveStdio(options: PythonMcpServerOptions = {}, io: { stdin?: Readable; stdout?: Writable } = {}): Promise<RunningMcpServer> {
  return serveStdioSessions(options, io);
}

/**
 * {@link serveStdio}, where `functionsLater` lists the functions every run may call (in place of
 * `options.functions`) when a request first needs them: the command line's gateway connects its
 * downstream servers then. A 2026-07-28 client starts a server only to ask `server/discover` and
 * then another for its calls, so the first answers without them; a 2025 client's `initialize`
 * waits for them, as its session's tools are listed next.
 */
export async function serveStdioSessions(
  options: PythonMcpServerOptions = {},
  io: { stdin?: Readable; stdout?: Writable } = {},
  functionsLater?: () => Promise<readonly SandboxFunction[]>,
): Promise<RunningMcpServer> {
  const resolved = resolveServerOptions(options);
  let listing: Promise<readonly SandboxFunction[]> | undefined;
  // Sessions and handles opened after this read the functions from `resolved` (sessionSetup).
  const functions = () =>
    (listing ??= functionsLater
      ? functionsLater().then((later) => {
          resolved.functions = later;
          return later;
        })
      : Promise.resolve(resolved.functions));
  let modernTools: Promise<Tool[]> | undefined;
  const create = sandboxMaker(resolved);
  const { directory, name } = resolved.state;
  // Only a process started with a state name resumes, and only that name's state; one process at a time holds a name.
  const release = directory !== undefined && name !== undefined ? claimStateName(directory, name) : undefined;
  const states: StateScope = {
    store: stateStore(resolved, sayOnStderr),
    prefix: name !== undefined ? `stdio:${name}` : `stdio process ${randomInstanceName()}${randomInstanceName()}`,
    lasting: release !== undefined,
  };
  const setup = sessionSetup(resolved, undefined, states);
  const sessions = new SessionRegistry(
    { ...resolved.sessions, maxSessions: 1 },
    create,
    (_id, session) => {
      if (session.hasInterpreter) void session.dropInterpreter(idleNote(resolved.sessions.idleMs));
    },
    undefined,
    setup,
  );
  const handleRegistry = new SessionRegistry(
    { ...resolved.sessions, interpreterIdleMs: interpreterIdleMs(resolved.sessions.idleMs) },
    create,
    (id) => void handleRegistry.close(id),
    undefined,
    setup,
  );
  const handles = new InterpreterHandles(handleRegistry, randomInstanceName(), resolved.sessions.idleMs, savedIn(states));
  const tasks = runTasksAfter(handles.instance, resolved.taskAfterMs);
  const transport = new BoundedStdioTransport(resolved.maxMessageBytes, io.stdin, io.stdout);
  let done!: () => void;
  const closed = new Promise<void>((resolve) => {
    done = resolve;
  });
  const serving = serveStdioEras(
    async ({ era }) => {
      if (era === 'modern')
        return createHandleServer(
          handles,
          resolved.tools,
          () => (modernTools ??= functions().then((listed) => handleTools(listed, resolved.tools))),
          undefined,
          tasks,
        );
      await functions();
      return createSessionServer(sessions.get(STDIO_SESSION) ?? sessions.open(STDIO_SESSION), resolved.tools);
    },
    { transport },
  );
  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      // A worker's answer does not hold the event loop: without this, a close waiting for an interpreter's checkpoint under way ends the process with status 13.
      const hold = setInterval(() => {}, 60_000);
      try {
        await serving.close().catch(() => {});
        await Promise.all([sessions.closeAll(), handleRegistry.closeAll()]);
        release?.();
      } finally {
        clearInterval(hold);
      }
      done();
    })();
    return closing;
  };
  void transport.whenClosed.then(close);
  return { close, closed };
}
