/**
 * The handle on a started worker, whatever hosts it (spawn.ts: Node, browser, isolation frame).
 * Its own module so that each host's starter depends on it, not on the others.
 */

import type { Endpoint } from 'comlink';
import type { PortLike } from '../../shared/protocol.js';

import type { DenoBoundary } from '../../shared/types.js';

/**
 * Where a worker runs. Browsers: inside a sandboxed opaque-origin frame, or as the page's own
 * worker. Node: a worker thread (`worker`), or a Deno process (`deno`) that may read
 * `runtimeFolders` (file: URLs of the worker script's and the runtime's folders) and what `boundary` opens.
 */
export type Isolation = 'frame' | 'worker' | { deno: DenoBoundary; runtimeFolders: string[] };

export interface SpawnedWorker {
  /** Host end of the calls channel (comlink). */
  rpc: Endpoint;
  /** Host end of the events channel (validated plain messages). */
  events: PortLike;
  /**
   * Whether `interrupt()` raises KeyboardInterrupt (a SharedArrayBuffer is shared with Python).
   * A frame reports it once its worker has started (in practice long before Python has booted);
   * until then it is false, and a stop terminates.
   */
  readonly interruptible: boolean;
  /**
   * Whether the worker can read a Blob it is handed, known once it has started. False for
   * WebKit's isolated worker (a data: worker, see isolation-frame.ts): it is handed bytes instead
   * (`blobs-to-bytes.ts`).
   */
  readonly readsBlobs: Promise<boolean>;
  interrupt(): void;
  /** Hard stop. */
  terminate(): Promise<void>;
  /**
   * Called once if the worker dies on its own (crash, `process.exit`, uncaught error): `reason` in
   * the library's words; `workerText`, what the worker's own error said (untrusted, at most 500
   * characters), for the run's output only.
   */
  onExit(listener: (reason: string, workerText?: string) => void): void;
  /** Keeps a Node process alive while a call is in flight; returns the release. No-op in browsers. */
  hold(): () => void;
  /**
   * Rejects, with why, when the host itself cannot run (a Deno whose `deno --version` fails): a
   * boot ends at once with this rather than waiting out its timeout or blaming the runtime.
   * Absent where there is nothing to check.
   */
  readonly hostRuns?: Promise<void>;
}

/**
 * `hold()` for a Node host, whose handles keep the process alive while referenced: the first hold
 * refs them, the last release unrefs them; a release is counted once.
 */
export function nodeHolds(ref: () => void, unref: () => void): () => () => void {
  let holds = 0;
  return () => {
    if (holds++ === 0) ref();
    let released = false;
    return () => {
      if (released) return;
      released = true;
      if (--holds === 0) unref();
    };
  };
}
