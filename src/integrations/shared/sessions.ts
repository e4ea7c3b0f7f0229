/**
 * One `PythonSandbox` per session (an MCP session, an ADK session), and the bounds on them: at most
 * `maxSessions` sessions at once (an interpreter is ~100 MB, ~360 MB with the Deno boundary), a
 * session with no call for `interpreterIdleMs` gives its interpreter back, and one with no call for
 * `idleMs` is handed to its owner to close (the MCP server closes its transport, the ADK executor
 * forgets it). Clients may leave without ending their session (the MCP SDK's `close()` sends no
 * DELETE; an ADK session is never ended at all), so a new session at the bound takes the place of
 * the longest idle one rather than being refused. A session's sandbox boots on its first call, so a
 * client that only lists the tools costs no interpreter.
 */
import { type BootAdmission, BootLine } from './boot-admission.js';
import { DEFAULT_MAX_PENDING_CALLS } from '../../agent/agent-limits.js';
import { untilAborted } from '../../sandbox/runs/abort-signals.js';
import type { PythonSandbox } from '../../sandbox/python-sandbox.js';
import type { FileOutput, LoadProgress, RestoredFrom, SandboxFunction } from '../../shared/types.js';
import { type SessionState, bootSaved, notRestoredNote, rewoundFrom, saveInto } from './idle-save.js';
import { SessionClosedError } from './session-errors.js';

/**
 * Makes a sandbox for a session; boot and package progress go to `onProgress`. `savedState`: the
 * session's idle save, to start from (pass it to `PythonSandbox.create` as `savedState`; one that
 * does not gets it restored into the sandbox it made, a second boot).
 */
export type CreateSandbox = (onProgress: (progress: LoadProgress) => void, savedState?: Uint8Array) => Promise<PythonSandbox>;

/**
 * What a session writes into each new interpreter before its first run, and keeps from its runs:
 * the MCP server's skills folder (src/integrations/mcp/sessions/skills-folder.ts).
 */
export interface SessionSkills {
  /** Writes the skills into a new interpreter; returns a note of what was left out, for its first run. */
  writeInto(sandbox: PythonSandbox): Promise<string | undefined>;
  /** Keeps the skills a run wrote; returns a note of what was not kept. */
  keep(files: readonly FileOutput[]): Promise<string | undefined>;
}

/** What a session's runs have besides its sandbox. */
export interface SessionSetup {
  /** Functions each run of the session may call (code mode, `default_api.<name>`); the server passes them to `run` and lists them. Default: none. */
  functions?: readonly SandboxFunction[];
  /** A folder whose skills each new interpreter of the session gets, and where each run's are kept (`skillsDirectory`). Default: none. */
  skills?: SessionSkills;
  /**
   * Called each time the session's interpreter is let go (a reset, given back while idle, the
   * session's end), once it is disposed: ends what the functions hold open for it, such as the
   * gateway's connections of this session's own (a later interpreter's calls make them again).
   */
  release?: () => Promise<void>;
  /**
   * Where the interpreter is saved when given back while idle, and restored from on the next call (idle-save.ts); a state
   * already saved there is restored by the first call. Default: none (an idle interpreter is dropped, and its next run says so).
   */
  state?: SessionState;
  /** Where its boots wait their turn, shared by the server's sessions (boot-admission.ts). Default: none, each boots at once. */
  admission?: BootAdmission;
}

/** One MCP session's Python: booted on first use (with the skills folder's files written in), replaced by `reset()`, dropped when idle; what its runs may call. */
export class SessionSandbox {
  /** Functions each run may call (code mode): the server passes them to `run`. */
  readonly functions: readonly SandboxFunction[];
  /** The skills folder, if any: written into each new interpreter; the server keeps each run's skills in it. */
  readonly skills: SessionSkills | undefined;
  private current: Promise<PythonSandbox> | undefined;
  private readonly listeners = new Set<(progress: LoadProgress) => void>();
  /** The sandbox's progress, to the calls that wait on it now. */
  private readonly report = (progress: LoadProgress) => {
    for (const listener of this.listeners) listener(progress);
  };
  private busy = 0;
  private lastActive = Date.now();
  private closed = false;
  private dropped: { note: string; restoredFrom?: RestoredFrom } | undefined;
  private skillsNote: string | undefined;
  private readonly release: (() => Promise<void>) | undefined;
  private readonly state: SessionState | undefined;
  private readonly line: BootLine;
  /** Whether the next interpreter starts from the state saved under `state.key`. */
  private saved: boolean;
  /** The save of the interpreter given back last, while it lasts: the next one boots after it. */
  private parked: Promise<void> | undefined;
  /** The store was told this interpreter changes past its save (cleared by the next save). */
  private changing = false;
  /** An idle interpreter whose save was refused: kept, and the next call's (its state is nowhere else). */
  private unsaved: Promise<PythonSandbox> | undefined;

  /**
   * @param maxPendingCalls Calls this session may have running or queued at once; one more is refused (each holds its arguments, up to megabytes).
   * @param setup The functions its runs may call, the skills folder, its save's place, its boots' line.
   * @param after An earlier session under the same key, closing: this one boots once it is closed.
   */
  constructor(
    private readonly create: CreateSandbox,
    private readonly maxPendingCalls: number = DEFAULT_MAX_PENDING_CALLS,
    setup: SessionSetup = {},
    after?: Promise<unknown>,
  ) {
    this.functions = setup.functions ?? [];
    this.skills = setup.skills;
    this.release = setup.release;
    this.state = setup.state;
    this.line = new BootLine(setup.admission);
    const saved = () => setup.state?.store.has(setup.state.key) ?? false;
    this.saved = saved();
    // Boots after `after` (an earlier session of this key closing, its save still being made), from what it saved.
    this.parked = after?.catch(() => undefined).then(() => void (this.saved = saved()));
  }

  /**
   * Runs `use` with this session's sandbox, booting one first if there is none. `onProgress`
   * hears the boot's and package loads' progress while the call lasts. An abort stops the wait
   * for the boot (the boot goes on, for the next call); `use` itself takes the signal as it can.
   * @throws {SessionClosedError} the session was closed.
   */
  async use<T>(use: (sandbox: PythonSandbox) => Promise<T>, options: { signal?: AbortSignal; onProgress?: (progress: LoadProgress) => void } = {}): Promise<T> {
    if (this.closed) throw new SessionClosedError('This session is closed.');
    if (this.busy >= this.maxPendingCalls)
      throw new SessionClosedError(
        `This session has ${this.maxPendingCalls} calls running or queued already (limits.maxPendingCalls); wait for them to finish.`,
      );
    const { signal, onProgress } = options;
    this.busy++;
    if (onProgress) this.listeners.add(onProgress);
    try {
      const sandbox = await untilAborted(this.line.wait(this.sandbox()), signal);
      await this.markChanging();
      return await use(sandbox);
    } finally {
      if (onProgress) this.listeners.delete(onProgress);
      this.busy--;
      this.lastActive = Date.now();
    }
  }

  /** Starts this new session from `boot`'s interpreter (a fork of another's, whose progress goes to `onProgress`), booted in its turn; no skills are written into it. */
  startFrom(boot: (onProgress: (progress: LoadProgress) => void) => Promise<PythonSandbox>): Promise<PythonSandbox> {
    this.line.next();
    const booting = this.line.run(() => boot(this.report));
    this.current = booting;
    booting.catch(() => {
      if (this.current === booting) this.current = undefined;
    });
    return this.line.wait(booting);
  }

  /** For a run that started a new interpreter after the old one was dropped while idle, once: the note, and what it went back to (`RunResult.restoredFrom`). */
  takeDropped(): { note?: string; restoredFrom?: RestoredFrom } {
    const dropped = this.current ? this.dropped : undefined;
    if (dropped) this.dropped = undefined;
    return dropped ?? {};
  }

  /** What the skills folder left out of this interpreter, for its first run's output, once. */
  takeSkillsNote(): string | undefined {
    const note = this.skillsNote;
    this.skillsNote = undefined;
    return note;
  }

  /** Disposes the interpreter (and its files); the next call boots a new one. */
  async reset(): Promise<void> {
    this.dropped = undefined;
    this.lastActive = Date.now();
    await this.parked;
    this.saved = false;
    if (this.state) await this.state.store.delete(this.state.key);
    await this.dispose();
  }

  /**
   * Gives an idle interpreter back to free its memory, keeping the session: saved first when the
   * session has a state store (the next call restores it), else, or if the save fails, dropped,
   * and the next run says what was lost (`note`).
   */
  async dropInterpreter(note: string): Promise<void> {
    // A give-back queued before the session closed saves nothing after it: a client's DELETE deleted its save.
    if (this.closed || !this.current || this.running) return;
    if (!this.state) {
      this.dropped = { note };
      return this.dispose();
    }
    const state = this.state;
    const old = this.current;
    this.current = undefined;
    this.parked = (async () => {
      const sandbox = await old.catch(() => undefined);
      const notSaved = sandbox ? await saveInto(sandbox, state) : 'it had not started';
      this.saved = notSaved === undefined;
      this.changing &&= !this.saved;
      // Not saved (too large for the store, say): kept as it is, not dropped for an older state.
      if (sandbox && notSaved !== undefined && !this.closed) return void (this.unsaved = old);
      if (notSaved !== undefined) this.dropped = { note: `${note} It could not be saved: ${notSaved}.` };
      await this.letGo(old);
    })();
    await this.parked;
  }

  /** Tells a store other processes restore from, once per save, that a call is changing the interpreter past it. */
  private async markChanging(): Promise<void> {
    if (this.changing || !this.state?.lasting) return;
    this.changing = true;
    await this.state.store.markChanging?.(this.state.key).catch(() => undefined);
  }

  /** Milliseconds since the last call ended, or 0 while a call is running. */
  idleFor(now = Date.now()): number {
    return this.busy > 0 ? 0 : now - this.lastActive;
  }

  /** Whether a call is running or queued. */
  get running(): boolean {
    return this.busy > 0;
  }

  /** Whether an interpreter is booted or booting. */
  get hasInterpreter(): boolean {
    return this.current !== undefined;
  }

  /** Whether its interpreter is still waiting for a turn to boot. */
  get waitingToBoot(): boolean {
    return this.current !== undefined && this.line.waiting;
  }

  /** Disposes the interpreter; later calls throw `SessionClosedError`. */
  async close(): Promise<void> {
    this.closed = true;
    this.line.leave();
    await this.parked;
    const live = this.current ?? this.unsaved;
    if (this.state?.lasting && live && !this.running) {
      // Kept for a later process or instance; a session closed mid-call keeps its last save.
      const sandbox = await live.catch(() => undefined);
      if (sandbox) await saveInto(sandbox, this.state);
    } else if (this.state && !this.state.lasting) await this.state.store.delete(this.state.key);
    await this.dispose();
  }

  private sandbox(): Promise<PythonSandbox> {
    if (!this.current) {
      this.line.next();
      const booting = (this.parked ?? Promise.resolve()).then(() => this.boot()).then((sandbox) => this.writeSkills(sandbox));
      this.current = booting;
      // A failed boot is not kept: the next call tries again.
      booting.catch(() => {
        if (this.current === booting) this.current = undefined;
      });
    }
    return this.current;
  }

  /** A new interpreter, restored from the session's saved state if it has one (or told why not). */
  private async boot(): Promise<PythonSandbox> {
    const onProgress = this.report;
    const unsaved = this.unsaved;
    this.unsaved = undefined;
    if (unsaved) return this.line.skip(unsaved);
    const state = this.state;
    if (!state || !this.saved) return this.line.run(() => this.create(onProgress));
    const { sandbox, notRestored, rewound } = await this.line.run(() => bootSaved((savedState) => this.create(onProgress, savedState), state));
    // Only now: a boot that failed (a busy machine's timeout) leaves the save for the next call.
    this.saved = false;
    if (notRestored !== undefined) this.dropped = { note: notRestoredNote(notRestored) };
    else if (rewound) this.dropped = rewoundFrom(rewound);
    return sandbox;
  }

  /** A new interpreter with the skills folder's files in `skills/` (one that could not take them is let go). */
  private async writeSkills(sandbox: PythonSandbox): Promise<PythonSandbox> {
    if (!this.skills) return sandbox;
    try {
      this.skillsNote = await this.skills.writeInto(sandbox);
      return sandbox;
    } catch (error) {
      await sandbox.dispose();
      throw error;
    }
  }

  private async dispose(): Promise<void> {
    const old = this.current ?? this.unsaved;
    this.current = this.unsaved = undefined;
    await this.letGo(old);
  }

  private async letGo(old: Promise<PythonSandbox> | undefined): Promise<void> {
    const sandbox = await old?.catch(() => undefined);
    await sandbox?.dispose();
    // After the interpreter is gone, so none of its calls opens again what is ended here.
    if (old) await this.release?.().catch(() => undefined);
  }
}
