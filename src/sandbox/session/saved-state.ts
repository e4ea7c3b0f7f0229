/**
 * `saveState` / `restoreState` on the host's side. The bytes' format is one for every host
 * (src/shared/memory/saved-state-format.ts). Every worker packs its own save (`workerPackBound`): the bytes leave
 * the boundary compressed, as one buffer under a bound (a page's isolation frame lets it through
 * for a save's answer alone; the Deno wire's message bound is below it), and a restore is checked
 * here without being unpacked (header, sizes, build, checksum; only the files the host's copy of
 * the working directory keeps are unpacked, within its bounds) and handed packed to the new worker, which checks it
 * again (but its checksum, checked here on the same bytes) and unpacks it inside the boundary.
 */
import type { SavedInterpreter } from '../../shared/protocol.js';
import { isNode } from '../../shared/is-node.js';
import { type FileKeeper, MAX_PAGE_STATE_BYTES, MAX_STATE_BYTES, checkState, unpackFiles } from '../../shared/memory/saved-state-format.js';
import type { Isolation } from '../isolation/spawned-worker.js';
import { copyPaced } from '../../shared/memory/paced-bytes.js';
import { MAX_MESSAGE_BYTES } from '../isolation/relay-gate.js';
import { SandboxBootError, SandboxError, SandboxStateError } from '../errors.js';
import type { Interpreters } from './interpreters.js';
import { WorkdirMirror } from '../files/workdir-mirror.js';
import type { WorkerSession } from './worker-session.js';

/** How the sandbox calls its worker (bounded by `limits.callTimeoutMs` or `ownMs` if longer, failing if it dies). */
type Call = <T>(fn: () => Promise<T>, ownMs?: number) => Promise<T>;

/**
 * How long a worker may take to save: a page's packs at about 30 MB/s on a loaded two-core
 * machine (gzip and, in the frame, a JavaScript SHA-256), so a state near `MAX_PAGE_STATE_BYTES`
 * takes some seconds, past `limits.callTimeoutMs`'s 15 s when the machine is busy; one past the
 * bound is refused as soon as its packed bytes pass it.
 */
const SAVE_TIMEOUT_MS = 120_000;

/**
 * The most packed bytes of a saved state a worker may hand over: in a page `MAX_PAGE_STATE_BYTES`;
 * behind Deno what one message of its wire may carry (a megabyte left for the rest of it); in a
 * Node worker thread `MAX_STATE_BYTES`.
 */
export function workerPackBound(isolation: Isolation): number {
  if (!isNode) return MAX_PAGE_STATE_BYTES;
  return typeof isolation === 'object' ? MAX_MESSAGE_BYTES - 2 ** 20 : MAX_STATE_BYTES;
}

/**
 * The worker's part of a save (what holds the sandbox's queue): the bytes it packed, checked for
 * their size (the worker is untrusted). Refusals (a compiled package loaded, too large) as
 * `SandboxStateError`. `givesWay`: an idle save, which `session.remote.giveWay()` stops (see there).
 */
export async function savedState(session: WorkerSession, call: Call, givesWay = false): Promise<Uint8Array> {
  const bound = workerPackBound(session.isolation);
  const asked: unknown = await call(() => Promise.resolve(session.remote.saveState(bound, givesWay)), SAVE_TIMEOUT_MS).catch(unsaved);
  if (!(asked instanceof Uint8Array) || asked.length > bound)
    throw new SandboxStateError(`This interpreter cannot be saved: the worker answered with something that is not a saved state of at most ${bound} bytes`);
  return asked;
}

function unsaved(error: Error): never {
  throw SandboxError.isInstance(error) ? error : new SandboxStateError(`This interpreter cannot be saved: ${String(error?.message ?? error).slice(0, 500)}`);
}

/**
 * A new interpreter started from `bytes` (checked first), in place of `current` (stopped once the
 * new one is up); refused bytes or a failed restore leave `current` as it was. `files`: those a
 * mirror of the working directory with `mirrorBudget` bytes keeps (none by default).
 */
export async function restoredSession(
  current: WorkerSession,
  bytes: Uint8Array,
  maxBytes: number | undefined,
  interpreters: Pick<Interpreters, 'restored'>,
  mirrorBudget = 0,
): Promise<{ session: WorkerSession; files: StateFiles }> {
  const keep = mirrorBudget > 0 ? WorkdirMirror.keeper(mirrorBudget) : () => false;
  const { given, files } = await stateForWorker(bytes, current.info?.stateKey, maxBytes, keep, ' The sandbox is unchanged.');
  const session = await interpreters.restored(given).catch((error: Error) => {
    throw SandboxBootError.isInstance(error) && error.retryable ? error : notRestored(error, ' (the sandbox is unchanged)');
  });
  void current.terminate('replaced by a saved state');
  return { session, files };
}

/** A restored state's files the host keeps for its copy of the working directory, and the names of those it passed over. */
export type StateFiles = Awaited<ReturnType<typeof unpackFiles>>;

/**
 * `bytes` checked for a new worker (which unpacks them), and a copy of the files `keep` takes for
 * the host's mirror of the working directory (the rest stay packed: the host never holds them);
 * `key` null: before any worker runs (`SandboxOptions.savedState`), the worker compares the build.
 * `after`: the refusal's last words.
 * @throws {SandboxStateError} refused bytes.
 */
export async function stateForWorker(
  bytes: Uint8Array,
  key: SavedInterpreter['key'] | null | undefined,
  maxBytes: number | undefined,
  keep: FileKeeper,
  after = '',
): Promise<{ given: Uint8Array; files: StateFiles }> {
  try {
    // By default a page takes as many packed bytes as a save there gives, and unpacks what wasm32 holds.
    const files = await unpackFiles(
      await checkState(bytes, key, maxBytes ?? MAX_STATE_BYTES, maxBytes ?? (isNode ? MAX_STATE_BYTES : MAX_PAGE_STATE_BYTES)),
      keep,
    );
    if (!isNode) return { given: bytes, files };
    // Node: a copy of its own, made a slice at a time, to move to the worker; a copy as the
    // caller's bytes crossed would pause the host (110 MB behind Deno: 117-213 ms).
    const given = new Uint8Array(bytes.length);
    await copyPaced([bytes], given, 0);
    return { given, files };
  } catch (error) {
    throw new SandboxStateError(`This saved state cannot be restored: ${(error as Error)?.message ?? error}.${after}`);
  }
}

/** A worker's failure to start from a saved state, as the sandbox says it. */
export function notRestored(error: Error, note = ''): SandboxStateError {
  return new SandboxStateError(`The saved state did not restore${note}: ${error?.message ?? error}`, { cause: error });
}
