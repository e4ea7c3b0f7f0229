/**
 * The bytes of a file a run wrote. `RunResult` stays plain JSON data (it crosses from the worker,
 * is saved with a conversation, may be sent to a server), so a file's contents travel in it as
 * base64; this is the one decoding of them a caller needs.
 */
import type { FileOutput, ImageOutput } from '../../shared/types.js';
import { base64ToBytes, isBase64 } from './base64.js';

/**
 * The bytes of a file in `RunResult.files` (or of an image in `RunResult.images`).
 * @param file The file, as the run returned it.
 * @returns Its bytes; `undefined` when its contents were not returned (`omitted`, as for a file
 *   over `limits.maxFileBytes`: read it with `readFile(file.path)` if you need it).
 * @throws {TypeError} `data` that is not base64 (never so in a result from `run`, which checks it).
 * @example
 * ```ts
 * const result = await sandbox.run('open("out.csv", "w").write("a,b\\n1,2\\n")');
 * for (const file of result.files) console.log(file.path, fileOutputBytes(file)?.byteLength);
 * ```
 */
export function fileOutputBytes(file: FileOutput | ImageOutput): Uint8Array | undefined {
  if ('omitted' in file && file.omitted !== undefined) return undefined;
  if (typeof file.data !== 'string' || !isBase64(file.data)) throw new TypeError('file.data is not base64');
  return base64ToBytes(file.data);
}
