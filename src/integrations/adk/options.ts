/**
 * The options of the ADK code executor, and its own limits (beside the sandbox's): sessions held
 * at once, idle time, code length, cells pending per session, each cell's wall time.
 */
import { type AgentLimits, DEFAULT_MAX_CODE_CHARS, DEFAULT_MAX_PENDING_CALLS, readLimits } from '../../agent/agent-limits.js';
import type { SandboxFunction, SandboxOptions } from '../../shared/types.js';
import type { AdkTool } from './adk-tools.js';

/** `limits` of the ADK code executor (see `AgentLimits` for each). */
export type AdkExecutorLimits = Pick<AgentLimits, 'maxSessions' | 'idleMs' | 'maxCodeChars' | 'maxPendingCalls' | 'timeoutMs'>;

/** Options of {@link SandboxCodeExecutor}. */
export interface SandboxCodeExecutorOptions {
  /**
   * What each session's sandbox is made with (`PythonSandbox.create`'s options): its `limits`
   * (memory, output, files), `deno` (where Deno is, what it may reach), `packageIndex`...
   * `isolation` defaults to `'deno'` in Node (a Deno process with no file, environment, network
   * or process of the app's; needs `npm install deno`) and `'frame'` in a page (the opaque-origin
   * frame). `warmSpare` defaults to false (each interpreter is one session's).
   */
  sandbox?: Omit<SandboxOptions, 'onProgress'>;
  /**
   * The executor's own limits: `maxSessions` (interpreters at once, default 8), `idleMs` (a session
   * without cells for this long is forgotten, its interpreter given back after a third of it;
   * default 15 minutes; 0: never), `maxCodeChars` (default 1,000,000), `maxPendingCalls` (cells
   * of one session running or waiting at once, default 16) and `timeoutMs` (each cell's wall
   * time; default the sandbox's `limits.timeoutMs`, 30 s).
   */
  limits?: AdkExecutorLimits;
  /**
   * Code mode: functions of the app the model's Python calls as `await default_api.<name>(...)`
   * (as `PythonSandbox.run` takes them; `mcpFunctions` makes them from MCP servers). Tell the model
   * about them in the agent's instruction ({@link SandboxCodeExecutor.functionsInstruction}).
   */
  functions?: readonly SandboxFunction[];
  /**
   * Code mode with ADK tools (a `FunctionTool`, any `BaseTool` with a declaration): called from
   * Python as `await default_api.<tool name>(...)`, each call run by the tool's `runAsync` with a
   * tool context of the cell's invocation. Names must be Python identifiers and none of
   * `default_api`'s own (`AwaitRequired`, `FunctionCallError`, `search_tools`).
   */
  tools?: readonly AdkTool[];
  /** ADK's `optimizeDataFile`: the CSV files of the user's messages become input files of the cells. Default false. */
  optimizeDataFile?: boolean;
  /** ADK's `errorRetryAttempts`: failed cells in a row before ADK stops running the model's code in an invocation. Default ADK's, 2. */
  errorRetryAttempts?: number;
}

/** The executor's limits, checked, with their defaults. */
export function executorLimits(limits: unknown): Required<Omit<AdkExecutorLimits, 'timeoutMs'>> & Pick<AdkExecutorLimits, 'timeoutMs'> {
  const given = readLimits('SandboxCodeExecutor', limits, ['maxSessions', 'idleMs', 'maxCodeChars', 'maxPendingCalls', 'timeoutMs']);
  return {
    maxSessions: checked('maxSessions', given.maxSessions ?? 8, 1, 1000, true),
    idleMs: checked('idleMs', given.idleMs ?? 15 * 60_000, 0, 7 * 24 * 60 * 60_000, false),
    maxCodeChars: checked('maxCodeChars', given.maxCodeChars ?? DEFAULT_MAX_CODE_CHARS, 1, 64 * 1024 * 1024, true),
    maxPendingCalls: checked('maxPendingCalls', given.maxPendingCalls ?? DEFAULT_MAX_PENDING_CALLS, 1, 1000, true),
    timeoutMs: given.timeoutMs === undefined ? undefined : checked('timeoutMs', given.timeoutMs, 1, 24 * 60 * 60_000, false),
  };
}

function checked(name: string, value: unknown, min: number, max: number, whole: boolean): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max || (whole && !Number.isInteger(value)))
    throw new RangeError(`limits.${name} must be ${whole ? 'a whole number' : 'a number'} from ${min} to ${max}; got ${String(value)}`);
  return value;
}
