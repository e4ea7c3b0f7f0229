/**
 * A browser's picked or dropped files as attachments: one implementation, used by the widget and
 * exported for pages of their own. Browsers often leave `File.type` empty for CSV and code files
 * (so `{ path: file.name, mimeType: file.type, data }` would carry no type), and two picked files
 * may share a name, which as paths would overwrite each other in the sandbox.
 */
import { mimeTypeOf } from './attachments.js';
import type { AttachmentContent } from './types.js';

/** Largest file {@link attachmentsFromFiles} reads by default: 20 MiB (the sandbox keeps files in memory). */
export const MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024;

/** What {@link attachmentsFromFiles} needs of a file: a browser's `File` (or Node's) has it. */
export interface FileLike {
  readonly name: string;
  readonly type: string;
  readonly size: number;
  /** The file's bytes. */
  arrayBuffer(): Promise<ArrayBuffer>;
}

/** Options of {@link attachmentsFromFiles}. */
export interface AttachmentsFromFilesOptions {
  /** Paths already taken (files staged or sent before): a new file of the same name is renamed, not put over them. */
  existingFiles?: Iterable<string>;
  /** Largest file read, in bytes. Default {@link MAX_ATTACHMENT_BYTES}. */
  maxBytes?: number;
}

/**
 * Reads files (an `<input type="file">`'s `files`, a drop's `dataTransfer.files`, or any list of
 * `File`s) into attachments for `sendMessage({ attachments })`: each at the file's name as its
 * path (folders and control characters removed, made unique as `data (2).csv`), with its type by
 * the extension where known ({@link mimeTypeOf}: `text/csv` for a CSV whose `File.type` is empty),
 * and its bytes.
 * @param files The files, in order.
 * @param options Paths already taken, and the largest file to read.
 * @returns The attachments, in the files' order.
 * @throws {RangeError} a file larger than `maxBytes` (checked before any file is read), or a `maxBytes` that is not a number of bytes.
 * @example
 * ```ts
 * input.addEventListener('change', async () => {
 *   const attachments = await attachmentsFromFiles(input.files ?? []);
 *   await chat.sendMessage({ message: 'Summarise these', attachments });
 * });
 * ```
 */
export async function attachmentsFromFiles(
  files: Iterable<FileLike> | ArrayLike<FileLike>,
  options: AttachmentsFromFilesOptions = {},
): Promise<(AttachmentContent & { path: string })[]> {
  const maxBytes = options.maxBytes ?? MAX_ATTACHMENT_BYTES;
  // NaN would compare false with every size and so bound nothing.
  if (typeof maxBytes !== 'number' || !(maxBytes >= 0)) throw new RangeError(`maxBytes must be a number of bytes; got ${String(maxBytes)}`);
  const list = Array.from(files);
  const large = list.find((file) => file.size > maxBytes);
  if (large) throw new RangeError(`${large.name} is larger than ${formatMiB(maxBytes)}`);
  const taken = new Set(options.existingFiles);
  const read: (AttachmentContent & { path: string })[] = [];
  for (const file of list) {
    const path = uniquePath(safeName(file.name), taken);
    taken.add(path);
    read.push({ path, mimeType: mimeTypeOf(file), data: new Uint8Array(await file.arrayBuffer()) });
  }
  return read;
}

/** A plain file name for the working directory (no folders, no control characters). */
function safeName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? 'file';
  return base.replace(/[\u0000-\u001f]/g, '').trim() || 'file';
}

function uniquePath(name: string, taken: ReadonlySet<string>): string {
  if (!taken.has(name)) return name;
  const dot = name.lastIndexOf('.');
  const stem = dot > 0 ? name.slice(0, dot) : name;
  const ext = dot > 0 ? name.slice(dot) : '';
  for (let i = 2; ; i++) if (!taken.has(`${stem} (${i})${ext}`)) return `${stem} (${i})${ext}`;
}

function formatMiB(bytes: number): string {
  return `${Math.round((bytes / 1024 / 1024) * 10) / 10} MB`;
}
