/**
 * One saved state read back from the state folder, as a file anyone with write access to the
 * folder may have planted: only a regular file is read. A symbolic link is not followed (to
 * `/dev/zero` its target's size is 0, and a read of it never ends), and a device, a folder or a
 * FIFO is not opened: the name's `lstat` decides, the open refuses a link (`O_NOFOLLOW`; a FIFO
 * put there meanwhile does not block it, `O_NONBLOCK`), and the opened file's own `fstat` decides
 * again. Whatever either says of its size, the read takes at most the bound and one byte more
 * through that handle, so a file that grows while it is read is refused too.
 */
import { type Stats, constants } from 'node:fs';
import { type FileHandle, lstat, open } from 'node:fs/promises';

/** What a later read asks of the file after its first (the first is sized by its `fstat`). */
const CHUNK_BYTES = 1 << 20;
/** Where the system has them (Linux, macOS); elsewhere the `fstat` of the opened file still decides. */
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0);

/** A state file that was refused unread, and why. */
export class StateFileRefused extends Error {
  override readonly name = 'StateFileRefused';
}

/**
 * The bytes of the state file `file`, read within `maxBytes`.
 * @returns undefined when there is no such file.
 * @throws {StateFileRefused} it is not a regular file, or holds more than `maxBytes`.
 */
export async function readStateFile(file: string, maxBytes: number): Promise<Uint8Array | undefined> {
  const named = await lstat(file).catch(missing);
  if (!named) return undefined;
  refuseUnlessRegular(named, maxBytes);
  const handle = await open(file, OPEN_FLAGS).catch((error: NodeJS.ErrnoException) => {
    // O_NOFOLLOW's answer when the name became a link since the lstat.
    if (error.code === 'ELOOP') throw new StateFileRefused('its file is a symbolic link, not a regular file; it was not followed');
    return missing(error);
  });
  if (!handle) return undefined;
  try {
    const opened = await handle.stat();
    refuseUnlessRegular(opened, maxBytes);
    return await readAtMost(handle, maxBytes, opened.size);
  } finally {
    await handle.close();
  }
}

/**
 * Up to `maxBytes` + 1 bytes from `handle`, one more being a file over the bound: first the
 * `expected` bytes its `fstat` gave, then until the end, whatever it said.
 */
async function readAtMost(handle: FileHandle, maxBytes: number, expected: number): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  let total = 0;
  for (let room = maxBytes + 1; room > 0; room = maxBytes + 1 - total) {
    const part = new Uint8Array(Math.min(room, total === 0 && expected > 0 ? expected : CHUNK_BYTES));
    const { bytesRead } = await handle.read(part, 0, part.length, null);
    if (bytesRead === 0) break;
    parts.push(bytesRead === part.length ? part : part.subarray(0, bytesRead));
    total += bytesRead;
  }
  if (total > maxBytes) throw new StateFileRefused(`its file holds more than the folder's bound of ${maxBytes} bytes (it grew as it was read)`);
  const [only] = parts;
  if (parts.length === 1 && only && only.byteLength === only.buffer.byteLength) return only;
  const bytes = new Uint8Array(total);
  let at = 0;
  for (const part of parts) {
    bytes.set(part, at);
    at += part.length;
  }
  return bytes;
}

function refuseUnlessRegular(info: Stats, maxBytes: number): void {
  if (!info.isFile()) throw new StateFileRefused(`its file is ${kindOf(info)}, not a regular file; it was not read`);
  if (info.size > maxBytes) throw new StateFileRefused(`its file is ${info.size} bytes, over the folder's bound of ${maxBytes}`);
}

function kindOf(info: Stats): string {
  if (info.isSymbolicLink()) return 'a symbolic link';
  if (info.isDirectory()) return 'a folder';
  if (info.isFIFO()) return 'a FIFO';
  if (info.isCharacterDevice() || info.isBlockDevice()) return 'a device';
  if (info.isSocket()) return 'a socket';
  return 'of another kind';
}

function missing(error: NodeJS.ErrnoException): undefined {
  if (error.code === 'ENOENT') return undefined;
  throw error;
}
