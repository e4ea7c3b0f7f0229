/**
 * The limits of everything above the sandbox, one vocabulary for every entry: the chat and the
 * one-shot form, Live, the MCP server and the AI SDK tool each take a `limits` object holding the
 * fields of {@link AgentLimits} that apply to it (a `Pick` per entry, so each field is documented
 * once). Durations are milliseconds (`...Ms`), counts `max...`. The sandbox's own limits are
 * {@link SandboxLimits}, given to `PythonSandbox.create({ limits })`; only the MCP server, which
 * creates its sandboxes, takes both in one object.
 *
 * The entries' earlier top-level names (`maxSteps`, `idleMinutes`…) still work for one minor
 * version; giving one together with its `limits` field is a TypeError, so an app never runs with
 * a value it did not mean.
 */
import { DEFAULT_LIMITS } from '../sandbox/limits.js';
import { refuseBothNames } from './renamed-option.js';
import type { SandboxLimits } from '../shared/types.js';

/** The longest `code` a `run_python` tool outside the Gemini loop takes by default (MCP, the AI SDK), in characters. */
export const DEFAULT_MAX_CODE_CHARS = 1_000_000;

/**
 * Most calls waiting or running at once: of one Live session and one MCP session when
 * `limits.maxPendingCalls` is not given, and of one Interactions response.
 */
export const DEFAULT_MAX_PENDING_CALLS = 16;

/** Limits of the agent loop, Live, the MCP server and the AI SDK tool. Each entry takes the fields listed as its own. */
export interface AgentLimits {
  /**
   * The chat and the one-shot form: most model requests per message (default 10). Each step is
   * one model response plus the calls it asked for. When the last step still asks for calls,
   * they run, the transcript ends with a notice and `finishReason` is `TOO_MANY_TOOL_CALLS`.
   */
  maxSteps?: number;
  /**
   * The chat and the one-shot form on `api: 'interactions'`: how long a streamed response may go
   * without a whole event before the message fails with an `InteractionError` (reason `limit`)
   * and its connection is closed; default `DEFAULT_STREAM_IDLE_TIMEOUT_MS` (5 minutes). Whole
   * milliseconds from 1.
   */
  streamIdleTimeoutMs?: number;
  /**
   * Live and the MCP server: most calls waiting or running at once, in one Live session or one MCP
   * session (default {@link DEFAULT_MAX_PENDING_CALLS}). Calls are answered one at a time, in
   * order, since they share the interpreter; a call beyond this is answered with an error at once
   * instead of a place in the queue.
   */
  maxPendingCalls?: number;
  /**
   * `connectLiveCodeExecution`: tries per reconnect (default `DEFAULT_MAX_RECONNECT_ATTEMPTS`, 3).
   * The server ends each connection after about 10 minutes (`goAway` first) and networks drop:
   * the session then reconnects with its latest resumption handle, keeping the transcript, the
   * sandbox and running code. 0 turns this off: the session ends with its first connection.
   */
  maxReconnectAttempts?: number;
  /**
   * `connectLiveCodeExecution`: how long each connection (the first, and each reconnect's) waits
   * for the server to answer the setup (default `DEFAULT_SETUP_TIMEOUT_MS`, 30,000; whole
   * milliseconds from 1 to 2^31 - 1). Past it the socket is closed: the first connection fails
   * with a `LiveConnectError` saying the server never answered the setup, a reconnect counts it
   * as a failed try.
   */
  setupTimeoutMs?: number;
  /** The MCP server and the AI SDK tool: longest `code` of one `run_python` call, in characters (default 1,000,000). */
  maxCodeChars?: number;
  /** The MCP server: sessions held at once over HTTP; one more takes the place of the longest idle one, or is refused with an MCP error if all are running calls (default 8). */
  maxSessions?: number;
  /**
   * The MCP server: interpreters that boot at once in its process, new or restored (default: the
   * machine's cores, `os.availableParallelism()`). More wait their turn, first come first served,
   * and `limits.bootTimeoutMs` counts from the turn; a call that waits 30 s is answered busy (call
   * again in 10 seconds) and its boot keeps its place. Servers sharing a machine share its cores:
   * give each its part.
   */
  maxBoots?: number;
  /** The MCP server: time without a call after which a session is closed (HTTP) or its interpreter dropped (stdio), in milliseconds; 0: never (default 15 minutes). */
  idleMs?: number;
  /**
   * The AI SDK tool: wall time of each run, in milliseconds; default the sandbox's own
   * `limits.timeoutMs` (for a definition without a sandbox, 30 s). It means what the sandbox's
   * `SandboxLimits.timeoutMs` means, for this tool's runs.
   */
  timeoutMs?: number;
}

/** `limits` of the chat and the one-shot form on the generateContent API. */
export type GenerateContentLimits = Pick<AgentLimits, 'maxSteps'>;
/** `limits` of the chat and the one-shot form on the Interactions API. */
export type InteractionsLimits = Pick<AgentLimits, 'maxSteps' | 'streamIdleTimeoutMs'>;
/** `limits` of `createLiveCodeExecution`. */
export type LiveLimits = Pick<AgentLimits, 'maxPendingCalls'>;
/** `limits` of `connectLiveCodeExecution`. */
export type ConnectLiveLimits = Pick<AgentLimits, 'maxPendingCalls' | 'maxReconnectAttempts' | 'setupTimeoutMs'>;
/** `limits` of the AI SDK tool (`pythonTool`, `pythonToolDefinition`, `runPythonToolCall`). */
export type PythonToolLimits = Pick<AgentLimits, 'maxCodeChars' | 'timeoutMs'>;
/**
 * `limits` of the MCP server: the server's own (sessions, calls, code length) and the sandbox's
 * ({@link SandboxLimits}, for every session's sandbox), in one object as the command line's flags
 * set them.
 */
export type McpServerLimits = Pick<AgentLimits, 'maxSessions' | 'maxBoots' | 'idleMs' | 'maxCodeChars' | 'maxPendingCalls'> & Partial<SandboxLimits>;

/**
 * Reads `limits` for an entry that takes the fields `names`, with the deprecated top-level
 * `aliases` (old name, the new field, and a conversion to the new unit). Returns the fields given.
 *
 * @throws {TypeError} `limits` is not an object; it holds a field this entry does not take (a
 *   sandbox limit given to the chat, a typo); or a field is given under both its names.
 */
export function readLimits<K extends keyof AgentLimits>(
  entry: string,
  limits: unknown,
  names: readonly K[],
  aliases: readonly Alias<K>[] = [],
): Pick<AgentLimits, K> {
  if (limits !== undefined && (typeof limits !== 'object' || limits === null || Array.isArray(limits)))
    throw new TypeError(`limits of ${entry} must be an object; got ${limits === null ? 'null' : typeof limits}`);
  const given = { ...(limits as Record<string, unknown> | undefined) };
  for (const [key, value] of Object.entries(given)) {
    if (value === undefined) delete given[key];
    else if (!(names as readonly string[]).includes(key))
      throw new TypeError(
        `limits.${key} is not a limit of ${entry} (its limits: ${names.join(', ')})${key in DEFAULT_LIMITS ? "; the sandbox's limits go to PythonSandbox.create({ limits })" : ''}`,
      );
  }
  for (const alias of aliases) {
    if (alias.value === undefined) continue;
    refuseBothNames({ name: `limits.${alias.to}`, value: given[alias.to] }, { name: alias.from, value: alias.value });
    given[alias.to] = alias.convert && typeof alias.value === 'number' ? alias.convert(alias.value) : alias.value;
  }
  return given as Pick<AgentLimits, K>;
}

/** A deprecated top-level option and the `limits` field that replaces it. */
export interface Alias<K extends keyof AgentLimits> {
  from: string;
  to: K;
  value: unknown;
  /** From the old unit to the new (minutes to milliseconds); a value that is not a number is passed on, for the field's own check to refuse. */
  convert?: (value: number) => number;
}
