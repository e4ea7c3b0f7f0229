import { workerStopped } from '../errors.js';
import type { WorkerSession } from './worker-session.js';

/**
 * A call to the worker that fails clearly instead of hanging: if the worker dies meanwhile, or
 * does not answer within `timeoutMs` (`limits.callTimeoutMs`; then it is stopped, and replaced by the sandbox's next call).
 */
export async function callWorker<T>(session: WorkerSession, what: string, timeoutMs: number, fn: () => Promise<T>): Promise<T> {
  const release = session.hold();
  const silent = setTimeout(() => void session.terminate(`it did not answer ${what}() within ${timeoutMs} ms (limits.callTimeoutMs)`), timeoutMs);
  try {
    const answer = await session.untilDeath(fn());
    if ('died' in answer) throw workerStopped(what, answer.died);
    return answer.value;
  } finally {
    clearTimeout(silent);
    release();
  }
}
