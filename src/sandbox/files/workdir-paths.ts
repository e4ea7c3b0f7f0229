import { WORKDIR } from '../../shared/pyodide-defaults.js';
import { MAX_MESSAGE_BYTES } from '../isolation/relay-gate.js';

/**
 * Normalizes a user-supplied file path to one relative to the working directory.
 * Accepts `data.csv`, `./out/a.png`, or an absolute path inside {@link WORKDIR};
 * throws a `TypeError` for anything that would leave it (`..`, other absolute paths, empty names).
 */
export function toWorkdirPath(path: unknown): string {
  if (typeof path !== 'string' || path.trim() === '') throw new TypeError('File path must be a non-empty string');
  if (path.includes('\0')) throw new TypeError('File path must not contain NUL characters');
  let rest = path.replace(/\\/g, '/');
  if (rest.startsWith('/')) {
    if (rest !== WORKDIR && !rest.startsWith(`${WORKDIR}/`)) {
      throw new TypeError(`File path "${path}" is outside the working directory ${WORKDIR}`);
    }
    rest = rest.slice(WORKDIR.length);
  }
  const parts: string[] = [];
  for (const part of rest.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (parts.length === 0) throw new TypeError(`File path "${path}" is outside the working directory ${WORKDIR}`);
      parts.pop();
    } else parts.push(part);
  }
  if (parts.length === 0) throw new TypeError(`File path "${path}" names the working directory, not a file`);
  return parts.join('/');
}

/** File data as the worker writes it: bytes as given, text as UTF-8. */
export function fileBytes(data: Uint8Array | string): Uint8Array {
  if (typeof data === 'string') return new TextEncoder().encode(data);
  if (data instanceof Uint8Array) return data;
  throw new TypeError('File data must be a Uint8Array or a string');
}

/**
 * A read's byte bound (`ReadFileOptions.maxBytes`), checked, and never above what one message
 * from the worker may carry: without it a larger file would cross the frame's gate or the Deno
 * relay only to be refused there, stopping the worker and losing its state; with it the worker
 * refuses the file itself and the interpreter keeps everything.
 */
export function readBound(maxBytes: number | undefined): number {
  if (maxBytes !== undefined && !(Number.isSafeInteger(maxBytes) && maxBytes >= 0))
    throw new RangeError(`maxBytes must be a whole number of bytes, 0 or more; got ${String(maxBytes)}`);
  return Math.min(maxBytes ?? MAX_MESSAGE_BYTES, MAX_MESSAGE_BYTES);
}
