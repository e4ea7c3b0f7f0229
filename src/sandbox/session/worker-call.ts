import { workerStopped } from '../errors.js';
import type { WorkerSession } from './worker-session.js';
import { afterHostTime } from '../runs/host-time.js';

/**
 * A call to the worker that fails clearly instead of hanging: if the worker dies meanwhile, or
 * does not answer within `timeoutMs` (`limits.callTimeoutMs`), or `ownMs` if longer (a page's
 * save: see saved-state.ts), it is stopped, and replaced by the sandbox's next call.
 */
export async function callWorker<T>(session: WorkerSession, what: string, timeoutMs: number, fn: () => Promise<T>, ownMs?: number): Promise<T> {
  const release = session.hold();
  const limit = Math.max(timeoutMs, ownMs ?? 0);
  const why = `it did not answer ${what}() within ${limit} ms${limit > timeoutMs ? '' : ' (limits.callTimeoutMs)'}`;
  // Counted in the host's own time (runs/host-time.ts): a starved worker is not a silent one.
  const cancelWait = afterHostTime(limit, () => void session.terminate(why));
  try {
    const answer = await session.untilDeath(fn());
    if ('died' in answer) throw workerStopped(what, answer.died);
    return answer.value;
  } finally {
    cancelWait();
    release();
  }
}
