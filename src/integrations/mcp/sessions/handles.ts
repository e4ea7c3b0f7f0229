/**
 * Python state for clients without a session (the 2026-07-28 protocol has none): each interpreter
 * is named by a handle the server mints, which the model passes back as the tools' `handle`
 * argument. A handle is `<instance>.<secret>`: the instance that minted it (so a load balancer can
 * send it home) and 128 random bits (so nobody reaches an interpreter by guessing). Handles live
 * in a `SessionRegistry` (bounded by `maxSessions`, forgotten after `idleMs` without calls, the
 * interpreter given back sooner, as a session's is); the argument alone decides which interpreter
 * answers, and a handle that is unknown, expired, malformed or another instance's is a tool error
 * saying the state is gone and how to start again, never another interpreter.
 */
import { randomBytes } from 'node:crypto';
import type { Tool } from '@modelcontextprotocol/server';
import { BUSY_RETRY_SECONDS, SessionLimitError } from '../errors.js';
import type { SessionSandbox } from '../../shared/sessions.js';
import type { SessionRegistry } from '../../shared/session-registry.js';
import { formatMinutes } from '../../shared/minutes.js';

/** The tools' argument (and `structuredContent` field) that carries the handle. */
export const HANDLE_ARGUMENT = 'handle';
/** Its `x-mcp-header` name (SEP-2243): over HTTP, 2026-07-28 clients send it as `Mcp-Param-Handle` too, for balancers to route on. */
export const HANDLE_HEADER = 'Handle';

/** An instance's name in its handles: lower-case letters, digits and dashes, up to 32. */
const INSTANCE = /^[a-z0-9][a-z0-9-]{0,31}$/;
/** 16 random bytes, base64url: 22 characters. */
const SECRET_BYTES = 16;
const HANDLE = /^([a-z0-9][a-z0-9-]{0,31})\.[A-Za-z0-9_-]{22}$/;
/** Longest handle, in characters. */
export const MAX_HANDLE_CHARS = 32 + 1 + 22;

/** Whether `name` can name an instance in handles. */
export function isInstanceName(name: string): boolean {
  return INSTANCE.test(name);
}

/** A random instance name (8 hex digits), for a server that was given none. */
export function randomInstanceName(): string {
  return randomBytes(4).toString('hex');
}

const START_AGAIN = 'Call the tool without a handle to start a new interpreter (its handle comes back in the result), then redo what the work needs.';

/** Where a handle led: its session, or the tool error to answer. */
export type Resolved = { session: SessionSandbox; error?: undefined } | { session?: undefined; error: string };

/** The handles one server instance has minted, and their interpreters. */
export class InterpreterHandles {
  /**
   * @param registry Holds each handle's interpreter under the handle (shared with 2025 sessions over HTTP: one bound on interpreters).
   * @param instance This instance's name, the prefix of every handle it mints.
   * @param idleMs After how long without calls a handle is forgotten (said in the state-lost error); 0: never.
   * @param saved Whether a state folder holds a saved interpreter for a handle this process does not
   * hold (whichever instance minted it): such a handle is taken up here, and its first call restores it.
   * @throws {TypeError} an instance name that is not lower-case letters, digits and dashes (up to 32).
   */
  constructor(
    private readonly registry: SessionRegistry,
    readonly instance: string,
    private readonly idleMs: number,
    private readonly saved?: (handle: string) => boolean,
  ) {
    if (!isInstanceName(instance))
      throw new TypeError(`instance name must be lower-case letters, digits and dashes (up to 32); got ${JSON.stringify(instance)}`);
  }

  /** Whether `id` (a registry key) is one of this instance's handles rather than a session. */
  owns(id: string): boolean {
    return id.startsWith(`${this.instance}.`);
  }

  /**
   * A new handle and its interpreter (booted on its first call). At the bound the longest idle
   * interpreter (a handle's or a session's) makes room.
   * @throws {SessionLimitError} every interpreter held is running a call.
   */
  mint(): { handle: string; session: SessionSandbox } {
    const handle = `${this.instance}.${randomBytes(SECRET_BYTES).toString('base64url')}`;
    try {
      return { handle, session: this.registry.open(handle) };
    } catch (error) {
      if (!SessionLimitError.isInstance(error)) throw error;
      throw new SessionLimitError(
        `This server holds its maximum of interpreters, each running a call (limits.maxSessions): call again in ${BUSY_RETRY_SECONDS} seconds.`,
      );
    }
  }

  /**
   * The session a call's handle names. The argument decides; an `Mcp-Param-Handle` header, when
   * the request came with one, must say the same.
   * @param value The `handle` argument, as the client sent it (present: not undefined).
   * @param header The header's value, if the call came over HTTP with one.
   */
  resolve(value: unknown, header?: string | null): Resolved {
    if (typeof value !== 'string' || value.length > MAX_HANDLE_CHARS || !HANDLE.test(value)) {
      return {
        error: `The "${HANDLE_ARGUMENT}" argument is not a handle this server gave out (it is the string an earlier result returned, e.g. "${this.instance}.Xk3…"), so no Python state can be found with it. ${START_AGAIN}`,
      };
    }
    if (header !== undefined && header !== null && decodedHeader(header) !== value) {
      return {
        error: `The Mcp-Param-${HANDLE_HEADER} header and the "${HANDLE_ARGUMENT}" argument name different handles, so this call was not run. Send the same handle in both (your client does this itself), or ${START_AGAIN.charAt(0).toLowerCase()}${START_AGAIN.slice(1)}`,
      };
    }
    const session = this.owns(value) || this.saved ? this.registry.get(value) : undefined;
    if (session) return { session };
    if (this.saved?.(value)) return this.takeUp(value);
    return { error: `${this.goneReason(value)} ${START_AGAIN}` };
  }

  /** Resolves once the closes of `value`'s session under way have ended: until then the state folder may lack its save, and the handle would read as gone. */
  async settled(value: unknown): Promise<void> {
    if (typeof value === 'string') await Promise.all(this.registry.closingOf(value));
  }

  /** Closes a handle's session (one whose handle was never given out). */
  forget(handle: string): void {
    void this.registry.close(handle);
  }

  /** A session for a handle whose interpreter is saved in the state folder (by this instance before a restart, or another). */
  private takeUp(handle: string): Resolved {
    try {
      return { session: this.registry.open(handle) };
    } catch (error) {
      if (!SessionLimitError.isInstance(error)) throw error;
      // Busy in the one wording, with when to call again (it had none: a soak's clients could not tell it from a failure).
      return {
        error: `This server holds its maximum of interpreters, each running a call (limits.maxSessions): call again in ${BUSY_RETRY_SECONDS} seconds with the same handle.`,
      };
    }
  }

  private goneReason(handle: string): string {
    if (!this.owns(handle))
      return `The Python state of this handle is not on this server: it was held by another server instance ("${handle.split('.')[0]}"), which has stopped or which this request did not reach, and its variables and files cannot be recovered here.`;
    const idle = this.idleMs > 0 ? `unused for ${formatMinutes(this.idleMs)}, ` : '';
    return `The Python state of this handle is gone (${idle}replaced by newer interpreters at the server's bound, its save refused as too large for --max-state-bytes, or the server restarted): its variables and files cannot be recovered.`;
  }
}

const BASE64_SENTINEL = /^=\?base64\?((?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?)\?=$/;

/**
 * An `Mcp-Param-*` header's value as SEP-2243 encodes it: `=?base64?…?=` is base64 of UTF-8
 * (canonical, else undefined: no value), anything else is the value itself.
 */
export function decodedHeader(header: string): string | undefined {
  const trimmed = header.trim();
  if (!trimmed.startsWith('=?base64?') || !trimmed.endsWith('?=')) return trimmed;
  const payload = BASE64_SENTINEL.exec(trimmed)?.[1];
  if (payload === undefined) return undefined;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(payload, 'base64'));
  } catch {
    return undefined;
  }
}

const HANDLE_DESCRIPTION =
  'The handle of your Python interpreter, exactly as an earlier result returned it: its variables, imports and files live behind it. Leave it out only to start a new interpreter; then pass the handle that call returns in every later call.';

const TOOL_NOTE =
  'Python state lives behind a handle: a call without "handle" starts a new interpreter and returns its handle; pass that handle in every later call to keep variables and files.';

/**
 * The tools as clients without a session list them: each takes the `handle` argument (declared
 * with `x-mcp-header`, a string reached through `properties` only, as SEP-2243 wants), says so in
 * its description, and returns the handle in its structured result; but `run_python`'s result
 * given through a task (tasks.ts), which whoever holds the task id reads, leaves it out.
 */
export function withHandleArgument(tools: readonly Tool[]): Tool[] {
  const handle = { type: 'string', maxLength: MAX_HANDLE_CHARS, description: HANDLE_DESCRIPTION, 'x-mcp-header': HANDLE_HEADER };
  const handleOutput = { type: 'string', description: 'the handle of the interpreter that answered: pass it in later calls' };
  const runHandleOutput = {
    ...handleOutput,
    description: `${handleOutput.description}. Left out of a result given through a task (tasks/get), whose call named the handle`,
  };
  return tools.map((tool) => {
    const output = (tool.outputSchema ?? {}) as { properties?: Record<string, object>; required?: string[] };
    const byTask = tool.name === 'run_python';
    return {
      ...tool,
      description: `${tool.description ?? ''} ${TOOL_NOTE}`.trim(),
      inputSchema: { ...tool.inputSchema, properties: { ...tool.inputSchema.properties, [HANDLE_ARGUMENT]: handle } },
      outputSchema: {
        ...tool.outputSchema,
        type: 'object' as const,
        properties: { ...output.properties, [HANDLE_ARGUMENT]: byTask ? runHandleOutput : handleOutput },
        required: [...(output.required ?? []), ...(byTask ? [] : [HANDLE_ARGUMENT])],
      },
    };
  });
}
