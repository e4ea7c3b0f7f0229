/**
 * Long runs as tasks: the MCP Tasks extension (`io.modelcontextprotocol/tasks`, SEP-2663), for
 * 2026-07-28 clients that declare it on their request. A `run_python` call not answered within
 * `afterMs` is answered with a task instead (`resultType: "task"`), and the run goes on: the
 * client polls `tasks/get`, which says how long it has run and its output so far (the last
 * `maxOutputChars` characters), then gives the call's result; `tasks/cancel` stops the run with
 * the same interrupt a stop uses, so the interpreter keeps its variables and files. Clients that
 * do not declare the extension get the result in place, as before.
 *
 * A task id is `<instance>.<128 random bits>`, like a handle: unguessable, and the instance that
 * holds the run is recoverable from it (a balancer routes `tasks/*` by the `Mcp-Name` header,
 * which the extension has clients set to the task id). It is not a handle: clients without a
 * session have nothing a task could be bound to, so whoever holds the id may read the task and
 * cancel it, and nothing a task answers says which interpreter runs it (the caller gives results
 * without their handle). At most `maxTasks` are held, and at most `maxResultBytes` of ended tasks'
 * results: past either the oldest ended one is forgotten (one whose result `tasks/get` gave first),
 * and when every one is still running a long call is answered in place. An ended task is kept for
 * `keepMs`, then forgotten.
 */
import { randomBytes } from 'node:crypto';
import {
  type CallToolResult,
  MissingRequiredClientCapabilityError,
  ProtocolError,
  ProtocolErrorCode,
  type Server,
  type ServerContext,
  type StandardSchemaV1,
} from '@modelcontextprotocol/server';
import { formatMinutes } from '../../shared/minutes.js';

/** The extension's identifier, in the capabilities of both sides. */
export const TASKS_EXTENSION = 'io.modelcontextprotocol/tasks';

/** When calls become tasks, and the bounds on them. */
export interface TaskBounds {
  /** A `run_python` call not answered within this long is answered with a task. */
  afterMs: number;
  /** Tasks held at once, running or finished. */
  maxTasks: number;
  /** How long a finished task is kept for `tasks/get`. */
  keepMs: number;
  /** Ended tasks' results and errors kept at once, in bytes of their JSON; the latest is kept whatever its size. */
  maxResultBytes: number;
  /** The most of a running task's output `tasks/get` reports: its last characters. */
  maxOutputChars: number;
  /** How often clients are asked to poll. */
  pollIntervalMs: number;
}

/** The bounds but `afterMs`, which the server's options set (`taskAfterMs`). */
export const TASK_DEFAULTS = {
  afterMs: 2_000,
  maxTasks: 64,
  keepMs: 10 * 60_000,
  maxResultBytes: 64 * 1024 * 1024,
  maxOutputChars: 8_000,
  pollIntervalMs: 1_000,
} as const;

/** A run that may become a task: it stops when `signal` aborts, and tells its output as it comes. */
export type TaskWork = (signal: AbortSignal, onOutput: (text: string) => void) => Promise<CallToolResult>;

type Status = 'working' | 'completed' | 'cancelled' | 'failed';

interface Entry {
  taskId: string;
  status: Status;
  /** When the call came, `afterMs` before the task was made. */
  calledAt: number;
  createdAt: number;
  updatedAt: number;
  output: OutputTail;
  stop: AbortController;
  cancelled: boolean;
  /** A cancelled run's interpreter was replaced (the run ignored the interrupt). */
  stateLost?: boolean;
  result?: CallToolResult;
  error?: { code: number; message: string };
  /** The size of `result` or `error` as JSON, counted against `maxResultBytes`. */
  bytes: number;
  /** Whether `tasks/get` has given the result or error: such a task is the first forgotten at a bound. */
  taken: boolean;
  /** Forgets the ended task after `keepMs`; cleared when it goes sooner, so nothing holds its result. */
  expiry?: ReturnType<typeof setTimeout>;
}

/** 16 random bytes, base64url, after the instance's name and a dot: the shape of a handle. */
const TASK_ID = /^([a-z0-9][a-z0-9-]{0,31})\.[A-Za-z0-9_-]{22}$/;

/** The tasks of one server instance. */
export class RunTasks {
  private readonly tasks = new Map<string, Entry>();
  /** The sum of the held tasks' `bytes`. */
  private resultBytes = 0;

  /**
   * @param instance This instance's name, the prefix of every task id (as of every handle).
   * @param bounds When a call becomes a task, and how many are held for how long.
   */
  constructor(
    readonly instance: string,
    readonly bounds: TaskBounds,
  ) {}

  /** Tasks held now, running or finished. */
  get size(): number {
    return this.tasks.size;
  }

  /** Bytes of ended tasks' results and errors held now. */
  get heldResultBytes(): number {
    return this.resultBytes;
  }

  /**
   * Runs `work` and answers with its result if it is done within `afterMs`, else with a task
   * whose result `tasks/get` gives later. Until then the call's own signal stops the run; after,
   * only `tasks/cancel` does (the call has been answered). Whoever holds the task id reads its
   * result, so `work` gives it without anything that reaches the interpreter (its handle); the
   * caller may add that to a result answered in place ({@link isTask} tells which it got).
   */
  async answer(work: TaskWork, callSignal: AbortSignal): Promise<CallToolResult> {
    const calledAt = Date.now();
    const stop = new AbortController();
    const stopWithCall = () => stop.abort();
    callSignal.addEventListener('abort', stopWithCall, { once: true });
    if (callSignal.aborted) stop.abort();
    const output = new OutputTail(this.bounds.maxOutputChars);
    const running = work(stop.signal, (text) => output.add(text));
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), this.bounds.afterMs);
    });
    const first = await Promise.race([
      running.then(
        () => 'done' as const,
        () => 'done' as const,
      ),
      late,
    ]);
    clearTimeout(timer);
    if (first === 'done' || !this.makeRoom()) {
      try {
        return await running;
      } finally {
        callSignal.removeEventListener('abort', stopWithCall);
      }
    }
    callSignal.removeEventListener('abort', stopWithCall);
    const now = Date.now();
    const entry: Entry = {
      taskId: this.newId(),
      status: 'working',
      calledAt,
      createdAt: now,
      updatedAt: now,
      output,
      stop,
      cancelled: false,
      bytes: 0,
      taken: false,
    };
    this.tasks.set(entry.taskId, entry);
    running.then(
      // A cancelled task gives no result: of it, only whether the interpreter was replaced is kept.
      (result) =>
        entry.cancelled
          ? this.finish(entry, 'cancelled', { stateLost: (result.structuredContent as { stateLost?: unknown } | undefined)?.stateLost === true })
          : this.finish(entry, 'completed', { result }),
      (error: unknown) =>
        entry.cancelled
          ? this.finish(entry, 'cancelled', {})
          : this.finish(entry, 'failed', {
              error: { code: ProtocolErrorCode.InternalError, message: error instanceof Error ? error.message : String(error) },
            }),
    );
    // The SDK passes `resultType: "task"` through for tools/call (and adds an empty `content`).
    return { resultType: 'task', ...this.describe(entry) } as unknown as CallToolResult;
  }

  /**
   * The task as `tasks/get` answers: its status, its output so far while it runs, the call's result once completed.
   * @throws {ProtocolError} `-32602`: no such task here.
   */
  get(taskId: unknown): Record<string, unknown> {
    const entry = this.find(taskId);
    if (entry.status === 'completed' || entry.status === 'failed') entry.taken = true;
    return {
      ...this.describe(entry),
      ...(entry.status === 'completed' && { result: entry.result }),
      ...(entry.status === 'failed' && { error: entry.error }),
    };
  }

  /**
   * Stops the task's run (Python's KeyboardInterrupt: the interpreter keeps its state); a
   * finished task is left as it is.
   * @throws {ProtocolError} `-32602`: no such task here.
   */
  cancel(taskId: unknown): void {
    const entry = this.find(taskId);
    if (entry.status !== 'working' || entry.cancelled) return;
    entry.cancelled = true;
    entry.updatedAt = Date.now();
    entry.stop.abort();
  }

  private find(taskId: unknown): Entry {
    const entry = typeof taskId === 'string' ? this.tasks.get(taskId) : undefined;
    if (entry) return entry;
    const instance = typeof taskId === 'string' ? TASK_ID.exec(taskId)?.[1] : undefined;
    // An id of this instance that it does not hold: one it never gave out is told the same as one it forgot.
    const why =
      instance === undefined
        ? 'it is not a task id this server gave out'
        : instance !== this.instance
          ? `it was held by another server instance ("${instance}"), which has stopped or which this request did not reach`
          : `this server holds no task of this id: an ended task is kept up to ${formatMinutes(this.bounds.keepMs)}, less when newer tasks need the room, and none outlives a restart`;
    // Said first and plainly: a client must never read an id it cannot be answered for as a task that finished.
    throw new ProtocolError(ProtocolErrorCode.InvalidParams, `Unknown or expired task id (task not found): ${why}.`);
  }

  private finish(entry: Entry, status: Exclude<Status, 'working'>, outcome: Pick<Entry, 'result' | 'error' | 'stateLost'>): void {
    Object.assign(entry, { status, updatedAt: Date.now() }, outcome);
    const kept = entry.result ?? entry.error;
    entry.bytes = kept === undefined ? 0 : Buffer.byteLength(JSON.stringify(kept));
    if (this.tasks.get(entry.taskId) !== entry) return;
    this.resultBytes += entry.bytes;
    // Past the bound, older ended tasks make room; the one just ended stays, whatever its size.
    for (let victim = this.victim(entry); this.resultBytes > this.bounds.maxResultBytes && victim; victim = this.victim(entry)) this.forget(victim);
    entry.expiry = setTimeout(() => this.forget(entry), this.bounds.keepMs);
    entry.expiry.unref();
  }

  /** Whether a new task fits: at the bound, an ended one is forgotten; if every one is running, none fits. */
  private makeRoom(): boolean {
    if (this.tasks.size < this.bounds.maxTasks) return true;
    const victim = this.victim();
    if (!victim) return false;
    this.forget(victim);
    return true;
  }

  /** The ended task to forget first, but `spare`: one whose result was given, else any; the one that ended first. */
  private victim(spare?: Entry): Entry | undefined {
    let first: Entry | undefined;
    for (const entry of this.tasks.values()) {
      if (entry.status === 'working' || entry === spare) continue;
      if (!first || (entry.taken && !first.taken) || (entry.taken === first.taken && entry.updatedAt < first.updatedAt)) first = entry;
    }
    return first;
  }

  private forget(entry: Entry): void {
    if (this.tasks.get(entry.taskId) !== entry) return;
    this.tasks.delete(entry.taskId);
    this.resultBytes -= entry.bytes;
    clearTimeout(entry.expiry);
  }

  private newId(): string {
    return `${this.instance}.${randomBytes(16).toString('base64url')}`;
  }

  /** The fields every answer about a task has (the extension's `Task`). */
  private describe(entry: Entry): Record<string, unknown> {
    const finished = entry.status !== 'working';
    return {
      taskId: entry.taskId,
      status: entry.status,
      statusMessage: this.statusMessage(entry),
      createdAt: new Date(entry.createdAt).toISOString(),
      lastUpdatedAt: new Date(Math.max(entry.updatedAt, entry.output.updatedAt)).toISOString(),
      // Kept `keepMs` past its end; while it runs, not discarded at all.
      ttlMs: finished ? Math.max(1, Math.round(entry.updatedAt + this.bounds.keepMs - entry.createdAt)) : null,
      ...(!finished && { pollIntervalMs: this.bounds.pollIntervalMs }),
    };
  }

  private statusMessage(entry: Entry): string {
    const seconds = (((entry.status === 'working' ? Date.now() : entry.updatedAt) - entry.calledAt) / 1000).toFixed(1);
    switch (entry.status) {
      case 'working':
        return `Running for ${seconds} s. ${entry.output.describe('Output so far')}`;
      case 'cancelled':
        // A run that ignores the interrupt is stopped by replacing the interpreter: its result said the state is lost.
        return entry.stateLost
          ? `Cancelled after ${seconds} s: the run did not stop at the interrupt, so its interpreter was replaced, and its variables, imports and files are gone (stateLost). ${entry.output.describe('Output before the stop')}`
          : `Cancelled after ${seconds} s: the run was stopped (KeyboardInterrupt), and its interpreter keeps its variables, imports and files. ${entry.output.describe('Output before the stop')}`;
      case 'completed':
        return `Finished after ${seconds} s; the result is the call's.`;
      case 'failed':
        return `Failed after ${seconds} s: ${entry.error?.message}`;
    }
  }
}

/** The last `max` characters of a run's output, and how many came before them. */
class OutputTail {
  private text = '';
  private dropped = 0;
  updatedAt = 0;

  constructor(private readonly max: number) {}

  add(chunk: string): void {
    this.text += chunk.length > this.max ? chunk.slice(-this.max) : chunk;
    this.dropped += Math.max(0, chunk.length - this.max);
    // Cut when twice the bound, so each character is copied a bounded number of times.
    if (this.text.length > 2 * this.max) {
      this.dropped += this.text.length - this.max;
      this.text = this.text.slice(-this.max);
    }
    this.updatedAt = Date.now();
  }

  describe(label: string): string {
    if (this.text === '' && this.dropped === 0) return `${label}: none.`;
    const excess = Math.max(0, this.text.length - this.max);
    const cut = this.dropped + excess;
    const shown = this.text.slice(excess);
    return `${label}${cut > 0 ? ` (its last ${shown.length.toLocaleString('en-US')} characters; ${cut.toLocaleString('en-US')} before them not kept)` : ''}:\n${shown}`;
  }
}

/** The tasks of an instance whose long runs become tasks after `afterMs` (the server's `taskAfterMs`), or none when `false`. */
export function runTasksAfter(instance: string, afterMs: number | false): RunTasks | undefined {
  return afterMs === false ? undefined : new RunTasks(instance, { ...TASK_DEFAULTS, afterMs });
}

/** Whether `answer`'s answer is a task (`resultType: "task"`), not the call's own result. */
export function isTask(answered: CallToolResult): boolean {
  return (answered as { resultType?: unknown }).resultType === 'task';
}

/** Whether the request declared the extension in its client capabilities (2026-07-28 `_meta`). */
export function declaresTasks(ctx: ServerContext): boolean {
  const envelope = ctx.mcpReq.envelope as Record<string, unknown> | undefined;
  const capabilities = envelope?.['io.modelcontextprotocol/clientCapabilities'] as { extensions?: Record<string, unknown> } | undefined;
  const declared = capabilities?.extensions?.[TASKS_EXTENSION];
  return typeof declared === 'object' && declared !== null;
}

/** `params` of `tasks/get`, `tasks/update` and `tasks/cancel`: a task id, checked by the handlers. */
const TASK_PARAMS: StandardSchemaV1<Record<string, unknown>> = {
  '~standard': {
    version: 1,
    vendor: 'pyodide-code-execution',
    validate: (value) =>
      typeof value === 'object' && value !== null && typeof (value as { taskId?: unknown }).taskId === 'string'
        ? { value: value as Record<string, unknown> }
        : { issues: [{ message: 'taskId must be a string' }] },
  },
};

/**
 * Offers the extension on `server` (in `server/discover`'s capabilities) and answers its methods
 * from `tasks`. A request that does not declare the extension is refused (`-32021`). Over HTTP the
 * SDK refuses (`-32020`) an `Mcp-Name` header, which routes the request, naming another task than
 * the body.
 */
export function serveTasks(server: Server, tasks: RunTasks): void {
  server.registerCapabilities({ extensions: { [TASKS_EXTENSION]: {} } });
  const checked = (params: Record<string, unknown>, ctx: ServerContext): string => {
    if (!declaresTasks(ctx)) throw new MissingRequiredClientCapabilityError({ requiredCapabilities: { extensions: { [TASKS_EXTENSION]: {} } } });
    return params.taskId as string;
  };
  server.setRequestHandler('tasks/get', { params: TASK_PARAMS }, (params, ctx) => tasks.get(checked(params, ctx)));
  server.setRequestHandler('tasks/cancel', { params: TASK_PARAMS }, (params, ctx) => {
    tasks.cancel(checked(params, ctx));
    return {};
  });
  // No run asks the client for input, so there is nothing to update: known tasks get the ack.
  server.setRequestHandler('tasks/update', { params: TASK_PARAMS }, (params, ctx) => {
    tasks.get(checked(params, ctx));
    return {};
  });
}
