/**
 * This widget's saved Python interpreter, in the page's IndexedDB beside its conversation (under
 * the same key), and as it was before each of the last few messages (`<key>#before-<n>`, so they
 * can be edited after a reload): saved when a message has finished (the sandbox is idle; a run that arrives
 * meanwhile goes first, and the save is made when that message ends), handed to the new
 * sandbox after a reload, forgotten with the conversation. The bytes are the sandbox's saved state
 * as they came (packed in the sandbox's worker, never decoded on the page); the sandbox checks them
 * when they come back, so one from another build (a deploy since), damaged or too large is refused,
 * and dropped here.
 */
import type { PythonSandbox } from '../../sandbox/python-sandbox.js';
import { ConversationStore, INTERPRETER_STORE } from '../state/conversation-store.js';

/** The most one saved interpreter may take in the page's storage (an idle one takes 0.1-1.3 MB); a larger one is not kept. */
export const MAX_KEPT_STATE_BYTES = 64 * 2 ** 20;

/** How many of the latest messages keep the interpreter as it was before them, so they can be edited after a reload. */
export const KEPT_REWINDS = 5;
/** The most one of those may take (the latest interpreter is bounded by `MAX_KEPT_STATE_BYTES`); a larger one is not kept. */
export const MAX_REWIND_STATE_BYTES = 16 * 2 ** 20;

/** What became of the saved interpreter on a reload: restored, or dropped (saying why in the reader's words). */
export type InterpreterComeback = { restored: true } | { restored: false; dropped: string };

export class SavedInterpreterSlot {
  private readonly store = new ConversationStore(INTERPRETER_STORE);
  /** The messages whose interpreter before them is kept. */
  private readonly kept = new Set<number>();
  /** The latest save or delete: the next waits for it, so the last one asked for is what stays. */
  private writing: Promise<void> = Promise.resolve();
  /** Whether the stored interpreter, if any, is Python as the last message left it: not while that message's save is under way, nor once it gave way. */
  private latestStored = true;

  /** @param key The slot's key (the conversation's), or undefined when nothing may be kept. */
  constructor(private readonly key: () => string | undefined) {}

  /**
   * Saves `sandbox`'s interpreter. One that cannot be saved (compiled package code loaded) or kept
   * (over `MAX_KEPT_STATE_BYTES`) removes the stored one, which no longer matches the conversation:
   * a reload then starts Python afresh, as without a save.
   */
  save(sandbox: PythonSandbox): void {
    this.latestStored = false;
    this.write(async (key) => {
      // A run that arrives goes first (its deadline is running); the save that gave way leaves the
      // stored one as it is: the message that run belongs to deletes it, and saves when it ends.
      const bytes = await sandbox.saveState({ givesWay: true }).catch((error: unknown) => {
        console.info('code-exec-chat: Python cannot be saved, a reload will start it afresh:', error);
        return null;
      });
      if (bytes === undefined) return;
      const kept = bytes && bytes.length <= MAX_KEPT_STATE_BYTES ? bytes : undefined;
      if (bytes && !kept) console.info(`code-exec-chat: Python's state (${bytes.length} bytes) is too large to keep; a reload will start it afresh`);
      await (kept ? this.store.save(key, kept) : this.store.delete(key));
      // Stored, or deleted because it cannot be saved or kept (asked again, it would not be kept either).
      this.latestStored = true;
    });
  }

  /** Deletes the saved interpreter and those kept before messages (the conversation was cleared). */
  forget(): void {
    this.kept.clear();
    this.write((key) => Promise.all([this.store.delete(key), this.store.delete(beforeKeys(key))]));
  }

  /**
   * Message `message` starts: its runs change Python, so the saved interpreter no longer matches
   * the conversation. It becomes the interpreter before that message (for an edit after a reload),
   * and none is the latest until the message ends and saves anew: a reload in between starts Python afresh.
   * The stored one is kept, or while the last message's save is under way or once it gave way
   * (a message sent at once), `sandbox`'s state now; before the first message, none (nothing ran:
   * an edit starts Python afresh).
   */
  keepAsBefore(message: number, sandbox?: PythonSandbox): void {
    // Asked now, queued before the message's first run: that save gives way to it, or its bytes
    // come back as they are; the chat's checkpoint before the first cell takes the same save.
    const asked = message > 0 && !this.latestStored ? sandbox?.saveState().catch(() => undefined) : undefined;
    this.write(async (key) => {
      const bytes = (await this.store.load(key)) ?? (await asked);
      const kept = bytes instanceof Uint8Array && bytes.length <= MAX_REWIND_STATE_BYTES;
      // Without a save of the interpreter as it is, an older one would roll back what came since: none is kept.
      await (kept ? this.store.save(beforeKey(key, message), bytes) : this.store.delete(beforeKey(key, message)));
      const older = message >= KEPT_REWINDS ? this.store.delete(beforeKeys(key, 0, message - KEPT_REWINDS)) : undefined;
      await Promise.all([this.store.delete(key), older, this.store.delete(beforeKeys(key, message + 1))]);
      for (const m of this.kept) if (m <= message - KEPT_REWINDS || m > message) this.kept.delete(m);
      if (kept) this.kept.add(message);
      else this.kept.delete(message);
    });
  }

  /**
   * Python went back to before message `message` (an edit): the latest save becomes the one kept
   * before it, or none if none is (a reload then starts Python afresh rather than roll it forward).
   * Those of the messages after it go when the next message starts.
   */
  rewound(message: number): void {
    this.write(async (key) => {
      const bytes = await this.store.load(beforeKey(key, message));
      await (bytes instanceof Uint8Array ? this.store.save(key, bytes) : this.store.delete(key));
    });
  }

  /** Whether the interpreter before message `message` is kept (read from storage by {@link listKept}). */
  keepsBefore(message: number): boolean {
    return this.kept.has(message);
  }

  /** Reads which messages have the interpreter before them kept (after a reload). */
  async listKept(): Promise<void> {
    const key = this.key();
    if (!key) return;
    const keys = await this.store.keys(beforeKeys(key)).catch(() => []);
    for (const stored of keys) this.kept.add(Number(stored.slice(-MESSAGE_DIGITS)));
  }

  /** Restores the interpreter as it was before message `message` into `sandbox`. @throws when it is not kept or does not restore. */
  async restoreBefore(message: number, sandbox: PythonSandbox): Promise<void> {
    const key = this.key();
    const bytes = key ? await this.store.load(beforeKey(key, message)) : undefined;
    if (!(bytes instanceof Uint8Array)) throw new Error('its saved state is no longer kept');
    await sandbox.restoreState(bytes);
  }

  /** Chains `work` on the slot's key after the writes before it; a failure is logged, not thrown. */
  private write(work: (key: string) => Promise<unknown>): void {
    const key = this.key();
    if (!key) return;
    this.writing = this.writing
      .then(() => work(key))
      .then(() => undefined)
      .catch((error: unknown) => console.warn("code-exec-chat: could not store Python's state:", error));
  }

  /** Restores the saved interpreter, if there is one, into `sandbox` once it has booted; a refused one is dropped. */
  async restoreInto(sandbox: () => Promise<PythonSandbox>): Promise<InterpreterComeback | undefined> {
    const key = this.key();
    if (!key) return undefined;
    const bytes = await this.store.load(key).catch(() => undefined);
    if (!(bytes instanceof Uint8Array)) return undefined;
    let python: PythonSandbox;
    try {
      python = await sandbox();
    } catch {
      return undefined; // Python did not start: said as a boot failure, and the save stays for the next load.
    }
    try {
      if (bytes.length > MAX_KEPT_STATE_BYTES) throw new Error(`it is ${bytes.length} bytes, over the ${MAX_KEPT_STATE_BYTES} kept`);
      // Bounded packed, not unpacked: a session holding a few tens of megabytes unpacks past the
      // bound, and the sandbox's worker unpacks it (the page only the files it keeps).
      await python.restoreState(bytes);
      return { restored: true };
    } catch (error) {
      // Those kept before messages came from the same page: they would be refused too.
      this.forget();
      return { restored: false, dropped: readerReason(error) };
    }
  }
}

/** Why a saved interpreter was refused, for the reader. */
function readerReason(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  if (/another build|another format/.test(message)) return 'it was saved by another version of this page';
  if (/over the|more than the/.test(message)) return 'it is too large';
  if (/checksum|corrupt|truncated|unpack|not a saved/.test(message)) return 'it is damaged';
  return 'Python could not start from it';
}

/** A message's number in its key, zero-padded so that keys sort as numbers do. */
const MESSAGE_DIGITS = 6;

/** The key of the interpreter kept before message `message` of the conversation under `key`. */
function beforeKey(key: string, message: number): string {
  return `${key}#before-${String(message).padStart(MESSAGE_DIGITS, '0')}`;
}

/** The keys of those kept before messages `from` to `to` (all of them by default). */
function beforeKeys(key: string, from = 0, to = 10 ** MESSAGE_DIGITS - 1): IDBKeyRange {
  return IDBKeyRange.bound(beforeKey(key, Math.max(0, from)), beforeKey(key, Math.max(0, to)));
}
