/**
 * ADK's code executor backed by the sandbox: each ADK session's cells run in one interpreter of
 * their own (variables, imports and files carry from cell to cell, and no cell runs twice), behind
 * the default boundary (a Deno process in Node, the opaque-origin frame in a page), with the run's
 * deadline, memory and output bounds.
 */
import { BaseCodeExecutor, CodeExecutionLanguage, type CodeExecutionResult, type ExecuteCodeParams, type InvocationContext } from '@google/adk';
import { codeFunctionsSentence } from '../../agent/run-python/code-functions.js';
import { isNode } from '../../shared/is-node.js';
import { PythonSandbox } from '../../sandbox-entry.js';
import { resolveLimits } from '../../sandbox/limits.js';
import { functionSpecs } from '../../sandbox/functions/function-specs.js';
import { withChartImages } from '../../sandbox/charts/run-images.js';
import { SandboxBootError } from '../../sandbox/errors.js';
import type { SandboxFunction, SandboxLimits } from '../../shared/types.js';
import type { SessionSandbox } from '../shared/sessions.js';
import { SessionRegistry } from '../shared/session-registry.js';
import { interpreterIdleMs } from '../shared/session-bounds.js';
import { type AdkTool, adkToolDeclarations, adkToolFunctions } from './adk-tools.js';
import { inputFilesProblem, writeInputFiles } from './cell-files.js';
import { cellResult, refusedCell } from './cell-result.js';
import { type SandboxCodeExecutorOptions, executorLimits } from './options.js';

/** Said when a session that ran cells before comes back to no interpreter (closed while idle, taken for another session, or the app restarted). */
export const GONE_NOTE =
  "This session's earlier cells ran in a Python interpreter that is gone (closed after a while without cells, or the app restarted), and this cell started a new one: variables, imports and files from earlier cells are gone.";

/**
 * An ADK `BaseCodeExecutor` that runs the model's Python in the sandbox, one interpreter per ADK
 * session. Give it to an `LlmAgent` as `codeExecutor`, and the agent to {@link withCodeExecution}
 * (ADK 2.0.0's agent runs no code block without it).
 *
 * Interpreters are bounded by count and idle time: at most `limits.maxSessions` at once (one more
 * takes the place of the longest idle), each given back after a third of `limits.idleMs` without a
 * cell, and the session forgotten after `limits.idleMs`; a session's next cell then boots a new one
 * and says so. {@link close} disposes them all; {@link closeSession} one session's.
 */
export class SandboxCodeExecutor extends BaseCodeExecutor {
  private readonly sessions: SessionRegistry;
  private readonly limits: SandboxLimits;
  private readonly timeoutMs: number;
  private readonly maxCodeChars: number;
  private readonly functions: readonly SandboxFunction[];
  private readonly tools: readonly AdkTool[];
  private closed = false;

  /**
   * @param options The sandbox's options, the executor's limits and the functions the code may call.
   * @throws {TypeError | RangeError} an unknown limit, a value out of range, or a function or tool whose name Python cannot call.
   */
  constructor(options: SandboxCodeExecutorOptions = {}) {
    super();
    // ADK gives `executionId` (the session's id) only to a stateful executor; this one keeps each session's interpreter.
    this.stateful = true;
    this.optimizeDataFile = options.optimizeDataFile ?? false;
    if (options.errorRetryAttempts !== undefined) this.errorRetryAttempts = options.errorRetryAttempts;
    const own = executorLimits(options.limits);
    const sandboxOptions = options.sandbox ?? {};
    this.limits = resolveLimits(sandboxOptions.limits);
    this.timeoutMs = own.timeoutMs ?? this.limits.timeoutMs;
    this.maxCodeChars = own.maxCodeChars;
    this.functions = options.functions ?? [];
    this.tools = options.tools ?? [];
    // A bad function or tool throws here, not at the first cell.
    functionSpecs([...this.functions, ...adkToolDeclarations(this.tools).map((declaration) => ({ ...declaration, handler: () => undefined }))]);
    const { idleMs } = own;
    const isolation = sandboxOptions.isolation ?? (isNode ? 'deno' : 'frame');
    this.sessions = new SessionRegistry(
      {
        maxSessions: own.maxSessions,
        idleMs,
        interpreterIdleMs: interpreterIdleMs(idleMs),
        maxPendingCalls: own.maxPendingCalls,
      },
      (onProgress) => PythonSandbox.create({ warmSpare: false, ...sandboxOptions, limits: this.limits, isolation, onProgress }),
      (id) => void this.sessions.close(id),
    );
  }

  /**
   * Runs one cell in its session's interpreter (booted on the session's first cell). Never
   * rejects: a cell that cannot run (too long, an input file refused, Python that cannot start)
   * is a result whose `stderr` says why, as a failure in the code is.
   */
  override async executeCode({ invocationContext, codeExecutionInput }: ExecuteCodeParams): Promise<CodeExecutionResult> {
    const { code, language, inputFiles = [], executionId } = codeExecutionInput;
    if (this.closed) return refusedCell('The cell did not run: this code executor was closed.');
    if (language !== CodeExecutionLanguage.PYTHON) return refusedCell(`This executor runs Python only; the cell is ${String(language)}.`);
    if (typeof code !== 'string') return refusedCell('The cell has no code.');
    if (code.length > this.maxCodeChars)
      return refusedCell(
        `The cell is ${code.length.toLocaleString('en-US')} characters long, over the ${this.maxCodeChars.toLocaleString('en-US')} allowed; it did not run.`,
      );
    const filesProblem = inputFilesProblem(inputFiles, this.limits.maxFileBytes);
    if (filesProblem) return refusedCell(`${filesProblem} The cell did not run.`);
    const { session: adkSession } = invocationContext;
    const key = sessionKey(adkSession.appName, adkSession.userId, executionId ?? adkSession.id);
    try {
      const held = this.sessions.get(key);
      const session = held ?? this.sessions.open(key);
      const notes = held || !ranCellsBefore(invocationContext) ? [] : [GONE_NOTE];
      return await this.runCell(session, code, inputFiles, invocationContext, notes);
    } catch (error) {
      return refusedCell(failureOf(error));
    }
  }

  /**
   * What to add to the agent's instruction so the model knows the functions its code may call
   * (`functions` and `tools`, as Python signatures), or '' when there are none. ADK tells the model
   * nothing about a code executor's functions itself.
   */
  functionsInstruction(): string {
    const own = this.functions.map(({ name, description, parameters }) => ({ name, description, parametersJsonSchema: parameters }));
    return codeFunctionsSentence([...own, ...adkToolDeclarations(this.tools)]);
  }

  /**
   * Disposes every interpreter and stops the idle sweep; later cells do not run (their `stderr`
   * says so). Call it when the app stops: the interpreters (Deno processes in Node) would keep it running.
   */
  async close(): Promise<void> {
    this.closed = true;
    await this.sessions.closeAll();
  }

  /** Disposes one ADK session's interpreter (when the app deletes the session, say); its next cell would boot a new one. */
  async closeSession(session: { appName: string; userId: string; id: string }): Promise<void> {
    await this.sessions.close(sessionKey(session.appName, session.userId, session.id));
  }

  private runCell(
    session: SessionSandbox,
    code: string,
    inputFiles: Parameters<typeof writeInputFiles>[1],
    invocationContext: InvocationContext,
    notes: string[],
  ): Promise<CodeExecutionResult> {
    const signal = invocationContext.abortSignal;
    return session.use(
      async (sandbox) => {
        const dropped = session.takeDropped().note;
        await writeInputFiles(sandbox, inputFiles);
        const functions = [...this.functions, ...adkToolFunctions(this.tools, invocationContext)];
        const result = await withChartImages(await sandbox.run(code, { timeoutMs: this.timeoutMs, signal, ...(functions.length > 0 && { functions }) }));
        return cellResult(sandbox, result, dropped ? [dropped, ...notes] : notes);
      },
      { signal },
    );
  }
}

/**
 * One interpreter per app, user and session: ADK's session ids are unique only within an app and
 * user (an app may name them itself), and one user's cells must never reach another's variables.
 */
function sessionKey(appName: string, userId: string, sessionId: string): string {
  return JSON.stringify([appName, userId, sessionId]);
}

/** Whether the session's events hold a cell's result: it had an interpreter before this one. */
function ranCellsBefore(invocationContext: InvocationContext): boolean {
  return invocationContext.session.events.some((event) => event.content?.parts?.some((part) => part.codeExecutionResult !== undefined));
}

/** Why a cell could not run, for `stderr`: the error's message, and for a boot its cause (Deno missing, say). */
function failureOf(error: unknown): string {
  const cause = SandboxBootError.isInstance(error) && error.cause instanceof Error ? ` ${error.cause.message}` : '';
  const message = error instanceof Error ? error.message : String(error);
  return `The cell did not run: ${message}${cause}`;
}
