/**
 * This widget's saved Python interpreter, in the page's IndexedDB beside its conversation (under
 * the same key): saved when a message has finished (the sandbox is idle; a run that arrives
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

/** What became of the saved interpreter on a reload: restored, or dropped (saying why in the reader's words). */
export type InterpreterComeback = { restored: true } | { restored: false; dropped: string };

export class SavedInterpreterSlot {
  private readonly store = new ConversationStore(INTERPRETER_STORE);
  /** The latest save or delete: the next waits for it, so the last one asked for is what stays. */
  private writing: Promise<void> = Promise.resolve();

  /** @param key The slot's key (the conversation's), or undefined when nothing may be kept. */
  constructor(private readonly key: () => string | undefined) {}

  /**
   * Saves `sandbox`'s interpreter. One that cannot be saved (compiled package code loaded) or kept
   * (over `MAX_KEPT_STATE_BYTES`) removes the stored one, which no longer matches the conversation:
   * a reload then starts Python afresh, as without a save.
   */
  save(sandbox: PythonSandbox): void {
    const key = this.key();
    if (!key) return;
    this.writing = this.writing
      .then(async () => {
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
      })
      .catch((error: unknown) => console.warn("code-exec-chat: could not store Python's state:", error));
  }

  /** Deletes the saved interpreter (the conversation was cleared). */
  forget(): void {
    const key = this.key();
    if (!key) return;
    this.writing = this.writing
      .then(() => this.store.delete(key))
      .catch((error: unknown) => console.warn("code-exec-chat: could not delete Python's state:", error));
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
