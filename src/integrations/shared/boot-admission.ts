/**
 * Admission for interpreter boots (new or restored). A boot keeps a core busy for seconds, a
 * restore longer, and many begun at once on a small machine all run past `limits.bootTimeoutMs`
 * together: 30 Deno restores begun at once on 2 cores took up to 123 s, and the slowest timed out.
 * So at most `slots` boots run at once in a process, the rest wait their turn, first come first
 * served, and the sandbox's boot timeout, which starts inside the boot, counts from the turn.
 */
import { SandboxBootError } from '../../sandbox/errors.js';
import { SessionClosedError } from './session-errors.js';

/**
 * How long a call waits in line for its interpreter's turn to boot before it is answered busy
 * (its boot keeps its place, so its next call finds it booted or nearer the front): half of the
 * 60 s after which the MCP SDKs' clients give up on a request by default, leaving the other half
 * for the boot itself on a loaded machine, so the caller hears "call again" rather than a timeout.
 */
export const BOOT_WAIT_MS = 30_000;

/** One boot's place: `started` resolves when it leaves the line (at once when nothing waits). */
export class BootTurn {
  /** Resolves when the boot starts. */
  readonly started: Promise<void>;
  /** Whether it has started. */
  isStarted = false;
  private begin!: () => void;
  constructor() {
    this.started = new Promise<void>((resolve) => {
      this.begin = resolve;
    });
  }

  /** Marks the boot started. */
  start(): void {
    this.isStarted = true;
    this.begin();
  }
}

/** At most `slots` boots at once in this process; the others wait their turn in order of arrival. */
export class BootAdmission {
  private booting = 0;
  private readonly line: (() => void)[] = [];

  /**
   * @param slots Boots at once (the MCP server's `limits.maxBoots`; default there: the cores).
   * @param maxWaitMs How long a caller waits in line before it is answered busy (default `BOOT_WAIT_MS`, 30 s).
   */
  constructor(
    readonly slots: number,
    readonly maxWaitMs: number = BOOT_WAIT_MS,
  ) {
    if (!Number.isInteger(slots) || slots < 1) throw new RangeError(`boot slots must be a whole number from 1; got ${slots}`);
  }

  /** Boots waiting for a turn. */
  get waiting(): number {
    return this.line.length;
  }

  /**
   * Runs `boot` when a slot is free, marking `turn` started as it does.
   * @param leave Aborted when the session closes: a boot still in line leaves it.
   * @throws {SessionClosedError} `leave` aborted while in line.
   */
  async run<T>(turn: BootTurn, boot: () => Promise<T>, leave?: AbortSignal): Promise<T> {
    await this.slot(leave);
    turn.start();
    try {
      return await boot();
    } finally {
      // The slot goes to the first in line, else back to the pool.
      const next = this.line.shift();
      if (next) next();
      else this.booting--;
    }
  }

  /**
   * `booting`'s interpreter, or a retryable `SandboxBootError` once the caller has waited
   * `maxWaitMs` while `turn` is still in line: the MCP server answers it busy, "call again in N
   * seconds" (its words for a busy machine's boot). Once the boot has started only its own
   * `limits.bootTimeoutMs` bounds it.
   */
  async wait<T>(booting: Promise<T>, turn: BootTurn): Promise<T> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const inLine = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new SandboxBootError(`Python waited ${this.maxWaitMs} ms for a turn to boot (${this.waiting} boots in line): the machine is busy.`, {
              retryable: true,
            }),
          ),
        this.maxWaitMs,
      );
    });
    void turn.started.then(() => clearTimeout(timer));
    try {
      return await Promise.race([booting, inLine]);
    } finally {
      clearTimeout(timer);
    }
  }

  private slot(leave: AbortSignal | undefined): Promise<void> {
    if (this.booting < this.slots) {
      this.booting++;
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const go = () => {
        leave?.removeEventListener('abort', gone);
        resolve();
      };
      const closed = () => new SessionClosedError('This session closed while its interpreter waited for a turn to boot.');
      const gone = () => {
        this.line.splice(this.line.indexOf(go), 1);
        reject(closed());
      };
      if (leave?.aborted) return reject(closed());
      this.line.push(go);
      leave?.addEventListener('abort', gone, { once: true });
    });
  }
}

/** One session's boots in its server's {@link BootAdmission} (none: each boots at once). */
export class BootLine {
  /** The turn of the session's latest boot. */
  private turn = new BootTurn();
  private readonly leaving = new AbortController();

  constructor(private readonly admission: BootAdmission | undefined) {
    this.turn.start();
  }

  /** A boot is coming: calls from now wait for its turn (the boot itself may first wait for an earlier interpreter's save). */
  next(): void {
    this.turn = new BootTurn();
  }

  /** Runs the coming boot in its turn. */
  run<T>(boot: () => Promise<T>): Promise<T> {
    if (this.admission) return this.admission.run(this.turn, boot, this.leaving.signal);
    this.turn.start();
    return boot();
  }

  /** The coming boot needs no turn: it takes up an interpreter that is already there. */
  skip<T>(kept: Promise<T>): Promise<T> {
    this.turn.start();
    return kept;
  }

  /** What `booting` gives, or busy once this caller has waited `maxWaitMs` for the turn ({@link BootAdmission.wait}). */
  wait<T>(booting: Promise<T>): Promise<T> {
    return this.admission ? this.admission.wait(booting, this.turn) : booting;
  }

  /** Whether the coming boot still waits for its turn. */
  get waiting(): boolean {
    return !this.turn.isStarted;
  }

  /** The session closed: its boot leaves the line. */
  leave(): void {
    this.leaving.abort();
  }
}
