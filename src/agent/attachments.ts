/**
 * Attachments: written into the sandbox working directory (local mode) and shown to the model as
 * parts: text files as text, images and PDFs as inline data, anything else as a note naming the file.
 */
import { type Part, createPartFromBase64, createPartFromText } from '@google/genai';
import type { AgentSandbox, Attachment, AttachmentContent, ExecutionMode } from './types.js';
import { refuseBothNames } from './renamed-option.js';

/**
 * In local mode a text file's contents are shown up to this many bytes; the model can read the rest
 * from the working directory. (Server mode has no working directory, so the whole file is sent.)
 */
export const ATTACHMENT_PREVIEW_BYTES = 32 * 1024;

/** MIME types the Gemini API accepts as inline data. */
const INLINE_MIME = /^(image\/(png|jpeg|webp|heic|heif|gif)|application\/pdf|audio\/.+|video\/.+)$/;
const TEXT_MIME = /^(text\/.+|application\/(json|xml|csv|x-yaml|yaml|x-python|javascript|x-ndjson|sql|toml))$/;

const BY_EXTENSION: Record<string, string> = {
  csv: 'text/csv',
  tsv: 'text/tab-separated-values',
  txt: 'text/plain',
  md: 'text/markdown',
  json: 'application/json',
  py: 'text/x-python',
  xml: 'application/xml',
  yaml: 'application/yaml',
  yml: 'application/yaml',
  log: 'text/plain',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
};

/**
 * A file's MIME type as the loop reads it: by its extension where known (browsers often leave
 * `File.type` empty for CSV and code files, or say `application/vnd.ms-excel` for CSV), else the
 * type given, else `application/octet-stream`.
 * @example `mimeTypeOf({ name: 'sales.csv', type: '' })` is `'text/csv'`.
 */
export function mimeTypeOf(file: { name: string; type?: string }): string {
  const extension = file.name.split('.').pop()?.toLowerCase() ?? '';
  return BY_EXTENSION[extension] ?? (file.type || 'application/octet-stream');
}

/** An attachment once checked: its path under the one name, whichever the caller used. */
export type CheckedAttachment = AttachmentContent & { path: string };

/**
 * Checks attachments before anything is written or sent.
 * @returns Each with its `path` (from the deprecated `name` where that was given).
 * @throws {TypeError} a missing, empty or twice-given path, a type that is not a string, data that is not bytes, or a path given twice.
 */
export function checkAttachments(attachments: readonly Attachment[]): CheckedAttachment[] {
  const paths = new Set<string>();
  return attachments.map((attachment, index) => {
    const given = (attachment ?? {}) as Partial<Record<'path' | 'name', unknown>>;
    refuseBothNames({ name: `attachments[${index}].path`, value: given.path }, { name: `attachments[${index}].name`, value: given.name });
    const path = given.path ?? given.name;
    const field = given.path === undefined && given.name !== undefined ? 'name' : 'path';
    if (typeof path !== 'string' || path.trim() === '')
      throw new TypeError(`attachments[${index}].${field} must be a non-empty path relative to the working directory`);
    if (typeof attachment.mimeType !== 'string')
      throw new TypeError(`attachments[${index}].mimeType must be a MIME type such as "text/csv", or "" to go by the file name`);
    if (!(attachment.data instanceof Uint8Array)) throw new TypeError(`attachments[${index}].data must be a Uint8Array`);
    if (paths.has(path)) throw new TypeError(`Two attachments have the path "${path}"; paths must be unique`);
    paths.add(path);
    return { path, mimeType: attachment.mimeType, data: attachment.data };
  });
}

/** An attachment's path, under either of its names (the attachment is checked already). */
export function attachmentPath(attachment: Attachment): string {
  return attachment.path !== undefined ? attachment.path : attachment.name;
}

/** Writes the attachments into the sandbox working directory, in order. */
export async function writeAttachments(sandbox: AgentSandbox, attachments: readonly CheckedAttachment[]): Promise<void> {
  for (const attachment of attachments) await sandbox.writeFile(attachment.path, attachment.data);
}

/** The parts that show the attachments to the model. */
export function attachmentParts(attachments: readonly CheckedAttachment[], mode: ExecutionMode): Part[] {
  return attachments.flatMap((attachment) => partsFor(attachment, mode));
}

function partsFor(attachment: CheckedAttachment, mode: ExecutionMode): Part[] {
  const { path: name, mimeType, data } = attachment;
  const where = mode === 'local' ? ` It is saved in the working directory as ${JSON.stringify(name)}.` : '';
  // An empty type (a browser's File.type for a CSV) goes by the name, as the widget's picker does.
  const mime = (mimeType || mimeTypeOf({ name })).toLowerCase().split(';')[0].trim();
  if (isText(mime, name)) {
    const limit = mode === 'local' ? ATTACHMENT_PREVIEW_BYTES : Infinity;
    const shown = data.byteLength > limit ? data.subarray(0, limit) : data;
    const text = new TextDecoder().decode(shown);
    const cut = shown.byteLength < data.byteLength ? `\n[… shown: the first ${shown.byteLength} of ${data.byteLength} bytes; read the file for the rest]` : '';
    return [createPartFromText(`Attached file ${JSON.stringify(name)} (${mime}, ${data.byteLength} bytes).${where}\n\`\`\`\n${text}${cut}\n\`\`\``)];
  }
  if (INLINE_MIME.test(mime)) {
    return [
      createPartFromText(`Attached file ${JSON.stringify(name)} (${mime}, ${data.byteLength} bytes).${where}`),
      createPartFromBase64(toBase64(data), mime),
    ];
  }
  const reach = mode === 'local' ? where : ' Its contents could not be shown to you.';
  return [createPartFromText(`Attached file ${JSON.stringify(name)} (${mime}, ${data.byteLength} bytes).${reach}`)];
}

function isText(mime: string, name: string): boolean {
  return TEXT_MIME.test(mime) || (/\.(csv|tsv|txt|md|json|py|ya?ml|xml|html?|log)$/i.test(name) && !INLINE_MIME.test(mime));
}

/** Base64 of bytes, in browsers and Node alike (no Buffer). */
export function toBase64(bytes: Uint8Array): string {
  let binary = '';
  const step = 0x8000;
  for (let i = 0; i < bytes.length; i += step) binary += String.fromCharCode(...bytes.subarray(i, i + step));
  return btoa(binary);
}
