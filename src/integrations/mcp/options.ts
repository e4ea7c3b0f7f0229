/**
 * The server's options, as a program passes them (or the CLI's flags set them), resolved once:
 * the sandbox's limits, the argument and message bounds, the session bounds, and the factory of
 * each session's sandbox.
 */
import { DEFAULT_MAX_CODE_CHARS } from '../../agent-limits.js';
import { PythonSandbox } from '../../sandbox-entry.js';
import { resolveLimits } from '../../sandbox/limits.js';
import type { DenoBoundary, SandboxLimits, SnapshotCache } from '../../types.js';
import type { CreateSandbox, SessionBounds } from './sessions.js';
import type { ToolBounds } from './tools.js';

/** Options of the MCP server, for stdio and HTTP alike. */
export interface PythonMcpServerOptions {
  /** The sandbox's limits (`SandboxLimits`), for every session's sandbox. Default: `DEFAULT_LIMITS`. */
  limits?: Partial<SandboxLimits>;
  /** A PEP 691 package index for imports the lock file lacks, or `false` (default): lock-file packages only. */
  packageIndex?: string | false;
  /** Where boot snapshots are kept (`SandboxOptions.snapshotCache`). Default `'auto'`: memory, for later sessions of this process. */
  snapshotCache?: SnapshotCache;
  /**
   * Keep a second interpreter booted per session for fast restarts after a kill. Default `false`:
   * in Node a stop interrupts and keeps the interpreter, so kills are rare, and a spare doubles
   * each session's memory (~90 MB).
   */
  warmSpare?: boolean;
  /** Sessions held at once (HTTP); one more takes the place of the longest idle one, or is refused with an MCP error if all are running calls. Default 8. */
  maxSessions?: number;
  /** Minutes without a call after which a session is closed (HTTP) or its interpreter dropped (stdio). 0: never. Default 15. */
  idleMinutes?: number;
  /** Longest `code` of a `run_python` call, in characters. Default 1,000,000. */
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
}

/** Defaults of the options that are not the sandbox's own. */
export const MCP_DEFAULTS = { maxSessions: 8, idleMinutes: 15, maxCodeChars: DEFAULT_MAX_CODE_CHARS } as const;

/** Everything the transports need, resolved from {@link PythonMcpServerOptions}. */
export interface ResolvedServerOptions {
  limits: SandboxLimits;
  tools: ToolBounds;
  sessions: SessionBounds;
  /** Longest JSON-RPC message read, in bytes: room for the largest file (base64) or code (escaped) a call may carry. */
  maxMessageBytes: number;
  createSandbox: CreateSandbox;
}

/**
 * Checks and resolves the options.
 * @throws {TypeError | RangeError} an unknown limit or a value out of range (the message names it).
 */
export function resolveServerOptions(options: PythonMcpServerOptions = {}): ResolvedServerOptions {
  const limits = resolveLimits(options.limits);
  const maxSessions = whole('maxSessions', options.maxSessions ?? MCP_DEFAULTS.maxSessions, 1, 1000);
  const idleMinutes = number('idleMinutes', options.idleMinutes ?? MCP_DEFAULTS.idleMinutes, 0, 7 * 24 * 60);
  const maxCodeChars = whole('maxCodeChars', options.maxCodeChars ?? MCP_DEFAULTS.maxCodeChars, 1, 64 * 1024 * 1024);
  const packageIndex = options.packageIndex ?? false;
  // A UTF-16 unit is at most 6 characters of JSON (\u0000); base64 is 4/3 of the bytes; 64 KiB for the rest of the message.
  const maxMessageBytes = Math.max(maxCodeChars * 6, Math.ceil(limits.maxFileBytes / 3) * 4) + 64 * 1024;
  const isolation = options.isolation ?? 'deno';
  if (isolation !== 'deno' && isolation !== 'worker') throw new TypeError(`isolation must be 'deno' or 'worker'; got ${String(isolation)}`);
  const deno = isolation === 'deno' ? (options.deno ?? {}) : undefined;
  const createSandbox: CreateSandbox = (onProgress) =>
    PythonSandbox.create({ limits, packageIndex, snapshotCache: options.snapshotCache, warmSpare: options.warmSpare ?? false, onProgress, isolation, deno });
  return {
    limits,
    tools: {
      timeoutMs: limits.timeoutMs,
      maxCodeChars,
      maxFileBytes: limits.maxFileBytes,
      place: deno ? 'deno' : 'server',
      network: deno ? (deno.allowNet ?? false) : true,
    },
    sessions: { maxSessions, idleMs: idleMinutes * 60_000 },
    maxMessageBytes,
    createSandbox,
  };
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
