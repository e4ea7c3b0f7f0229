/**
 * The server's options, as a program passes them (or the CLI's flags set them), checked and
 * resolved once: the sandbox's options and limits, the argument and message bounds, the session
 * bounds, the functions and the skills folder. What each session is made with from them is
 * session-setup.ts.
 */
import { availableParallelism } from 'node:os';
import { DEFAULT_MAX_CODE_CHARS, DEFAULT_MAX_PENDING_CALLS, type McpServerLimits, readLimits } from '../../agent/agent-limits.js';
import { MAX_TIMEOUT_MS, resolveLimits } from '../../sandbox/limits.js';
import type { DenoBoundary, SandboxFunction, SandboxLimits, SandboxOptions, SnapshotCache } from '../../shared/types.js';
import { functionSpecs } from '../../sandbox/functions/function-specs.js';
import type { SessionBounds } from '../shared/session-bounds.js';
import { TASK_DEFAULTS } from './sessions/tasks.js';
import type { ToolBounds } from './tools/tools.js';

/** Options of the MCP server, for stdio and HTTP alike. */
export interface PythonMcpServerOptions {
  /**
   * The limits, in one object as the command line's flags set them: the server's own
   * (`maxSessions`, `idleMs`, `maxCodeChars`, `maxPendingCalls`: see `AgentLimits`) and the
   * sandbox's (`SandboxLimits`, for every session's sandbox; default `DEFAULT_LIMITS`).
   */
  limits?: McpServerLimits;
  /** A PEP 691 package index for imports the lock file lacks, or `false` (default): lock-file packages only. */
  packageIndex?: string | false;
  /** Where boot snapshots are kept (`SandboxOptions.snapshotCache`). Default `'auto'`: memory, for later sessions of this process. */
  snapshotCache?: SnapshotCache;
  /**
   * Keep a second interpreter per session: with checkpoints (the default), one staged for the
   * next rewind, so `rewind_python` takes about 0.1 s instead of a boot's 0.3-0.5 s; without, a
   * warm spare, for fast restarts after a kill. Default `false`: in Node a stop interrupts and
   * keeps the interpreter, so kills are rare, and a second interpreter adds ~90 MB to a session.
   */
  warmSpare?: boolean;
  /** @deprecated Use `limits.maxSessions` (the same meaning); this name goes in the next minor version. Both at once is a TypeError. */
  maxSessions?: number;
  /** @deprecated Use `limits.idleMs`, in milliseconds (this one is minutes); this name goes in the next minor version. Both at once is a TypeError. */
  idleMinutes?: number;
  /** @deprecated Use `limits.maxCodeChars` (the same meaning); this name goes in the next minor version. Both at once is a TypeError. */
  maxCodeChars?: number;
  /**
   * Where Python runs. `'deno'` (default): a Deno process whose permissions are the boundary: the
   * code reaches no file outside the runtime, no environment variable, no network, no process and
   * not the MCP channel, unless `deno` opens them; needs Deno (`npm install deno`). `'worker'`: a
   * Node worker thread with this process's rights, for trusted code only.
   */
  isolation?: 'deno' | 'worker';
  /** What the Deno process may reach besides the runtime (network, folders) and where Deno is. Default: nothing. */
  deno?: DenoBoundary;
  /**
   * Code mode: functions the Python of `run_python` calls as `default_api.<name>(...)`, listed in its
   * description (`SandboxFunction`s; `mcpFunctions` makes them from MCP servers' tools, as the command
   * line's `--mcp-server` and `--mcp-config` do). Default: none.
   */
  functions?: readonly SandboxFunction[];
  /**
   * A folder where the model's helpers (`skills/<name>.py`) are kept across sessions: each new
   * interpreter gets its `<name>.py` files in `skills/`, and each run's new or changed ones are
   * saved there (at most 100, each within `limits.maxFileBytes`). Every session shares it.
   * Default: none (skills last as long as the session's working directory).
   */
  skillsDirectory?: string;
  /**
   * How long a `run_python` call of a client that declares the MCP Tasks extension
   * (`io.modelcontextprotocol/tasks`, on its 2026-07-28 request) runs before it is answered with a
   * task, which the client polls (`tasks/get`) for the output so far and the result, and may
   * cancel (`tasks/cancel`: the run is stopped, the interpreter kept). In milliseconds; default
   * 2000. `false`: never (the extension is not offered). Other clients always get the result in place.
   */
  taskAfterMs?: number | false;
  /**
   * A folder where idle interpreters are saved (`PythonSandbox.saveState`), so their state survives
   * a restart of the server and, over HTTP, is restored by whichever instance sharing the folder
   * receives its handle or session. Only this process writes it, each file named by a SHA-256 of
   * its handle or session id. Default: none (idle interpreters are saved in this process's memory
   * and last as long as their session).
   */
  stateDirectory?: string;
  /**
   * Over stdio, with `stateDirectory`: the name this process's state is saved under; a process
   * started with the same name resumes it, and one process at a time may use a name. Without it,
   * nothing is resumed after a restart. Lower-case letters, digits, dots, dashes and underscores, up to 64.
   */
  stateName?: string;
  /**
   * The bound on the saved states' total bytes (the state folder, or the memory they take without
   * one): one save may take at most half of it, and past it the largest saves are evicted; each
   * refusal and eviction is named on stderr. Default 1 GiB.
   */
  maxStateBytes?: number;
  /**
   * How many checkpoints each interpreter keeps for `rewind_python` and `fork_python` (each the
   * state after a call, made when Python is idle after it; the oldest go first), within
   * `min(64 MiB, maxStateBytes / limits.maxSessions)` bytes, so all live interpreters' together stay
   * within `maxStateBytes`. Default 20; 0: off (the two tools are not listed).
   */
  checkpoints?: number;
}

/** Defaults of the server's own limits (those in `limits` that are not the sandbox's). */
export const MCP_DEFAULTS = {
  maxSessions: 8,
  maxBoots: availableParallelism(),
  idleMs: 15 * 60_000,
  maxCodeChars: DEFAULT_MAX_CODE_CHARS,
  maxPendingCalls: DEFAULT_MAX_PENDING_CALLS,
} as const;

/** The server's own limits, beside the sandbox's in `limits`. */
const SERVER_LIMITS = ['maxSessions', 'maxBoots', 'idleMs', 'maxCodeChars', 'maxPendingCalls'] as const;

/** Everything the transports need, resolved from {@link PythonMcpServerOptions}. */
export interface ResolvedServerOptions {
  limits: SandboxLimits;
  tools: ToolBounds;
  sessions: SessionBounds;
  /** Interpreters that boot at once (`limits.maxBoots`); more wait their turn. */
  maxBoots: number;
  /** Longest JSON-RPC message read, in bytes: room for the largest file (base64) or code (escaped) a call may carry. */
  maxMessageBytes: number;
  /** What each session's sandbox is made with (`PythonSandbox.create`'s options, but its progress). */
  sandbox: Omit<SandboxOptions, 'onProgress'> & { isolation: 'deno' | 'worker' };
  /** Functions every run may call (code mode), checked. */
  functions: readonly SandboxFunction[];
  /** The skills folder (`skillsDirectory`), if any. */
  skillsDirectory: string | undefined;
  /** When a long `run_python` becomes a task (`taskAfterMs`), or `false`: never. */
  taskAfterMs: number | false;
  /** Where idle interpreters are saved: the folder and the name (if any), and the bound on their bytes. */
  state: { directory: string | undefined; name: string | undefined; maxBytes: number };
}

/** The default of `checkpoints`. */
export const DEFAULT_CHECKPOINTS = 20;

/** The default of `maxStateBytes`. */
export const DEFAULT_MAX_STATE_BYTES = 2 ** 30;

/**
 * Checks and resolves the options.
 * @throws {TypeError | RangeError} an unknown limit or a value out of range (the message names it).
 */
export function resolveServerOptions(options: PythonMcpServerOptions = {}): ResolvedServerOptions {
  const {
    maxSessions: sessionsGiven,
    maxBoots: bootsGiven,
    idleMs: idleGiven,
    maxCodeChars: codeGiven,
    maxPendingCalls: pendingGiven,
    ...sandboxLimits
  } = options.limits ?? {};
  const limits = resolveLimits(sandboxLimits);
  const server = readLimits(
    'the MCP server',
    { maxSessions: sessionsGiven, maxBoots: bootsGiven, idleMs: idleGiven, maxCodeChars: codeGiven, maxPendingCalls: pendingGiven },
    SERVER_LIMITS,
    [
      { from: 'maxSessions', to: 'maxSessions', value: options.maxSessions },
      { from: 'idleMinutes', to: 'idleMs', value: options.idleMinutes, convert: (minutes) => minutes * 60_000 },
      { from: 'maxCodeChars', to: 'maxCodeChars', value: options.maxCodeChars },
    ],
  );
  const maxSessions = whole('limits.maxSessions', server.maxSessions ?? MCP_DEFAULTS.maxSessions, 1, 1000);
  const maxBoots = whole('limits.maxBoots', server.maxBoots ?? MCP_DEFAULTS.maxBoots, 1, 1000);
  const idleMs = number('limits.idleMs', server.idleMs ?? MCP_DEFAULTS.idleMs, 0, 7 * 24 * 60 * 60_000);
  const maxCodeChars = whole('limits.maxCodeChars', server.maxCodeChars ?? MCP_DEFAULTS.maxCodeChars, 1, 64 * 1024 * 1024);
  const maxPendingCalls = whole('limits.maxPendingCalls', server.maxPendingCalls ?? MCP_DEFAULTS.maxPendingCalls, 1, 1000);
  const packageIndex = options.packageIndex ?? false;
  // A UTF-16 unit is at most 6 characters of JSON (\u0000); base64 is 4/3 of the bytes; 64 KiB for the rest of the message.
  const maxMessageBytes = Math.max(maxCodeChars * 6, Math.ceil(limits.maxFileBytes / 3) * 4) + 64 * 1024;
  const isolation = options.isolation ?? 'deno';
  if (isolation !== 'deno' && isolation !== 'worker') throw new TypeError(`isolation must be 'deno' or 'worker'; got ${String(isolation)}`);
  const deno = isolation === 'deno' ? (options.deno ?? {}) : undefined;
  const state = resolveState(options);
  const checkpoints = checkpointBounds(options.checkpoints, state.maxBytes, maxSessions);
  // A bad entry throws here, not at the first run.
  functionSpecs(options.functions);
  return {
    limits,
    tools: {
      timeoutMs: limits.timeoutMs,
      maxCodeChars,
      maxFileBytes: limits.maxFileBytes,
      place: deno ? 'deno' : 'server',
      network: deno ? (deno.allowNet ?? false) : true,
      checkpoints: checkpoints?.maxCount ?? 0,
    },
    sessions: { maxSessions, idleMs, maxPendingCalls },
    maxBoots,
    maxMessageBytes,
    // One more interpreter a session: the sandbox's Node default (a worker staged for rewinds where
    // checkpoints are kept, else a warm spare); `true` there would keep both.
    sandbox: { limits, packageIndex, snapshotCache: options.snapshotCache, warmSpare: options.warmSpare ? 'auto' : false, isolation, deno, checkpoints },
    functions: options.functions ?? [],
    skillsDirectory: options.skillsDirectory,
    taskAfterMs: options.taskAfterMs === false ? false : number('taskAfterMs', options.taskAfterMs ?? TASK_DEFAULTS.afterMs, 0, MAX_TIMEOUT_MS),
    state,
  };
}

/** Each interpreter's checkpoint bounds: `count`, within its share of the state bound (at most 64 MiB); undefined when off. */
function checkpointBounds(count: unknown, maxStateBytes: number, maxSessions: number): { maxCount: number; maxBytes: number } | undefined {
  const maxCount = whole('checkpoints', count ?? DEFAULT_CHECKPOINTS, 0, 10_000);
  const maxBytes = Math.min(64 * 2 ** 20, Math.floor(maxStateBytes / maxSessions));
  return maxCount > 0 && maxBytes > 0 ? { maxCount, maxBytes } : undefined;
}

function resolveState(options: PythonMcpServerOptions): ResolvedServerOptions['state'] {
  const { stateDirectory: directory, stateName: name } = options;
  if (directory !== undefined && (typeof directory !== 'string' || directory === '')) throw new TypeError('stateDirectory must be a folder path');
  if (name !== undefined && (typeof name !== 'string' || !/^[a-z0-9][a-z0-9._-]{0,63}$/.test(name)))
    throw new TypeError(`stateName must be lower-case letters, digits, dots, dashes and underscores (up to 64); got ${JSON.stringify(name)}`);
  if (name !== undefined && directory === undefined) throw new TypeError('stateName goes with stateDirectory');
  // restoreState's own ceiling (2 GiB) bounds one state anyway.
  const maxBytes = whole('maxStateBytes', options.maxStateBytes ?? DEFAULT_MAX_STATE_BYTES, 0, 2 ** 40);
  return { directory, name, maxBytes };
}

function number(name: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max)
    throw new RangeError(`${name} must be a number from ${min} to ${max}; got ${String(value)}`);
  return value;
}

function whole(name: string, value: unknown, min: number, max: number): number {
  const checked = number(name, value, min, max);
  if (!Number.isInteger(checked)) throw new RangeError(`${name} must be a whole number; got ${checked}`);
  return checked;
}

/** A running server: `closed` settles when its transport ends (stdin closed, or `close()`). */
export interface RunningMcpServer {
  /** Stops serving and disposes every session's sandbox. */
  close(): Promise<void>;
  /** Resolves when the server has stopped. */
  readonly closed: Promise<void>;
}
