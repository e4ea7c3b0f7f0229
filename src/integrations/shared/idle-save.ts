/**
 * Where an idle session's interpreter goes instead of being dropped: saved as bytes
 * (`PythonSandbox.saveState`) into a {@link StateStore}, its worker stopped, and restored into the
 * session's next interpreter, so its next call finds its variables and files. The store is this
 * process's memory ({@link MemoryStateStore}) or a folder that outlives it (the MCP server's
 * `stateDirectory`: src/integrations/mcp/sessions/state-folder.ts). A save that fails (compiled code
 * loaded) or a restore that is refused leaves the session as an idle one was before: a new
 * interpreter, and a note saying what was lost.
 */
import { formatMinutes } from './minutes.js';
import { SandboxStateError } from '../../sandbox/errors.js';
import type { PythonSandbox } from '../../sandbox/python-sandbox.js';
import type { RestoredFrom } from '../../shared/types.js';
import { type HeldSave, largestPastBound, maxSaveBytes, overShare, toEvict } from './state-eviction.js';

/**
 * Saved interpreters by key, within a bound on their total bytes (the policy: state-eviction.ts).
 * A save that is refused or fails leaves nothing under its key, never the older save: a session
 * whose newer state was not kept must not come back, silently, to an older one.
 */
export interface StateStore {
  /** The bound on the store's total bytes; one save may take at most half of it, and one read back more than all of it is refused unread. */
  readonly maxBytes: number;
  /** Whether a state is saved under `key` (or being saved). */
  has(key: string): boolean;
  /** The state saved under `key`, if any (after a save of it in flight); one over `maxBytes` is refused unread. */
  load(key: string): Promise<Uint8Array | undefined>;
  /**
   * Keeps `bytes` under `key`, evicting the largest states past the bound (`bytes` too, if the largest).
   * @throws {Error} they were not kept (over half the bound, the largest past it, a write failed): nothing is left under `key`.
   */
  save(key: string, bytes: Uint8Array): Promise<void>;
  /** Forgets the state under `key`. */
  delete(key: string): Promise<void>;
  /**
   * Notes that `key`'s interpreter is changing past its save (a state folder: a mark beside it,
   * which the next `save` or `delete` clears), for a store that other processes restore from.
   */
  markChanging?(key: string): Promise<void>;
  /** When `key`'s save was made, if an interpreter changed past it and never saved again (its process ended): the save is older than its state. */
  changedSince?(key: string): Promise<Date | undefined>;
}

/** A session's place in a store. */
export interface SessionState {
  store: StateStore;
  /** The session's key in the store (never another session's). */
  key: string;
  /**
   * Whether the state outlives the session: saved when it closes, for a later process or instance
   * to resume (a state folder). Else it is deleted when the session closes.
   */
  lasting: boolean;
}

/** Runs each key's store operations one after another, so a load sees the save before it. */
export class KeyedQueue {
  private readonly tails = new Map<string, Promise<unknown>>();

  /** Whether an operation on `key` is queued or running. */
  busy(key: string): boolean {
    return this.tails.has(key);
  }

  /** `work`, once the operations on `key` queued before it have settled. */
  run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const result = (this.tails.get(key) ?? Promise.resolve()).then(work, work);
    const tail = result.catch(() => undefined);
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }
}

/**
 * Saved states in this process's memory, within `maxBytes` by the policy of state-eviction.ts: they
 * last as long as their session. Refusals and evictions are told to `say`, a line each, without
 * their key (it holds the session id or handle).
 */
export class MemoryStateStore implements StateStore {
  private readonly states = new Map<string, HeldSave & { key: string; bytes: Uint8Array }>();

  constructor(
    readonly maxBytes: number,
    private readonly say: (line: string) => void = () => {},
  ) {}

  has(key: string): boolean {
    return this.states.has(key);
  }

  async load(key: string): Promise<Uint8Array | undefined> {
    return this.states.get(key)?.bytes;
  }

  async save(key: string, bytes: Uint8Array): Promise<void> {
    this.states.delete(key);
    const where = 'in-memory state store';
    const refuse = (why: string) => {
      this.say(`refused a save: ${why}; that session has no saved state (its older save is deleted)`);
      return new Error(why);
    };
    if (bytes.length > maxSaveBytes(this.maxBytes)) throw refuse(overShare(bytes.length, this.maxBytes, where));
    const saved = { key, bytes, size: bytes.length, savedAt: Date.now() };
    this.states.set(key, saved);
    const evicted = toEvict([...this.states.values()], saved, this.maxBytes);
    for (const save of evicted) {
      this.states.delete(save.key);
      if (save !== saved)
        this.say(
          `evicted a saved state (${save.size} bytes, saved ${new Date(save.savedAt).toISOString()}) to keep the ${where} within ${this.maxBytes} bytes (the largest go first)`,
        );
    }
    if (evicted.includes(saved)) throw refuse(largestPastBound(saved.size, this.maxBytes, where));
  }

  async delete(key: string): Promise<void> {
    this.states.delete(key);
  }
}

/**
 * Saves `sandbox` under the session's key.
 * @returns Why it could not be kept (for the note of the session's next run), or undefined once saved.
 */
export async function saveInto(sandbox: PythonSandbox, state: SessionState): Promise<string | undefined> {
  try {
    await state.store.save(state.key, await sandbox.saveState());
    return undefined;
  } catch (error) {
    // An older save must not stand in for the state that was not kept: it is deleted (a store's own refusal did so already).
    await state.store.delete(state.key).catch(() => undefined);
    return reasonOf(error);
  }
}

/**
 * The session's next interpreter, started from the state saved under its key (`savedState`: one
 * boot), or a new one and why not (none saved any more, refused, did not restore); `rewound`:
 * when that save was made, if the interpreter had changed past it (`StateStore.changedSince`).
 * @param create Makes a sandbox, from `savedState` when given; a boot failure (not the state's) rejects as any boot does.
 */
export async function bootSaved(
  create: (savedState?: Uint8Array) => Promise<PythonSandbox>,
  state: SessionState,
): Promise<{ sandbox: PythonSandbox; notRestored?: string; rewound?: Date }> {
  let bytes: Uint8Array | undefined;
  const olderThanState = await state.store.changedSince?.(state.key).catch(() => undefined);
  try {
    bytes = await state.store.load(state.key);
  } catch (error) {
    return { sandbox: await create(), notRestored: reasonOf(error) };
  }
  if (!bytes) return { sandbox: await create(), notRestored: 'its saved state was evicted to keep the saved states within their bound, the largest first' };
  let sandbox: PythonSandbox;
  try {
    // The store read it within its bound; unpacked, the sandbox's own ceiling holds (2 GiB: wasm32's whole memory is 4 GiB).
    sandbox = await create(bytes);
  } catch (error) {
    if (!SandboxStateError.isInstance(error)) throw error;
    return { sandbox: await create(), notRestored: reasonOf(error) };
  }
  if (sandbox.bootPath === 'saved') return { sandbox, rewound: olderThanState };
  // A `CreateSandbox` that does not pass `savedState` on: the state is restored into what it made.
  try {
    await sandbox.restoreState(bytes);
    return { sandbox, rewound: olderThanState };
  } catch (error) {
    return { sandbox, notRestored: reasonOf(error) };
  }
}

/** Told to the model when a run's interpreter came back from a save older than the state it had reached (its server stopped before saving again). */
function rewoundNote(savedAt: Date): string {
  return `This session's Python interpreter was restored from its save of ${savedAt.toISOString()}: the server that ran it stopped before saving it again, so what later calls did (variables, imports, files) is gone.`;
}

/** The note of `rewoundNote`, and the same as the result's `restoredFrom`. */
export function rewoundFrom(savedAt: Date): { note: string; restoredFrom: RestoredFrom } {
  const note = rewoundNote(savedAt);
  return { note, restoredFrom: { source: 'save', savedAt: savedAt.toISOString(), note } };
}

/** Told to the model when a run starts a new interpreter because the saved one did not come back. */
export function notRestoredNote(why: string): string {
  return `This session's Python interpreter was saved while idle, but it could not be restored (${why}), and this run started a new one: variables, imports and files from earlier calls are gone.`;
}

function reasonOf(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/^This (interpreter|saved state) cannot be (saved|restored): /, '').slice(0, 500);
}

/** Told to the model when a run starts a new interpreter because the old one was closed while idle. */
export function idleNote(idleMs: number): string {
  return `This session's Python interpreter was closed after ${formatMinutes(idleMs)} without calls, and this run started a new one: variables, imports and files from earlier calls are gone.`;
}
