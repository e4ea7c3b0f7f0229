/**
 * `saveState` / `restoreState` on the host's side. The bytes' format is one for every host
 * (src/saved-state-format.ts). Node packs the worker's save here (zlib on its thread pool) and
 * unpacks a restore here, handing the new worker the memory. A browser page does neither: the
 * worker packs (the bytes leave it compressed, as one transferred buffer under
 * `MAX_PAGE_STATE_BYTES`, which the isolation frame's gate lets through for a save's answer
 * alone), and a restore is checked here without being unpacked (header, sizes, build, checksum;
 * only the files are unpacked, for the host's copy of the working directory) and handed packed to
 * the new worker, which checks it again and unpacks it inside the boundary.
 */
import type { SavedInterpreter } from '../../protocol.js';
import { isNode } from '../../is-node.js';
import { MAX_PAGE_STATE_BYTES, MAX_STATE_BYTES, checkState, packState, unpackFiles, unpackState } from '../../saved-state-format.js';
import { SandboxError, SandboxStateError } from '../errors.js';
import type { Interpreters } from './interpreters.js';
import type { WorkerSession } from './worker-session.js';

/** How the sandbox calls its worker (bounded by `limits.callTimeoutMs` or `ownMs` if longer, failing if it dies). */
type Call = <T>(fn: () => Promise<T>, ownMs?: number) => Promise<T>;

/**
 * How long a page's worker may take to save: it packs at about 30 MB/s on a loaded two-core
 * machine (gzip and, in the frame, a JavaScript SHA-256), so a state near `MAX_PAGE_STATE_BYTES`
 * takes some seconds, past `limits.callTimeoutMs`'s 15 s when the machine is busy; one past the
 * bound is refused as soon as its packed bytes pass it.
 */
const PAGE_SAVE_TIMEOUT_MS = 120_000;

/**
 * The worker's part of a save (what holds the sandbox's queue): in Node the interpreter's memory and
 * files, to be packed on the host; in a page the bytes the worker packed. Refusals (a compiled
 * package loaded, too large) as `SandboxStateError`.
 */
export async function askSave(session: WorkerSession, call: Call): Promise<SavedInterpreter | Uint8Array> {
  if (isNode) return call(() => Promise.resolve(session.remote.saveState() as Promise<SavedInterpreter>)).catch(unsaved);
  return call(() => Promise.resolve(session.remote.saveState(MAX_PAGE_STATE_BYTES)), PAGE_SAVE_TIMEOUT_MS).catch(unsaved);
}

/** `asked` (`askSave`'s answer, untrusted) as a saved state's bytes: packed here in Node, checked for its size in a page. */
export async function packSave(asked: SavedInterpreter | Uint8Array): Promise<Uint8Array> {
  if (isNode) return packState(asked as SavedInterpreter).catch(unsaved);
  if (!(asked instanceof Uint8Array) || asked.length > MAX_PAGE_STATE_BYTES)
    throw new SandboxStateError(
      `This interpreter cannot be saved: the worker answered with something that is not a saved state of at most ${MAX_PAGE_STATE_BYTES} bytes`,
    );
  return asked;
}

/** `session`'s interpreter as a saved state's bytes (`askSave`, then `packSave`). */
export async function savedState(session: WorkerSession, call: Call): Promise<Uint8Array> {
  return packSave(await askSave(session, call));
}

function unsaved(error: Error): never {
  throw SandboxError.isInstance(error) ? error : new SandboxStateError(`This interpreter cannot be saved: ${String(error?.message ?? error).slice(0, 500)}`);
}

/**
 * A new interpreter started from `bytes` (checked first), in place of `current` (stopped once the
 * new one is up); refused bytes or a failed restore leave `current` as it was.
 */
export async function restoredSession(
  current: WorkerSession,
  bytes: Uint8Array,
  maxBytes: number | undefined,
  interpreters: Pick<Interpreters, 'restored'>,
): Promise<{ session: WorkerSession; files: SavedInterpreter['files'] }> {
  const { given, files } = await stateForWorker(bytes, current.info?.stateKey, maxBytes, ' The sandbox is unchanged.');
  const session = await interpreters.restored(given).catch((error: Error) => {
    throw notRestored(error, ' (the sandbox is unchanged)');
  });
  void current.terminate('replaced by a saved state');
  return { session, files };
}

/**
 * `bytes` checked for a new worker (in Node unpacked, in a page handed on packed), and a copy of
 * its files for the host's mirror of the working directory; `key` null: before any worker runs
 * (`SandboxOptions.savedState`), the worker compares the build. `after`: the refusal's last words.
 * @throws {SandboxStateError} refused bytes.
 */
export async function stateForWorker(
  bytes: Uint8Array,
  key: SavedInterpreter['key'] | null | undefined,
  maxBytes: number | undefined,
  after = '',
): Promise<{ given: SavedInterpreter | Uint8Array; files: SavedInterpreter['files'] }> {
  try {
    if (isNode) {
      const given = await unpackState(bytes, key, maxBytes);
      // Copies for the host's mirror of the working directory: the state's own bytes go to the worker.
      return { given, files: given.files.map(({ path, data }) => ({ path, data: data.slice() })) };
    }
    // By default a page takes as many packed bytes as a save there gives, and unpacks what wasm32 holds.
    const files = await unpackFiles(await checkState(bytes, key, maxBytes ?? MAX_STATE_BYTES, maxBytes ?? MAX_PAGE_STATE_BYTES));
    return { given: bytes, files };
  } catch (error) {
    throw new SandboxStateError(`This saved state cannot be restored: ${(error as Error)?.message ?? error}.${after}`);
  }
}

/** A worker's failure to start from a saved state, as the sandbox says it. */
export function notRestored(error: Error, note = ''): SandboxStateError {
  return new SandboxStateError(`The saved state did not restore${note}: ${error?.message ?? error}`, { cause: error });
}
