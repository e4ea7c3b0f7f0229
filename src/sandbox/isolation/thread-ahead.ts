/**
 * One Node worker thread started ahead, per worker script and process: the next sandbox's boot (a
 * restore from saved state, an interpreter replaced after a stop, an MCP session coming back)
 * then skips the thread's start (25-40 ms) and its import of Pyodide's JavaScript (about 25 ms),
 * which happened while the process had nothing else to do.
 * - It is started once a sandbox has booted in this process (boot-plan.ts), so a process that
 *   never boots one never holds one, and it never competes with the boot it would serve.
 * - It is unref'd: it never keeps the process alive, and it costs one idle thread's memory
 *   (measured in bench/README.md).
 * - It serves one sandbox, once: it has run no Python when it is taken, and a thread that ran one
 *   sandbox's Python is never handed to another.
 * - A thread copies the process's environment when it starts: one started before the environment
 *   changed (TMPDIR, TZ, ...) is not handed out, and the take starts a thread that sees the change.
 */
import type { Worker as NodeWorker } from 'node:worker_threads';
import type { WorkerStartData } from '../../shared/protocol.js';

interface Ahead {
  worker: Promise<NodeWorker>;
  /** The environment it started with (`environment()`). */
  env: string;
  /** Set when the thread failed or exited before it was taken: it is not handed out. */
  gone: boolean;
}

const waiting = new Map<string, Ahead>();

/**
 * A new worker thread running `url`: the one started ahead for it when there is one and it is
 * alive, else one started now.
 */
export async function takeThread(url: URL): Promise<NodeWorker> {
  const ahead = waiting.get(url.href);
  waiting.delete(url.href);
  if (!ahead || ahead.gone) return startThread(url);
  if (ahead.env !== environment()) {
    ahead.worker.then(
      (worker) => worker.terminate(),
      () => undefined,
    );
    return startThread(url);
  }
  const worker = await ahead.worker;
  if (ahead.gone) return startThread(url);
  worker.removeAllListeners('error').removeAllListeners('exit');
  worker.ref();
  return worker;
}

/**
 * Starts a thread for `url`, to be taken by the next sandbox, unless one already waits; it
 * imports Pyodide's JavaScript from `indexURL` while it waits.
 */
export function startThreadAhead(url: URL, indexURL: string): void {
  if (waiting.get(url.href)?.gone === false) return;
  const ahead: Ahead = { gone: false, env: environment(), worker: startThread(url, { indexURL }) };
  waiting.set(url.href, ahead);
  const drop = () => {
    ahead.gone = true;
    if (waiting.get(url.href) === ahead) waiting.delete(url.href);
  };
  ahead.worker.then((worker) => {
    // An 'error' event without a listener would crash the host process.
    worker.on('error', drop).on('exit', drop);
    worker.unref();
  }, drop);
}

async function startThread(url: URL, workerData?: WorkerStartData): Promise<NodeWorker> {
  const { Worker } = await import(/* @vite-ignore */ 'node:worker_threads');
  // execArgv: the parent's flags (e.g. --input-type, --eval) are not for a worker script.
  return new Worker(url, { name: 'python-sandbox', execArgv: [], workerData });
}

/** The process's environment as a thread started now would copy it. */
function environment(): string {
  return JSON.stringify(process.env);
}
