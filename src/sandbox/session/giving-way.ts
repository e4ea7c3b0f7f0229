/**
 * Saves that give way to calls: the restart point's idle save, and `saveState({ givesWay: true })`
 * (the widget's). While one holds the sandbox's queue, a call queued behind it asks the worker to
 * stop it once the memory is copied (`WorkerApi.giveWay`), so that call waits tens of milliseconds,
 * not the packing's hundreds (seconds on a busy machine, with its deadline running). One that finds
 * a call already waiting when its turn comes does not start.
 */
import type { WorkerSession } from './worker-session.js';

export class GivingWay {
  /** A save that gives way is with the worker. */
  private holding = false;
  /** It was asked to stop. */
  private asked = false;

  /**
   * @param sandbox `session`: the current interpreter (whose worker is asked to stop its save);
   * `waiting`: whether a call is queued behind the one going.
   */
  constructor(private readonly sandbox: { session: () => Pick<WorkerSession, 'remote'>; waiting: () => boolean }) {}

  /** A call was queued behind another: if that is a save that gives way, it stops. */
  readonly callWaiting = (): void => {
    if (!this.holding || this.asked) return;
    this.asked = true;
    // A worker that is gone has no save to stop.
    void Promise.resolve(this.sandbox.session().remote.giveWay()).catch(() => undefined);
  };

  /**
   * `save` (which must reach the worker before it first awaits), or `undefined` if it gave way: a
   * call was waiting when its turn came, or came while it packed. Its other failures are thrown.
   */
  async save<T>(save: () => Promise<T>): Promise<T | undefined> {
    if (this.sandbox.waiting()) return undefined;
    this.holding = true;
    this.asked = false;
    try {
      return await save();
    } catch (error) {
      if (this.asked) return undefined;
      throw error;
    } finally {
      this.holding = false;
    }
  }
}
