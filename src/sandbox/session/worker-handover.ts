/**
 * What crosses to a worker in a call, as it can take it: Blobs read into transferred bytes where
 * it cannot read them, a saved state moved rather than copied in Node, and the standard library
 * handed over once it has downloaded.
 */
import { type RemoteObject, transfer } from 'comlink';
import { isNode } from '../../shared/is-node.js';
import { blobsToBytes } from './blobs-to-bytes.js';
import type { WorkerApi } from '../../shared/protocol.js';

/** `value` as the worker can take it in a call: as it is, or its Blobs read into bytes that are transferred (see `Bytes`). */
export async function forWorker<T>(value: T, readsBlobs: Promise<boolean>): Promise<T> {
  // A saved state in Node (the host's own copy, up to hundreds of MB) is moved, not copied on the
  // main thread. A page's is the caller's bytes: copied as they cross, never detached.
  const restoring = (value as { restoreState?: Uint8Array }).restoreState;
  const moved = restoring && isNode ? [restoring.buffer] : [];
  if (await readsBlobs) return moved.length > 0 ? transfer(value, moved as ArrayBuffer[]) : value;
  const bytes = await blobsToBytes(value);
  return transfer(bytes.value, [...bytes.transfer, ...(moved as ArrayBuffer[])]);
}

/** Hands the standard library to a worker that booted without it once it has downloaded, or says why it will not come. */
export async function installStdlib(
  remote: Pick<RemoteObject<WorkerApi>, 'installStdlib'>,
  stdlib: Promise<Blob>,
  readsBlobs: Promise<boolean>,
): Promise<void> {
  let blob: Blob;
  try {
    blob = await stdlib;
  } catch (error) {
    return remote.installStdlib({ failed: (error as Error)?.message ?? String(error) });
  }
  return remote.installStdlib(await forWorker(blob, readsBlobs));
}

/** A staged boot's saved state (`BootConfig.restoreLater`), and who is told once the worker waits for it. */
export interface Staged {
  state: Promise<Uint8Array>;
  onWaiting(): void;
}

/**
 * `staged`'s state handed in once it comes (after the boot call, which waits for it in the
 * worker); `on.waiting` told once the worker waits for it, `on.handedIn` just before it goes.
 */
export function handInLater(remote: RemoteObject<WorkerApi>, staged: Staged | undefined, on: { waiting(): void; handedIn(): void }): void {
  if (!staged) return;
  remote.whenStaged().then(
    () => {
      on.waiting();
      staged.onWaiting();
    },
    () => undefined,
  );
  void staged.state.then(
    (state) => {
      on.handedIn();
      return remote.restoreStaged(state);
    },
    () => undefined,
  );
}
