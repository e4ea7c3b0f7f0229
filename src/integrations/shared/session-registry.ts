/**
 * The sessions of one server (an MCP server's sessions and handles, an ADK executor's sessions),
 * by id, within their bounds: at most `maxSessions` at once, a new one at the bound taking the
 * place of the longest idle, interpreters given back while idle one after another, and sessions
 * idle past `idleMs` handed to their owner to close.
 */
import type { SessionBounds } from './session-bounds.js';
import { idleNote } from './idle-save.js';
import { SessionLimitError } from './session-errors.js';
import { type CreateSandbox, type SessionSetup, SessionSandbox } from './sessions.js';

/** The sessions of one server, by id, within {@link SessionBounds}. */
export class SessionRegistry {
  private readonly sessions = new Map<string, SessionSandbox>();
  /** Sessions closing (a save of their interpreter may be under way): `closeAll` waits for them too. */
  private readonly closing = new Map<Promise<void>, string>();
  /** Interpreters given back while idle go one after another (`giveBack`), and the sessions in line. */
  private giveBacks: Promise<void> = Promise.resolve();
  private readonly givingBack = new Set<SessionSandbox>();
  private readonly timer: ReturnType<typeof setInterval> | undefined;

  /**
   * @param onIdle Called for each session idle past `bounds.idleMs` (each sweep, until it is closed or used), and for one evicted by `open` (already closed and forgotten): close its transport.
   * @param hasClient Whether a client still listens on a session (an open stream): such sessions are evicted only when no idle session without one is left.
   * @param setup What a new session's runs have besides its sandbox (functions, skills folder).
   */
  constructor(
    private readonly bounds: SessionBounds,
    private readonly create: CreateSandbox,
    private readonly onIdle: (id: string, session: SessionSandbox) => void,
    private readonly hasClient: (id: string) => boolean = () => false,
    private readonly setup: (id: string) => SessionSetup = () => ({}),
  ) {
    if (bounds.idleMs > 0) {
      const first = bounds.interpreterIdleMs ? Math.min(bounds.idleMs, bounds.interpreterIdleMs) : bounds.idleMs;
      this.timer = setInterval(() => this.sweep(), Math.min(60_000, Math.max(250, first / 4)));
      // Node: the sweep does not keep the process alive. A page's timers have no unref.
      (this.timer as { unref?: () => void }).unref?.();
    }
  }

  /** Sessions held now. */
  get size(): number {
    return this.sessions.size;
  }

  /**
   * A new session under `id`. At `maxSessions`, the idle session whose client has left (else any
   * idle one) with the longest time without calls is closed and passed to `onIdle` to make room.
   * @throws {SessionLimitError} `maxSessions` are held and every one is running a call.
   */
  open(id: string): SessionSandbox {
    if (this.sessions.size >= this.bounds.maxSessions) this.evictOne();
    // A session of this id still closing (its save being made) is waited for: a new one must start from that save, not the one before.
    const closing = this.closingOf(id);
    const session = new SessionSandbox(this.create, this.bounds.maxPendingCalls, this.setup(id), closing.length > 0 ? Promise.all(closing) : undefined);
    this.sessions.set(id, session);
    return session;
  }

  /** The session under `id`, if held. */
  get(id: string): SessionSandbox | undefined {
    return this.sessions.get(id);
  }

  /** Closes of session `id` under way, each settling once its save is made or refused: until then the store may not have it. */
  closingOf(id: string): Promise<void>[] {
    return [...this.closing].filter(([, of]) => of === id).map(([promise]) => promise.catch(() => undefined));
  }

  /** Closes and forgets the session under `id`. */
  async close(id: string): Promise<void> {
    const session = this.sessions.get(id);
    this.sessions.delete(id);
    if (session) await this.closed(id, session);
  }

  private closed(id: string, session: SessionSandbox): Promise<void> {
    const closing = session.close();
    this.closing.set(closing, id);
    void closing.finally(() => this.closing.delete(closing));
    return closing;
  }

  private evictOne(): void {
    const now = Date.now();
    let victim: { id: string; session: SessionSandbox; listened: boolean; idle: number } | undefined;
    for (const [id, session] of this.sessions) {
      if (session.running) continue;
      const candidate = { id, session, listened: this.hasClient(id), idle: session.idleFor(now) };
      // One whose client has left goes before one a client still listens on; then the longest idle.
      if (!victim || (candidate.listened === victim.listened ? candidate.idle > victim.idle : victim.listened)) victim = candidate;
    }
    if (!victim) {
      throw new SessionLimitError(
        `Python holds its maximum of ${this.bounds.maxSessions} sessions, each running a call; wait for one to finish and try again.`,
      );
    }
    this.sessions.delete(victim.id);
    void this.closed(victim.id, victim.session);
    this.onIdle(victim.id, victim.session);
  }

  /** Passes each session idle past the bound to `onIdle`; one idle past `interpreterIdleMs` gives back its interpreter. */
  sweep(now = Date.now()): void {
    if (this.bounds.idleMs <= 0) return;
    const dropAfter = this.bounds.interpreterIdleMs ?? 0;
    for (const [id, session] of this.sessions) {
      const idle = session.idleFor(now);
      if (idle >= this.bounds.idleMs) this.onIdle(id, session);
      else if (dropAfter > 0 && idle >= dropAfter && session.hasInterpreter) this.giveBack(session, dropAfter, now - Date.now());
    }
  }

  /** `session`'s interpreter given back after those in line, if still idle (`skew`: the sweep's clock against this one's): six saves at once starved each other. */
  private giveBack(session: SessionSandbox, dropAfter: number, skew: number): void {
    if (this.givingBack.has(session)) return;
    this.givingBack.add(session);
    const stillIdle = () => session.hasInterpreter && session.idleFor(Date.now() + skew) >= dropAfter;
    const next = this.giveBacks.then(() => (stillIdle() ? session.dropInterpreter(idleNote(dropAfter)) : undefined));
    this.giveBacks = next.catch(() => undefined).finally(() => this.givingBack.delete(session));
  }

  /** Closes every session and stops the idle sweep. */
  async closeAll(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    const ids = [...this.sessions.keys()];
    await Promise.all([...ids.map((id) => this.close(id)), ...this.closing.keys()]);
  }
}
